package dev.appcare.care.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.InboundType;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareApp;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.Keys;
import dev.appcare.model.topics.Partitioning;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import dev.appcare.testkit.TopicReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 5 on the real broker with care's production wiring ({@link CareApp}): care's three phone-keyed
 * inputs meet in one task, so care refuses to start when their partition counts disagree (naming the topics
 * and counts) and processes nothing; with agreeing counts it starts and answers.
 */
@IntegrationTest
class CarePartitioningIT {
    private static final String ANNA = "+31687650301";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldRefuseToStartWhenThePhoneKeyedTopicsDisagreeAndProcessNothing(RealInfrastructure infra) throws Exception {
        String suffix = TestNames.unique("-copart-bad");
        TopicNames topics = Topics.withSuffix(suffix);
        createTopics(infra, topics, Map.of(topics.name(Topics.CARE_AGENT_REPLY), 2), 3);
        Clock clock = Clock.systemUTC();
        try (KafkaProducer<String, SpecificRecord> producer = producer(infra)) {
            send(producer, topics.name(Topics.WHATSAPP_REQUEST), ANNA, request("copart-bad-sent", clock.instant()));
            send(producer, topics.name(Topics.CARE_INBOUND), ANNA, inbound("wamid.copart-bad", clock));
        }
        String applicationId = TestNames.unique("care-copart-bad");
        AppConfig settings = config(infra, suffix, applicationId);
        int healthPort = settings.getInt("care.health.port", -1);
        CareApp care = new CareApp(settings, clock);
        try {
            assertThatThrownBy(care::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("co-partitioned topics of 'care-conversation' disagree: {care.inbound.v1=3, "
                            + "care.agent-reply.v1=2, notify.whatsapp-request.v1=3} (care reads them by phone in one task: "
                            + "a conversation is whole only if they agree on partitions); give them the same partition count"
                            + " — on the broker: " + topics.names(Partitioning.CARE_CONVERSATION.topics()));
            assertThat(care.state()).as("Kafka Streams never created").isEqualTo(KafkaStreams.State.CREATED);
            // Refused before anything opened: the health port is free (before care.stop(), which would close it).
            try (ServerSocket unbound = new ServerSocket(healthPort, 1, InetAddress.getLoopbackAddress())) {
                assertThat(unbound.getLocalPort()).as("the health port not bound by the refused care").isEqualTo(healthPort);
            }
        } finally {
            care.stop();
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.broker().bootstrapServers()))) {
            assertThat(admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get())
                    .as("no offsets committed by care's group").isEmpty();
            assertThat(admin.listTopics().names().get()).as("no internal topics created")
                    .noneMatch(name -> name.startsWith(applicationId));
        }
        AvroDeserializer<WhatsAppRequest> requests = new AvroDeserializer<>(WhatsAppRequest.class);
        requests.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        assertThat(TopicReader.readToEnd(Map.of("bootstrap.servers", infra.broker().bootstrapServers()), topics.name(Topics.WHATSAPP_REQUEST),
                        new StringDeserializer(), requests, WAIT))
                .extracting(r -> r.value().getMessageId())
                .as("only what the test sent: no acknowledgement").containsExactly("copart-bad-sent");
        assertThat(endOffset(infra, topics.name(Topics.CARE_HANDOFF))).as("no hand-off").isZero();
    }

    @Test
    void shouldStartAndAnswerWhenThePhoneKeyedTopicsAgree(RealInfrastructure infra) throws Exception {
        String suffix = TestNames.unique("-copart-good");
        TopicNames topics = Topics.withSuffix(suffix);
        createTopics(infra, topics, Map.of(), 3);
        Clock clock = Clock.systemUTC();
        try (KafkaProducer<String, SpecificRecord> producer = producer(infra)) {
            send(producer, topics.name(Topics.TRAVELLER_PREFERENCE), "COPA01/1", preference(clock.instant()));
            send(producer, topics.name(Topics.WHATSAPP_REQUEST), ANNA, request("copart-good-sent", clock.instant()));
            CareApp care = new CareApp(config(infra, suffix, TestNames.unique("care-copart-good")), clock).start();
            try (KafkaConsumer<String, WhatsAppRequest> requests = consumer(infra, topics.name(Topics.WHATSAPP_REQUEST), WhatsAppRequest.class)) {
                Await.until("care remembered what was sent to Anna", WAIT, () -> care.metrics().count("sent-remembered") >= 1);
                send(producer, topics.name(Topics.CARE_INBOUND), ANNA, inbound("wamid.copart-good", clock));
                List<WhatsAppRequest> answers = new ArrayList<>();
                Await.until("care's answer to Anna", WAIT, () -> {
                    requests.poll(Duration.ofMillis(200)).forEach(r -> {
                        if (r.value().getKind() == MessageKind.CARE_REPLY) {
                            answers.add(r.value());
                        }
                    });
                    return !answers.isEmpty();
                });
                assertThat(answers).extracting(WhatsAppRequest::getRecipient).containsExactly(ANNA);
                assertThat(care.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
            } finally {
                care.stop();
            }
        }
    }

    private static void createTopics(RealInfrastructure infra, TopicNames topics, Map<String, Integer> exceptions, int partitions)
            throws Exception {
        List<String> names = topics.names(List.of(Topics.CARE_INBOUND, Topics.CARE_AGENT_REPLY, Topics.WHATSAPP_REQUEST,
                Topics.FLIGHT_STATUS, Topics.PASSENGER_SEGMENT, Topics.CARE_HANDOFF, Topics.CARE_DLQ, Topics.TRAVELLER_PREFERENCE));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.broker().bootstrapServers()))) {
            admin.createTopics(names.stream()
                    .map(name -> new NewTopic(name, exceptions.getOrDefault(name, partitions), (short) 1))
                    .toList()).all().get();
        }
    }

    private static AppConfig config(RealInfrastructure infra, String suffix, String applicationId) throws Exception {
        return AppConfig.of(Map.of("kafka.bootstrap.servers", infra.broker().bootstrapServers(),
                "schema.registry.url", infra.registry().url(), "care.application.id", applicationId,
                "care.topics.suffix", suffix, "care.health.port", String.valueOf(freePort()),
                "care.state.dir", Files.createTempDirectory(applicationId).toString()));
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String key, SpecificRecord value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static long endOffset(RealInfrastructure infra, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                infra.broker().bootstrapServers()), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static KafkaProducer<String, SpecificRecord> producer(RealInfrastructure infra) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        return new KafkaProducer<>(Map.of("bootstrap.servers", infra.broker().bootstrapServers(), "acks", "all"),
                new StringSerializer(), serializer);
    }

    private static <T extends SpecificRecord> KafkaConsumer<String, T> consumer(RealInfrastructure infra, String topic, Class<T> type) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        deserializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        KafkaConsumer<String, T> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.broker().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), deserializer);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static TravellerPreference preference(Instant now) {
        return TravellerPreference.newBuilder().setTravellerKey("COPA01/1").setPhoneE164(ANNA).setLocale("en_GB")
                .setStatus(OptInStatus.OPTED_IN).setKinds(List.of(MessageKind.GATE_CHANGE))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(now.minus(Duration.ofDays(3))).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(now).build();
    }

    private static WhatsAppRequest request(String messageId, Instant now) {
        return WhatsAppRequest.newBuilder().setMessageId(messageId).setKind(MessageKind.GATE_CHANGE).setRecipient(ANNA)
                .setTemplateName("gate_change").setLanguage("en_GB").setParameters(List.of()).setPriority(Priority.URGENT)
                .setCreatedAt(now).setExpiresAt(now.plus(Duration.ofHours(4)))
                .setCorrelation(Correlation.newBuilder().setTravellerKey("COPA01/1").setFlightKey(Keys.flightKey("KL", "1001", java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC), "AMS")).build())
                .build();
    }

    private static CareInboundMessage inbound(String wamid, Clock clock) {
        return CareInboundMessage.newBuilder().setWamid(wamid).setFrom(ANNA).setReceivedAt(clock.instant())
                .setType(InboundType.TEXT).setText("I need to change the name on my ticket").build();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
