package dev.appcare.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;

@IntegrationTest
class KafkaBrokerIT {

    @Test
    void shouldRoundTripRecordsThroughTheBroker(KafkaBroker broker) throws Exception {
        String topic = TestNames.unique("testkit.round-trip");
        broker.createTopic(topic, 3);

        try (var producer = new KafkaProducer<>(broker.producerProperties(), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "KL" + i, "value-" + i)).get();
            }
        }

        List<ConsumerRecord<String, String>> received = readAll(broker, topic, 10);
        assertThat(received).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("value-0", "value-1", "value-2", "value-3", "value-4",
                        "value-5", "value-6", "value-7", "value-8", "value-9");
        assertThat(received).extracting(ConsumerRecord::partition).containsAnyOf(0, 1, 2);
    }

    @Test
    void shouldShowReadCommittedConsumersOnlyCommittedTransactions(KafkaBroker broker) throws Exception {
        String topic = TestNames.unique("testkit.transactions");
        broker.createTopic(topic, 1);
        Map<String, Object> config = broker.producerProperties();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TestNames.unique("testkit-tx"));

        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "KL1234", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "KL1234", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "KL1234", "committed-2"));
            producer.commitTransaction();
        }

        assertThat(readAll(broker, topic, 2)).extracting(ConsumerRecord::value)
                .containsExactly("committed-1", "committed-2");
    }

    @Test
    void shouldCreateTopicsWithTheirConfigsAndRefuseToAutoCreate(KafkaBroker broker) throws Exception {
        String compacted = TestNames.unique("testkit.compacted");
        broker.createTopics(new NewTopic(compacted, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")));

        var admin = broker.admin();
        var topicConfig = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, compacted)))
                .all().get().values().iterator().next();
        assertThat(topicConfig.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(admin.describeTopics(List.of(compacted)).allTopicNames().get().get(compacted).partitions()).hasSize(2);

        String brokerId = admin.describeCluster().nodes().get().iterator().next().idString();
        var brokerConfig = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, brokerId)))
                .all().get().values().iterator().next();
        assertThat(brokerConfig.get("auto.create.topics.enable").value()).isEqualTo("false");
        assertThat(brokerConfig.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
    }

    @Test
    void shouldRunTheMetadataVersionOfAFreshlyFormattedProductionBroker(KafkaBroker broker) throws Exception {
        var features = broker.admin().describeFeatures().featureMetadata().get().finalizedFeatures();

        assertThat(features.get("metadata.version").maxVersionLevel())
                .isEqualTo(MetadataVersion.latestProduction().featureLevel());
        // Transactions v2 (KIP-890) is what production brokers of this release run exactly-once on.
        assertThat(features.get("transaction.version").maxVersionLevel())
                .isEqualTo(Feature.TRANSACTION_VERSION.defaultLevel(MetadataVersion.latestProduction()))
                .isPositive();
    }

    @Test
    void shouldListenOnLoopbackOnly(KafkaBroker broker) throws Exception {
        assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        assumeTrue(ListeningSockets.supported(), "needs Linux /proc to see bound addresses");

        // The broker and its controller live in this JVM: every listening socket here is theirs.
        List<InetSocketAddress> listening = ListeningSockets.of(ProcessHandle.current().pid());

        int brokerPort = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
        assertThat(listening).extracting(InetSocketAddress::getPort).contains(brokerPort);
        assertThat(listening).hasSizeGreaterThanOrEqualTo(2) // client listener + controller listener
                .allSatisfy(address -> assertThat(address.getAddress().isLoopbackAddress())
                        .as("%s is bound to loopback", address).isTrue());
    }

    static List<ConsumerRecord<String, String>> readAll(KafkaBroker broker, String topic, int expected) {
        Map<String, Object> config = broker.consumerProperties(TestNames.unique("testkit-reader"));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // One more short poll: a stray extra record (e.g. an aborted one leaking through) must show up.
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        return records;
    }
}
