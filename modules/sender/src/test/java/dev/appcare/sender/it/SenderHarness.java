package dev.appcare.sender.it;

import dev.appcare.model.topics.TopicNames;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.runtime.AppConfig;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.SenderApp;
import dev.appcare.sender.SenderConfig;
import dev.appcare.testkit.TopicReader;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.testkit.TestNames;
import dev.appcare.whatsappsim.SimulatorBuilder;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One sender integration scenario: its own topics (the contract's names plus a unique suffix) on the
 * shared real broker and registry, a WhatsApp simulator, and the sender under test.
 */
public final class SenderHarness implements AutoCloseable {
    public static final String TOKEN = "test-access-token";
    public static final String APP_SECRET = "test-app-secret";
    public static final String VERIFY_TOKEN = "test-verify-token";
    public static final String PHONE_NUMBER_ID = "106540352242922";

    /** The statuses with which the sender closes a request (webhook statuses come on top). */
    public static final Set<DeliveryState> DECISIONS = EnumSet.of(DeliveryState.ACCEPTED, DeliveryState.EXPIRED,
            DeliveryState.SUPERSEDED, DeliveryState.OPTED_OUT, DeliveryState.DUPLICATE, DeliveryState.DEAD_LETTERED,
            DeliveryState.UNKNOWN);

    public final RealInfrastructure infra;
    public final String suffix;
    public final TopicNames topics;
    public final Map<String, Object> serde;
    private final KafkaProducer<String, byte[]> producer;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    public WhatsAppSimulator sim;

    public SenderHarness(RealInfrastructure infra, int partitions) {
        this.infra = infra;
        this.suffix = "." + TestNames.unique("it");
        this.topics = Topics.withSuffix(suffix);
        this.serde = Map.of("schema.registry.url", infra.schemaRegistryUrl());
        List<NewTopic> newTopics = new ArrayList<>();
        for (TopicSpec<?> spec : List.of(Topics.WHATSAPP_REQUEST, Topics.WHATSAPP_STATUS, Topics.WHATSAPP_REQUEST_DLQ,
                Topics.SENDER_LEDGER, Topics.TRAVELLER_PREFERENCE, Topics.CARE_INBOUND, Topics.WEBHOOK_EVENTS)) {
            newTopics.add(new NewTopic(topics.name(spec), partitions, (short) 1).configs(spec.configs()));
        }
        infra.broker().createTopics(newTopics.toArray(NewTopic[]::new));
        Map<String, Object> p = infra.broker().producerProperties();
        p.put("linger.ms", 5);
        // Right after creation the broker may still answer NOT_LEADER_OR_FOLLOWER; with five batches in
        // flight the idempotent producer was seen (Kafka 4.3.1) to retry the first one forever with
        // OUT_OF_ORDER_SEQUENCE after later ones landed. One in flight per partition avoids that.
        p.put("max.in.flight.requests.per.connection", 1);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** A simulator with the test token and secret; {@code custom} sets the rest. */
    public WhatsAppSimulator startSimulator(Consumer<SimulatorBuilder> custom) {
        SimulatorBuilder builder = WhatsAppSimulator.builder().accessToken(TOKEN).appSecret(APP_SECRET)
                .phoneNumberIds(PHONE_NUMBER_ID);
        custom.accept(builder);
        sim = builder.start();
        closeables.add(sim);
        return sim;
    }

    /** The sender's settings for this scenario, against the simulator; {@code overrides} win. */
    public Map<String, String> senderSettings(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap.servers", infra.bootstrapServers());
        settings.put("schema.registry.url", infra.schemaRegistryUrl());
        settings.put("sender.topic-suffix", suffix);
        settings.put("sender.group-id", "sender" + suffix);
        settings.put("whatsapp.base-url", sim == null ? "http://127.0.0.1:9" : sim.baseUrl());
        settings.put("whatsapp.api-version", WhatsAppSimulator.DEFAULT_API_VERSION);
        settings.put("whatsapp.phone-number-id", PHONE_NUMBER_ID);
        settings.put("whatsapp.token", TOKEN);
        settings.put("whatsapp.app-secret", APP_SECRET);
        settings.put("whatsapp.verify-token", VERIFY_TOKEN);
        settings.put("whatsapp.request-timeout", "PT5S");
        settings.put("sender.webhook.port", "0");
        settings.put("sender.health.port", "0");
        settings.put("sender.retry.initial-backoff", "PT0.2S");
        settings.put("sender.retry.max-backoff", "PT2S");
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1000");
        settings.putAll(overrides);
        return settings;
    }

    /** Starts a sender and points the simulator's webhooks at it. */
    public SenderApp startSender(Map<String, String> overrides) {
        SenderApp app = new SenderApp(SenderConfig.from(AppConfig.of(senderSettings(overrides)))).start();
        closeables.add(app);
        if (sim != null && app.webhookPort() > 0) {
            sim.webhookUrl(URI.create("http://127.0.0.1:" + app.webhookPort() + "/webhooks/whatsapp"));
        }
        return app;
    }

    // ─── input ──────────────────────────────────────────────────────────────────────────────────

    public void request(WhatsAppRequest request) {
        send(topics.name(Topics.WHATSAPP_REQUEST), request.getRecipient(),
                Topics.WHATSAPP_REQUEST.valueSerde(serde).serializer().serialize(topics.name(Topics.WHATSAPP_REQUEST), request));
    }

    /** A request written again by ops ({@code kind}: a redrive or a reprocess), with the replay header. */
    public void replayed(WhatsAppRequest request, dev.appcare.model.Replay.Kind kind) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.name(Topics.WHATSAPP_REQUEST), request.getRecipient(),
                Topics.WHATSAPP_REQUEST.valueSerde(serde).serializer().serialize(topics.name(Topics.WHATSAPP_REQUEST), request));
        dev.appcare.model.Replay.mark(record.headers(), kind, topics.name(Topics.WHATSAPP_REQUEST), 0, 0);
        producer.send(record);
    }

    /** A ledger entry in ledger partition {@code partition} (where a sender placed it, whichever sender). */
    public void ledgerEntry(int partition, SendLedgerEntry entry) {
        producer.send(new ProducerRecord<>(topics.name(Topics.SENDER_LEDGER), partition, entry.getMessageId(),
                Topics.SENDER_LEDGER.valueSerde(serde).serializer().serialize(topics.name(Topics.SENDER_LEDGER), entry)));
    }

    public void requests(Collection<WhatsAppRequest> requests) {
        requests.forEach(this::request);
        producer.flush();
    }

    public void optIn(String travellerKey, String phone) {
        TravellerPreference preference = TravellerPreference.newBuilder().setTravellerKey(travellerKey)
                .setPhoneE164(phone).setLocale("en").setStatus(OptInStatus.OPTED_IN)
                .setKinds(List.of(MessageKind.values()))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.now()).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(Instant.now()).build();
        send(topics.name(Topics.TRAVELLER_PREFERENCE), travellerKey,
                Topics.TRAVELLER_PREFERENCE.valueSerde(serde).serializer().serialize(topics.name(Topics.TRAVELLER_PREFERENCE), preference));
    }

    /** Sends asynchronously; {@link #flush()} waits for everything sent so far. */
    public void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) {
                throw new IllegalStateException("test input not written", error);
            }
        });
    }

    public void flush() {
        producer.flush();
    }

    // ─── output ─────────────────────────────────────────────────────────────────────────────────

    public List<DeliveryStatus> statuses() {
        return values(topics.name(Topics.WHATSAPP_STATUS), Topics.WHATSAPP_STATUS.valueSerde(serde).deserializer());
    }

    /** The sender's decision per messageId (the last one, if several). */
    public Map<String, DeliveryStatus> decisions() {
        Map<String, DeliveryStatus> last = new HashMap<>();
        for (DeliveryStatus s : statuses()) {
            if (DECISIONS.contains(s.getStatus())) {
                last.put(s.getMessageId(), s);
            }
        }
        return last;
    }

    public List<DeadLetter> deadLetters() {
        return values(topics.name(Topics.WHATSAPP_REQUEST_DLQ), Topics.WHATSAPP_REQUEST_DLQ.valueSerde(serde).deserializer());
    }

    public List<dev.appcare.avro.CareInboundMessage> careInbound() {
        return values(topics.name(Topics.CARE_INBOUND), Topics.CARE_INBOUND.valueSerde(serde).deserializer());
    }

    public List<TravellerPreference> preferenceRecords() {
        return values(topics.name(Topics.TRAVELLER_PREFERENCE), Topics.TRAVELLER_PREFERENCE.valueSerde(serde).deserializer());
    }

    /** The ledger as the senders read it: latest entry per messageId that counts (LedgerEntries.claimCounts). */
    public Map<String, SendLedgerEntry> ledger() {
        Map<String, SendLedgerEntry> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records(topics.name(Topics.SENDER_LEDGER))) {
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                SendLedgerEntry entry = Topics.SENDER_LEDGER.valueSerde(serde).deserializer().deserialize(r.topic(), r.value());
                if (dev.appcare.sender.state.LedgerEntries.claimCounts(latest.get(r.key()), entry)) {
                    latest.put(r.key(), entry); // as every sender's ledger reads it: a losing claim does not count
                }
            }
        }
        return latest;
    }

    public <V> List<V> values(String topic, Deserializer<V> deserializer) {
        return records(topic).stream().filter(r -> r.value() != null)
                .map(r -> deserializer.deserialize(topic, r.value())).collect(Collectors.toList());
    }

    /** Every record of a topic, from the beginning to the end as of now. */
    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        Map<String, Object> p = infra.broker().consumerProperties("unused");
        p.remove("group.id");
        return TopicReader.readToEnd(p, topic, Duration.ofSeconds(30));
    }

    /** Waits until {@code condition} holds, or fails after {@code timeout} (the test kit's {@link Await}). */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    /** Waits until every one of {@code messageIds} has a decision status. */
    public Map<String, DeliveryStatus> awaitDecisions(Collection<String> messageIds, Duration timeout) {
        Map<String, DeliveryStatus>[] last = new Map[1];
        await(messageIds.size() + " decisions", timeout, () -> {
            last[0] = decisions();
            return last[0].keySet().containsAll(messageIds);
        });
        return last[0];
    }

    public static String phone(int n) {
        return "+3161" + String.format("%07d", n);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }
}
