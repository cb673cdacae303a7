package dev.appcare.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.Replay;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.ops.rules.RedriveRules;
import dev.appcare.ops.rules.RedriveRules.Outcome;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The ops shell on the real broker and registry, without the roles: what the redrive reads (dead
 * letters, ledger, preferences, supersession) and writes (original bytes, replay headers), and the
 * offset reset's refusal and effect. The roles' side is {@code modules/app}'s incident tests.
 */
@IntegrationTest
class OpsShellIT {
    private static final Instant NOW = Instant.now();

    @Test
    void shouldRedriveOnlyWhatIsStillWantedAndWriteTheOriginalBytesMarked(RealInfrastructure infra) throws Exception {
        TopicNames names = topics(infra, "redrive");
        OpsContext ctx = context(infra, names);
        Map<String, Object> serde = Map.of("schema.registry.url", infra.schemaRegistryUrl());
        try (KafkaProducer<String, byte[]> p = producer(infra)) {
            // sent meanwhile, superseded, opted out, erased, still wanted (twice in the DLQ), expired.
            String[] ids = {"sent", "old-gate", "out", "gone", "wanted", "late"};
            for (String id : ids) {
                WhatsAppRequest r = request(id, "T" + id.toUpperCase().replace("-", "") + "/1",
                        id.equals("late") ? NOW.minusSeconds(1) : NOW.plusSeconds(3600));
                deadLetter(p, names, serde, r, NOW.minusSeconds(300));
            }
            deadLetter(p, names, serde, request("wanted", "TWANTED/1", NOW.plusSeconds(3600)), NOW.minusSeconds(200));
            send(p, Topics.SENDER_LEDGER, names, serde, "sent", SendLedgerEntry.newBuilder().setMessageId("sent")
                    .setState(LedgerState.ACCEPTED).setAt(NOW).setWamid("wamid.1").setExpiresAt(NOW.plusSeconds(3600)).build());
            send(p, Topics.SENDER_LEDGER, names, serde, "wanted", SendLedgerEntry.newBuilder().setMessageId("wanted")
                    .setState(LedgerState.DROPPED).setAt(NOW).setExpiresAt(NOW.plusSeconds(3600)).build());
            WhatsAppRequest newer = WhatsAppRequest.newBuilder(request("new-gate", "TOLDGATE/1", NOW.plusSeconds(3600)))
                    .setSupersedes("old-gate").build();
            send(p, Topics.WHATSAPP_REQUEST, names, serde, newer.getRecipient(), newer);
            for (String id : ids) {
                String traveller = "T" + id.toUpperCase().replace("-", "") + "/1";
                send(p, Topics.TRAVELLER_PREFERENCE, names, serde, traveller,
                        preference(traveller, id.equals("out") ? OptInStatus.OPTED_OUT : OptInStatus.OPTED_IN));
            }
            p.send(new ProducerRecord<>(names.name(Topics.TRAVELLER_PREFERENCE), "TGONE/1", null)).get();
            p.flush();
        }

        Redriver redriver = new Redriver(ctx);
        Redriver.Plan plan = redriver.plan(new RedriveRules.Selection(NOW.minusSeconds(3600), NOW, null, null));
        Map<String, Outcome> outcomes = new HashMap<>();
        plan.items().forEach(i -> outcomes.merge(i.request().getMessageId() + (outcomes.containsKey(i.request().getMessageId()) ? "#2" : ""),
                i.outcome(), (a, b) -> b));
        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of("sent", Outcome.ALREADY_SENT, "old-gate", Outcome.SUPERSEDED,
                "out", Outcome.OPTED_OUT, "gone", Outcome.ERASED, "wanted", Outcome.REDRIVE, "wanted#2", Outcome.REPEATED,
                "late", Outcome.EXPIRED));
        assertThat(plan.read()).isEqualTo(7);
        assertThat(plan.render()).contains("to redrive: 1").contains("by kind: GATE_CHANGE → redrive 1");

        String requests = names.name(Topics.WHATSAPP_REQUEST);
        assertThat(records(infra, requests)).as("a plan writes nothing").hasSize(1);
        assertThat(redriver.execute(plan)).isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> written = records(infra, requests);
        assertThat(written).hasSize(2);
        ConsumerRecord<byte[], byte[]> redriven = written.stream().filter(r -> r.headers().lastHeader(Replay.HEADER) != null)
                .findFirst().orElseThrow();
        Redriver.Item item = plan.toRedrive().get(0);
        assertThat(redriven.key()).isEqualTo(Redriver.bytes(item.deadLetter().getOriginalKey()));
        assertThat(redriven.value()).as("the original bytes, schema id included").isEqualTo(Redriver.bytes(item.deadLetter().getOriginalValue()));
        assertThat(Replay.kindOf(redriven.headers())).contains(Replay.Kind.REDRIVE);
        assertThat(Replay.originOf(redriven.headers())).contains(Replay.origin(item.record().topic(), item.record().partition(),
                item.record().offset()));
    }

    @Test
    void shouldRefuseToResetAGroupWithMembersAndMoveAnEmptyOnesOffsets(RealInfrastructure infra) throws Exception {
        TopicNames names = topics(infra, "reset");
        OpsContext ctx = context(infra, names);
        String topic = names.name(Topics.FLIGHT_STATUS);
        String group = "group" + names.suffix();
        try (KafkaProducer<String, byte[]> p = producer(infra)) {
            for (int i = 0; i < 6; i++) {
                // Three "yesterday", three "today", by record timestamp.
                long ts = (i < 3 ? NOW.minus(Duration.ofDays(1)) : NOW.minusSeconds(60)).toEpochMilli() + i;
                p.send(new ProducerRecord<>(topic, 0, ts, "k" + i, new byte[] {1})).get();
            }
        }
        Map<String, Object> c = infra.broker().consumerProperties(group);
        c.put("enable.auto.commit", "false");
        OffsetResetter resetter = new OffsetResetter(ctx);
        try (KafkaConsumer<byte[], byte[]> member = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            member.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int read = 0;
            while (read < 6 && System.nanoTime() < deadline) {
                read += member.poll(Duration.ofMillis(200)).count();
            }
            member.commitSync();
            OffsetResetter.Plan plan = resetter.plan(group, List.of(topic), NOW.minusSeconds(3600));
            assertThat(plan.refusal()).contains("1 active member");
            assertThatThrownBy(() -> resetter.execute(plan)).isInstanceOf(OffsetResetter.RefusedException.class);
        }
        OffsetResetter.Plan plan = resetter.plan(group, List.of(topic), NOW.minusSeconds(3600));
        assertThat(plan.refusal()).isNull();
        assertThat(plan.partitions()).hasSize(1);
        assertThat(plan.partitions().get(0).current()).isEqualTo(6);
        assertThat(plan.partitions().get(0).target()).as("the first of today's records").isEqualTo(3);
        assertThat(committed(infra, group, topic)).as("a plan moves nothing").isEqualTo(6);
        resetter.execute(plan);
        assertThat(committed(infra, group, topic)).isEqualTo(3);
    }

    // ─── helpers ────────────────────────────────────────────────────────────────────────────────

    private static TopicNames topics(RealInfrastructure infra, String name) {
        TopicNames names = Topics.withSuffix("." + TestNames.unique(name));
        List<NewTopic> topics = new ArrayList<>();
        for (TopicSpec<?> spec : Topics.ALL) {
            topics.add(new NewTopic(names.name(spec), spec == Topics.FLIGHT_STATUS ? 1 : 3, (short) 1).configs(spec.configs()));
        }
        infra.broker().createTopics(topics.toArray(NewTopic[]::new));
        return names;
    }

    private static OpsContext context(RealInfrastructure infra, TopicNames names) {
        return OpsContext.of(infra.bootstrapServers(), infra.schemaRegistryUrl(), null, names.suffix(), Clock.systemUTC(),
                new PrintWriter(new StringWriter()));
    }

    private static KafkaProducer<String, byte[]> producer(RealInfrastructure infra) {
        Map<String, Object> p = infra.broker().producerProperties();
        p.put("max.in.flight.requests.per.connection", 1);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static <V extends SpecificRecord> void send(KafkaProducer<String, byte[]> p, TopicSpec<V> spec, TopicNames names,
                                                        Map<String, Object> serde, String key, V value) throws Exception {
        p.send(new ProducerRecord<>(names.name(spec), key, spec.valueSerde(serde).serializer().serialize(names.name(spec), value))).get();
    }

    private static void deadLetter(KafkaProducer<String, byte[]> p, TopicNames names, Map<String, Object> serde, WhatsAppRequest r,
                                   Instant failedAt) throws Exception {
        byte[] value = Topics.WHATSAPP_REQUEST.valueSerde(serde).serializer().serialize(names.name(Topics.WHATSAPP_REQUEST), r);
        send(p, Topics.WHATSAPP_REQUEST_DLQ, names, serde, r.getRecipient(), DeadLetter.newBuilder().setReason("paused")
                .setErrorType("WHATSAPP_TERMINAL").setErrorCode(132015).setStage("sender")
                .setSourceTopic(names.name(Topics.WHATSAPP_REQUEST)).setSourcePartition(0).setSourceOffset(0)
                .setFailedAt(failedAt).setMessageId(r.getMessageId()).setExpiresAt(r.getExpiresAt())
                .setOriginalKey(ByteBuffer.wrap(r.getRecipient().getBytes(StandardCharsets.UTF_8))).setOriginalValue(ByteBuffer.wrap(value))
                .build());
    }

    /** A traveller's number: requests go to the number the traveller opted in with. */
    private static String phoneOf(String traveller) {
        return "+3161234" + String.format("%04d", Math.abs(traveller.hashCode()) % 10000);
    }

    private static WhatsAppRequest request(String id, String traveller, Instant expiresAt) {
        return WhatsAppRequest.newBuilder().setMessageId(id).setKind(MessageKind.GATE_CHANGE).setRecipient(phoneOf(traveller))
                .setTemplateName("gate_change").setLanguage("en").setParameters(List.of()).setDocumentHeader(null)
                .setPriority(Priority.URGENT).setCreatedAt(NOW.minusSeconds(600)).setExpiresAt(expiresAt).setSupersedes(null)
                .setCorrelation(Correlation.newBuilder().setTravellerKey(traveller).setFlightKey("KL1234/2026-11-23/AMS")
                        .setSourceTopic("flight.status.v1").setSourceEventId("e-" + id).build())
                .build();
    }

    private static TravellerPreference preference(String traveller, OptInStatus status) {
        return TravellerPreference.newBuilder().setTravellerKey(traveller).setPhoneE164(phoneOf(traveller)).setLocale("en")
                .setStatus(status).setKinds(List.of(MessageKind.GATE_CHANGE))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(NOW).setChannel("web").setTextVersion("v1").build())
                .setUpdatedAt(NOW).build();
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(RealInfrastructure infra, String topic) {
        return TopicScan.read(context(infra, Topics.contract()), topic, null);
    }

    private static long committed(RealInfrastructure infra, String group, String topic) throws Exception {
        return infra.broker().admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .get(new TopicPartition(topic, 0)).offset();
    }
}
