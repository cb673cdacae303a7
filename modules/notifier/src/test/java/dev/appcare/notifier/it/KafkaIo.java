package dev.appcare.notifier.it;

import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.notifier.streams.NotifierTopology;
import dev.appcare.testkit.TopicReader;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.appcare.model.topics.Topics;

/** Producing, reading and waiting on a real broker, for the notifier's integration tests. */
final class KafkaIo implements AutoCloseable {
    private final KafkaBroker broker;
    private final Map<String, Object> serde;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();

    KafkaIo(KafkaBroker broker, String registryUrl) {
        this.broker = broker;
        this.serde = Map.of("schema.registry.url", registryUrl);
        serializer.configure(serde, false);
        Map<String, Object> props = broker.producerProperties();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_INPUT_BYTES); // the absurd 1 MB inputs
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Records up to this size reach the input topics, so a 1 MB field gets to the notifier (the DLQ keeps 1 MB). */
    static final int MAX_INPUT_BYTES = 2 * 1024 * 1024;

    /**
     * Creates the notifier's topics (contract configs) with {@code partitions} partitions each; the input topics
     * take records up to {@link #MAX_INPUT_BYTES}.
     */
    static void createTopics(KafkaBroker broker, TopicNames topics, int partitions) {
        List<NewTopic> newTopics = new ArrayList<>();
        List<dev.appcare.model.topics.TopicSpec<?>> specs = List.of(Topics.FLIGHT_STATUS, Topics.BOARDING_PASS,
                Topics.PASSENGER_SEGMENT, Topics.TRAVELLER_PREFERENCE, Topics.WHATSAPP_REQUEST, Topics.NOTIFIER_DLQ,
                Topics.NOTIFIER_DECISION);
        for (var spec : specs) {
            Map<String, String> configs = new java.util.HashMap<>(spec.configs());
            if (NotifierTopology.INPUTS.contains(spec)) {
                configs.put(org.apache.kafka.common.config.TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_INPUT_BYTES));
            }
            newTopics.add(new NewTopic(topics.name(spec), partitions, (short) 1).configs(configs));
        }
        broker.createTopics(newTopics.toArray(NewTopic[]::new));
    }

    /**
     * Sends with the producer's clock as the record timestamp: the brokers refuse timestamps more than an hour
     * ahead ({@code log.message.timestamp.after.max.ms}), and a test day may lie in the future.
     */
    void send(String topic, String key, SpecificRecord value) {
        producer.send(new ProducerRecord<>(topic, key, value == null ? null : serializer.serialize(topic, value)));
    }

    /** With the record timestamp {@code timestamp} (a producer whose clock is far off). */
    void sendAt(String topic, String key, SpecificRecord value, java.time.Instant timestamp) {
        producer.send(new ProducerRecord<>(topic, null, timestamp.toEpochMilli(), key, serializer.serialize(topic, value)));
    }

    void sendRaw(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    void flush() {
        producer.flush();
    }

    /** Everything on a topic, read as it is at the moment (committed only, or everything). */
    <T extends SpecificRecord> List<ConsumerRecord<String, T>> readAll(String topic, Class<T> type, boolean committedOnly) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        deserializer.configure(serde, false);
        Map<String, Object> props = broker.consumerProperties("reader-" + System.nanoTime());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                (committedOnly ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED).toString().toLowerCase());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ConsumerRecord<String, T>> records = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : TopicReader.readToEnd(props, topic, Duration.ofSeconds(30))) {
            records.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                    deserializer.deserialize(r.topic(), r.value())));
        }
        return records;
    }

    /**
     * True when the application's consumer group has committed every record of {@code sources} and of its
     * own repartition topics: everything produced so far is processed. A transactional topic ends with a
     * commit marker, so one offset short of the end counts as done there.
     */
    boolean caughtUp(String applicationId, List<String> sources, List<String> repartitionNames) {
        try {
            Admin admin = broker.admin();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            List<String> internal = repartitionNames.stream()
                    .map(name -> applicationId + "-" + name + "-repartition").toList();
            List<String> topics = new ArrayList<>(sources);
            topics.addAll(internal);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (var description : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                description.partitions().forEach(p -> request.put(new TopicPartition(description.name(), p.partition()),
                        OffsetSpec.latest()));
            }
            var ends = admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS);
            for (var entry : ends.entrySet()) {
                long end = entry.getValue().offset();
                OffsetAndMetadata offset = committed.get(entry.getKey());
                long done = offset == null ? 0 : offset.offset();
                long slack = internal.contains(entry.getKey().topic()) ? 1 : 0;
                if (end > 0 && done < end - slack) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException e) {
            return false; // e.g. the internal topics do not exist yet
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> allRepartitionTopics() {
        return NotifierTopology.REPARTITIONS;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, timeout, condition);
    }

    static <K> Map<K, Long> counts(List<K> keys) {
        return keys.stream().collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
