package dev.appcare.sender.state;

import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ledger and preference views backed by a {@code MockProducer} and the in-memory registry, for unit tests
 * of logic on top of them (webhook parsing, consent). Their reader threads are never started; the views
 * see what the tests write through them. The real-broker behaviour is covered by the integration tests.
 */
public final class StateFixtures implements AutoCloseable {
    private static final AtomicInteger SCOPES = new AtomicInteger();

    public final TopicNames topics = Topics.contract();
    public final Map<String, Object> serde = Map.of("schema.registry.url", "mock://state-fixtures-" + SCOPES.incrementAndGet());
    public final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    public final RecordWriter writer = new RecordWriter(producer, topics, serde);
    public final StateStores stores = new StateStores(tempDir(), "fixtures", 16L << 20);
    public final SendLedger ledger = new SendLedger(topics.name(Topics.SENDER_LEDGER), new MockConsumer<>("earliest"),
            Topics.SENDER_LEDGER.valueSerde(serde).deserializer(), writer, stores);
    public final PreferenceView preferences = new PreferenceView(topics.name(Topics.TRAVELLER_PREFERENCE),
            new MockConsumer<>("earliest"),
            Topics.TRAVELLER_PREFERENCE.valueSerde(serde).deserializer(), writer, stores);

    /** The views hold partition 0, where the MockProducer (no cluster) puts every record. */
    public StateFixtures() {
        ledger.holdForTest(0);
        preferences.holdForTest(0);
    }

    private static java.nio.file.Path tempDir() {
        try {
            return java.nio.file.Files.createTempDirectory("sender-state-fixtures");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stores.close();
    }

    /** As if read from the preference topic. */
    public void preference(TravellerPreference preference) {
        preferences.applyForTest(preference.getTravellerKey(), preference);
    }

    public void erase(String travellerKey) {
        preferences.applyForTest(travellerKey, null);
    }

    public List<DeliveryStatus> statuses() {
        var deserializer = Topics.WHATSAPP_STATUS.valueSerde(serde).deserializer();
        return producer.history().stream().filter(r -> r.topic().equals(topics.name(Topics.WHATSAPP_STATUS)))
                .map(r -> deserializer.deserialize(r.topic(), r.value())).toList();
    }

    public List<TravellerPreference> preferenceWrites() {
        var deserializer = Topics.TRAVELLER_PREFERENCE.valueSerde(serde).deserializer();
        return producer.history().stream().filter(r -> r.topic().equals(topics.name(Topics.TRAVELLER_PREFERENCE)))
                .map(r -> deserializer.deserialize(r.topic(), r.value())).toList();
    }

    public List<ProducerRecord<String, CareInboundMessage>> careInbound() {
        var deserializer = Topics.CARE_INBOUND.valueSerde(serde).deserializer();
        return producer.history().stream().filter(r -> r.topic().equals(topics.name(Topics.CARE_INBOUND)))
                .map(r -> new ProducerRecord<>(r.topic(), r.key(), deserializer.deserialize(r.topic(), r.value()))).toList();
    }

    public List<ProducerRecord<String, byte[]>> ledgerWrites() {
        return producer.history().stream().filter(r -> r.topic().equals(topics.name(Topics.SENDER_LEDGER))).toList();
    }

    public SendLedgerEntry ledgerEntry(String messageId) {
        return ledger.get(messageId);
    }
}
