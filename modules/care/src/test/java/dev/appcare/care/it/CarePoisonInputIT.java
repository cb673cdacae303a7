package dev.appcare.care.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.InboundType;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.Priority;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareApp;
import dev.appcare.model.Keys;
import dev.appcare.runtime.AppConfig;
import dev.appcare.model.serde.AvroDeserializer;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 6 for care on the real broker and registry, with care's production wiring ({@link CareApp}):
 * a 1 MB field and a year-9999 time on each of care's input topics (its own three, dead-lettered once each
 * on {@code care.dlq.v1}; the flight and booking tables, skipped where care reads them), among a normal
 * traveller's question and an agent's answer, which still come, exactly once. The input topics take records
 * up to 2 MB here, so the 1 MB records reach care. Care's clock is the real one: every time in the scenario
 * is relative to it, so any run date works.
 */
@IntegrationTest
class CarePoisonInputIT {
    private static final String ANNA = "+31687650201";
    private static final String MALLORY = "+31687650299";
    private static final String MEGABYTE = "x".repeat(1024 * 1024);
    private static final Instant YEAR_9999 = Instant.parse("9999-01-01T00:00:00Z");
    private static final int MAX_INPUT_BYTES = 2 * 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldDeadLetterEachPoisonedCareInputOnceAndAnswerTheTravellerAndTheAgent(RealInfrastructure infra) throws Exception {
        String bootstrap = infra.broker().bootstrapServers();
        List<String> inputs = List.of(Topics.CARE_INBOUND.name(), Topics.CARE_AGENT_REPLY.name(), Topics.WHATSAPP_REQUEST.name(),
                Topics.FLIGHT_STATUS.name(), Topics.PASSENGER_SEGMENT.name(), Topics.TRAVELLER_PREFERENCE.name());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            new TopicProvisioner(admin, Topics.ALL, 1, (short) 1).apply();
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> larger = new HashMap<>();
            for (String topic : inputs) {
                larger.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_INPUT_BYTES)), AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(larger).all().get();
            // The controller accepts the change before the broker applies it: a 1 MB send right after can still
            // meet the old limit, so wait until the broker itself reports the larger one for every input.
            Await.until("the brokers apply max.message.bytes to care's inputs", WAIT, () -> {
                try {
                    return admin.describeConfigs(larger.keySet()).all().get().values().stream().allMatch(config ->
                            Integer.toString(MAX_INPUT_BYTES).equals(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()));
                } catch (Exception e) {
                    return false;
                }
            });
        }
        Clock clock = Clock.systemUTC();
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        String flight = Keys.flightKey("KL", "1001", day, "AMS");
        String hugeGate = Keys.flightKey("KL", "1003", day, "AMS");
        String farEstimate = Keys.flightKey("KL", "1005", day, "AMS");
        String hugeName = Keys.flightKey("KL", "1007", day, "AMS");
        String farSegment = Keys.flightKey("KL", "1009", day, "AMS");
        Instant departure = day.atTime(12, 0).toInstant(ZoneOffset.UTC);

        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_INPUT_BYTES), new StringSerializer(), serializer(infra))) {
            // The tables care reads, poisoned and not, before care starts (its global stores load them first).
            send(producer, Topics.TRAVELLER_PREFERENCE.name(), "CARE77/1", preference("CARE77/1", ANNA, "en_GB", now));
            send(producer, Topics.TRAVELLER_PREFERENCE.name(), "HUGE01/1", preference("HUGE01/1", MALLORY, MEGABYTE, now));
            for (String f : List.of(flight, hugeGate, farEstimate)) {
                send(producer, Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey("CARE77/1", f), segment(f, "Anna", now));
            }
            send(producer, Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey("CARE77/1", hugeName), segment(hugeName, MEGABYTE, now));
            send(producer, Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey("CARE77/1", farSegment),
                    PassengerSegment.newBuilder(segment(farSegment, "Anna", now)).setUpdatedAt(YEAR_9999).build());
            send(producer, Topics.FLIGHT_STATUS.name(), flight, flightEvent(flight, day, departure, departure.plus(Duration.ofMinutes(45)), "D7", now));
            send(producer, Topics.FLIGHT_STATUS.name(), hugeGate, flightEvent(hugeGate, day, departure, null, MEGABYTE, now));
            send(producer, Topics.FLIGHT_STATUS.name(), farEstimate, flightEvent(farEstimate, day, departure, YEAR_9999, "D9", now));
            // What AppCare sent: Anna's gate change, and two requests to Mallory no sender would send.
            send(producer, Topics.WHATSAPP_REQUEST.name(), ANNA, request("gate-change-anna", ANNA, "CARE77/1", flight, now).build());
            send(producer, Topics.WHATSAPP_REQUEST.name(), MALLORY, request("huge-text", MALLORY, "HUGE01/1", flight, now)
                    .setText(MEGABYTE).build());
            send(producer, Topics.WHATSAPP_REQUEST.name(), MALLORY, request("far-created", MALLORY, "HUGE01/1", flight, now)
                    .setCreatedAt(YEAR_9999).build());

            CareApp care = new CareApp(AppConfig.of(Map.of("kafka.bootstrap.servers", bootstrap,
                    "schema.registry.url", infra.registry().url(), "care.application.id", "care-poison-it",
                    "care.health.port", String.valueOf(freePort()),
                    "care.state.dir", Files.createTempDirectory("care-poison-it").toString())), clock).start();
            try (KafkaConsumer<String, DeadLetter> deadLetters = consumer(infra, "care-poison-dlq", DeadLetter.class);
                 KafkaConsumer<String, WhatsAppRequest> requests = consumer(infra, "care-poison-requests", WhatsAppRequest.class);
                 KafkaConsumer<String, CareHandoff> handoffs = consumer(infra, "care-poison-desk", CareHandoff.class)) {
                Await.until("care remembered Anna's gate change", WAIT, () -> care.metrics().count("sent-remembered") >= 1);

                // Mallory's poisoned message and agent replies, then Anna's question.
                send(producer, Topics.CARE_INBOUND.name(), MALLORY, inbound("wamid.huge", MALLORY, clock).setText(MEGABYTE).build());
                send(producer, Topics.CARE_INBOUND.name(), MALLORY, inbound("wamid.far", MALLORY, clock).setReceivedAt(YEAR_9999).build());
                send(producer, Topics.CARE_AGENT_REPLY.name(), MALLORY, reply("reply-huge", MALLORY, clock).setText(MEGABYTE).build());
                send(producer, Topics.CARE_AGENT_REPLY.name(), MALLORY, reply("reply-far", MALLORY, clock).setWrittenAt(YEAR_9999).build());
                send(producer, Topics.CARE_INBOUND.name(), ANNA, inbound("wamid.anna", ANNA, clock).build());

                CareHandoff handoff = Await.value(() -> readAll(handoffs), l -> !l.isEmpty(), WAIT, "Anna's hand-off").get(0);
                assertThat(handoff.getPhone()).isEqualTo(ANNA);
                assertThat(handoff.getFlights()).extracting(f -> f.getFlightKey() + " " + f.getStatus() + " " + f.getGate()
                                + " " + f.getEstimatedDeparture())
                        .as("the poisoned flights without their status, the poisoned segments left out")
                        .containsExactlyInAnyOrder(flight + " DELAYED D7 " + departure.plus(Duration.ofMinutes(45)),
                                hugeGate + " null null null", farEstimate + " null null null");
                send(producer, Topics.CARE_AGENT_REPLY.name(), ANNA, reply("reply-anna", ANNA, clock).build());

                List<WhatsAppRequest> answers = new ArrayList<>();
                Await.until("Anna's acknowledgement and the agent's answer", WAIT, () -> {
                    readAll(requests).stream().filter(r -> r.getKind() == MessageKind.CARE_REPLY).forEach(answers::add);
                    return answers.size() >= 2;
                });
                assertThat(answers).extracting(WhatsAppRequest::getRecipient).containsExactly(ANNA, ANNA);
                assertThat(answers.get(1).getText()).isEqualTo("Your gate is D7.");

                // Everything before the agent's answer is committed: the dead-letter topic holds exactly these.
                List<DeadLetter> letters = readToEnd(deadLetters);
                assertThat(letters).extracting(d -> d.getSourceTopic() + " " + d.getErrorType() + ": " + d.getReason())
                        .containsExactlyInAnyOrder(
                                "notify.whatsapp-request.v1 REQUEST_TOO_LARGE: text body has 1048576 characters; at most 4096",
                                "notify.whatsapp-request.v1 IMPLAUSIBLE_TIME: createdAt 9999-01-01T00:00:00Z is in the future",
                                "care.inbound.v1 FIELD_TOO_LONG: text is 1048576 characters long (at most 4096)",
                                "care.inbound.v1 IMPLAUSIBLE_TIME: receivedAt 9999-01-01T00:00:00Z is more than 60 minutes ahead of now",
                                "care.agent-reply.v1 FIELD_TOO_LONG: text is 1048576 characters long (at most 4096)",
                                "care.agent-reply.v1 IMPLAUSIBLE_TIME: writtenAt 9999-01-01T00:00:00Z is more than 60 minutes ahead of now");
                assertThat(letters).allSatisfy(d -> {
                    assertThat(d.getStage()).isEqualTo("care");
                    assertThat(d.getOriginalValue()).isNull();
                });
                assertThat(care.metrics().count("dead-letter-inbound")).isEqualTo(2);
                assertThat(care.metrics().count("dead-letter-agent-reply")).isEqualTo(2);
                assertThat(care.metrics().count("dead-letter-whatsapp-request")).isEqualTo(2);
                assertThat(care.metrics().count("segment-skipped-field_too_long")).isPositive();
                assertThat(care.metrics().count("segment-skipped-implausible_time")).isPositive();
                assertThat(care.metrics().count("flight-skipped-field_too_long")).isPositive();
                assertThat(care.metrics().count("flight-skipped-implausible_time")).isPositive();
                assertThat(care.state()).isIn(org.apache.kafka.streams.KafkaStreams.State.RUNNING,
                        org.apache.kafka.streams.KafkaStreams.State.REBALANCING);
            } finally {
                care.stop();
            }
        }
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String key, SpecificRecord value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    private static <T> List<T> readAll(KafkaConsumer<String, T> consumer) {
        List<T> values = new ArrayList<>();
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        return values;
    }

    /** Every committed record of the (single-partition) topic, up to its end offset now. */
    private static <T> List<T> readToEnd(KafkaConsumer<String, T> consumer) {
        TopicPartition partition = new TopicPartition(Topics.CARE_DLQ.name(), 0);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        List<T> values = new ArrayList<>();
        Await.until("the dead-letter topic read to offset " + end, WAIT, () -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            return consumer.position(partition) >= end;
        });
        return values;
    }

    private static <T extends SpecificRecord> KafkaConsumer<String, T> consumer(RealInfrastructure infra, String group, Class<T> type) {
        AvroDeserializer<T> deserializer = new AvroDeserializer<>(type);
        deserializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        KafkaConsumer<String, T> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.broker().bootstrapServers(),
                "group.id", group, "auto.offset.reset", "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), deserializer);
        String topic = type == DeadLetter.class ? Topics.CARE_DLQ.name()
                : type == CareHandoff.class ? Topics.CARE_HANDOFF.name() : Topics.WHATSAPP_REQUEST.name();
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        consumer.seekToBeginning(consumer.assignment());
        return consumer;
    }

    private static TravellerPreference preference(String travellerKey, String phone, String locale, Instant now) {
        return TravellerPreference.newBuilder().setTravellerKey(travellerKey).setPhoneE164(phone).setLocale(locale)
                .setStatus(OptInStatus.OPTED_IN).setKinds(List.of(MessageKind.GATE_CHANGE))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(now.minus(Duration.ofDays(3))).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(now).build();
    }

    private static PassengerSegment segment(String flight, String givenName, Instant now) {
        return PassengerSegment.newBuilder().setTravellerKey("CARE77/1").setFlightKey(flight).setStatus(SegmentStatus.ACTIVE)
                .setGivenName(givenName).setUpdatedAt(now).build();
    }

    private static FlightStatusEvent flightEvent(String flight, LocalDate day, Instant departure, Instant estimated, String gate,
                                                 Instant now) {
        return FlightStatusEvent.newBuilder().setEventId("poison-it-" + flight).setEventTime(now).setSequence(1)
                .setFlightKey(flight).setCarrier("KL").setFlightNumber(flight.substring(2, flight.indexOf('/'))).setOriginDate(day)
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(departure).setEstimated(estimated).setGate(gate).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plus(Duration.ofMinutes(80))).build())
                .setStatus(estimated == null ? FlightStatus.SCHEDULED : FlightStatus.DELAYED).setSource("it").build();
    }

    private static WhatsAppRequest.Builder request(String messageId, String phone, String travellerKey, String flight, Instant now) {
        return WhatsAppRequest.newBuilder().setMessageId(messageId).setKind(MessageKind.GATE_CHANGE).setRecipient(phone)
                .setTemplateName("gate_change").setLanguage("en_GB").setParameters(List.of()).setPriority(Priority.URGENT)
                .setCreatedAt(now).setExpiresAt(now.plus(Duration.ofHours(4)))
                .setCorrelation(Correlation.newBuilder().setTravellerKey(travellerKey).setFlightKey(flight).build());
    }

    private static CareInboundMessage.Builder inbound(String wamid, String phone, Clock clock) {
        return CareInboundMessage.newBuilder().setWamid(wamid).setFrom(phone).setReceivedAt(clock.instant())
                .setType(InboundType.TEXT).setText("I need to change the name on my ticket");
    }

    private static CareAgentReply.Builder reply(String replyId, String phone, Clock clock) {
        return CareAgentReply.newBuilder().setReplyId(replyId).setPhone(phone).setAgentId("desk-7").setText("Your gate is D7.")
                .setWrittenAt(clock.instant()).setCloseConversation(false);
    }

    @SuppressWarnings("unchecked")
    private static AvroSerializer<SpecificRecord> serializer(RealInfrastructure infra) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", infra.registry().url()), false);
        return serializer;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
