package dev.appcare.sender.state;

import dev.appcare.avro.TravellerPreference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Travellers' current WhatsApp preferences ({@code traveller.preference.v1}, compacted, key travellerKey)
 * and a phone → travellers index, for the consent check before each send and for STOP replies, which
 * arrive with a phone number only.
 *
 * <p>A tombstone means the traveller was erased (GDPR): the traveller and, with it, their phone number
 * leave both maps; nothing about them stays in this process.
 */
public final class PreferenceView extends CompactedTopicView<TravellerPreference> {
    private final Map<String, TravellerPreference> byTraveller = new HashMap<>();
    private final Map<String, Set<String>> travellersByPhone = new HashMap<>();
    private final RecordWriter writer;

    public PreferenceView(String topic, Consumer<String, byte[]> consumer, Deserializer<TravellerPreference> deserializer,
                          RecordWriter writer) {
        super("sender-preference-reader", topic, consumer, deserializer);
        this.writer = writer;
    }

    @Override
    protected void apply(String travellerKey, TravellerPreference preference) {
        TravellerPreference old = preference == null ? byTraveller.remove(travellerKey)
                : byTraveller.put(travellerKey, preference);
        if (old != null) {
            Set<String> travellers = travellersByPhone.get(old.getPhoneE164());
            if (travellers != null) {
                travellers.remove(travellerKey);
                if (travellers.isEmpty()) {
                    travellersByPhone.remove(old.getPhoneE164());
                }
            }
        }
        if (preference != null) {
            travellersByPhone.computeIfAbsent(preference.getPhoneE164(), p -> new HashSet<>()).add(travellerKey);
        }
    }

    public synchronized TravellerPreference get(String travellerKey) {
        return byTraveller.get(travellerKey);
    }

    /** Every known traveller with this WhatsApp number (E.164). */
    public synchronized List<TravellerPreference> forPhone(String phoneE164) {
        Set<String> travellers = travellersByPhone.get(phoneE164);
        List<TravellerPreference> result = new ArrayList<>();
        if (travellers != null) {
            travellers.forEach(t -> result.add(byTraveller.get(t)));
        }
        return result;
    }

    public synchronized boolean knowsPhone(String phoneE164) {
        return travellersByPhone.containsKey(phoneE164);
    }

    public synchronized int travellerCount() {
        return byTraveller.size();
    }

    /** Writes a preference (an opt-out from a STOP reply); the view shows it once acknowledged. */
    public CompletableFuture<RecordMetadata> write(TravellerPreference preference) {
        return writer.preference(preference).thenApply(written -> {
            writeThrough(preference.getTravellerKey(), preference, written);
            return written;
        });
    }

    /** Test hook: apply a record as if read from the topic. */
    synchronized void applyForTest(String travellerKey, TravellerPreference preference) {
        apply(travellerKey, preference);
    }
}
