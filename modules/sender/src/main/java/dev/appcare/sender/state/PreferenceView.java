package dev.appcare.sender.state;

import dev.appcare.avro.TravellerPreference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Travellers' current WhatsApp preferences ({@code traveller.preference.v1}, compacted, key travellerKey)
 * and a phone → travellers index, for the consent check before each send and for STOP replies, which
 * arrive with a phone number only.
 *
 * <p><b>Whole table, on disk.</b> Preferences are keyed by traveller and requests by phone number, and a
 * number may belong to several travellers, so consent cannot be co-partitioned with the requests as they
 * are keyed: every instance reads every partition. It keeps them in one RocksDB store on disk (rebuilt
 * from the topic at start, deleted at stop), not in the heap: heap is bounded, disk is not (it grows with
 * the number of travellers; figures in docs/sender.md).
 *
 * <p>A tombstone means the traveller was erased (GDPR): the traveller and, with it, their phone number
 * leave the store; {@link #compactForErasure} (run by the sender every quarter of the erasure bound) then
 * rewrites the files so no deleted value stays on disk either.
 */
public final class PreferenceView extends WholeTopicView<TravellerPreference> {
    private static final String TRAVELLER = "t|";
    private static final String PHONE = "p|";

    private final RecordWriter writer;
    private final byte[] indexKey = randomKey();
    private int travellers;
    private final AtomicBoolean erasedSinceCompaction = new AtomicBoolean();

    public PreferenceView(String topic, Consumer<String, byte[]> consumer, Deserializer<TravellerPreference> deserializer,
                          RecordWriter writer, StateStores stores) {
        super("sender-preference-reader", topic, consumer, deserializer, stores, "preferences");
        this.writer = writer;
    }

    @Override
    protected void apply(int partition, String travellerKey, TravellerPreference preference) {
        KvStore store = store();
        TravellerPreference old = decode(store.get(TRAVELLER + travellerKey));
        if (old != null) {
            store.delete(phoneKey(old.getPhoneE164(), travellerKey));
        }
        if (preference == null) {
            if (old != null) {
                store.delete(TRAVELLER + travellerKey);
                travellers--;
                erasedSinceCompaction.set(true);
            }
            return;
        }
        store.put(TRAVELLER + travellerKey, AvroBytes.encode(preference::toByteBuffer));
        store.put(phoneKey(preference.getPhoneE164(), travellerKey), new byte[0]);
        if (old == null) {
            travellers++;
        } else if (!old.getPhoneE164().equals(preference.getPhoneE164())) {
            erasedSinceCompaction.set(true); // the old number must leave the disk too
        }
    }

    private String phoneKey(String phone, String travellerKey) {
        return phonePrefix(phone) + travellerKey;
    }

    /**
     * The index key of a number: a keyed hash, not the number. RocksDB keeps keys (the first and last of
     * every file) in its MANIFEST long after the files are gone, so a number in a key would outlive its
     * erasure on disk; values leave with the files. The key is random per process and never written down.
     */
    private String phonePrefix(String phone) {
        byte[] digest = mac.get().doFinal(phone.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return PHONE + java.util.HexFormat.of().formatHex(digest, 0, 16) + "|";
    }

    /** One initialised HMAC per thread (a Mac is not thread-safe; making one per number is slow). */
    private final ThreadLocal<javax.crypto.Mac> mac = ThreadLocal.withInitial(() -> {
        try {
            javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
            m.init(new javax.crypto.spec.SecretKeySpec(indexKey, "HmacSHA256"));
            return m;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    });

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    private static TravellerPreference decode(byte[] bytes) {
        return AvroBytes.decode(bytes, TravellerPreference::fromByteBuffer);
    }

    public synchronized TravellerPreference get(String travellerKey) {
        KvStore store = store();
        return store == null ? null : decode(store.get(TRAVELLER + travellerKey));
    }

    /** Every known traveller with this WhatsApp number (E.164). */
    public synchronized List<TravellerPreference> forPhone(String phoneE164) {
        List<TravellerPreference> result = new ArrayList<>();
        KvStore store = store();
        if (store != null) {
            for (String travellerKey : store.keys(phonePrefix(phoneE164))) {
                TravellerPreference preference = decode(store.get(TRAVELLER + travellerKey));
                if (preference != null) {
                    result.add(preference);
                }
            }
        }
        return result;
    }

    public synchronized boolean knowsPhone(String phoneE164) {
        return !forPhone(phoneE164).isEmpty();
    }

    public synchronized int travellerCount() {
        return travellers;
    }

    /**
     * If a traveller was erased (or changed number) since the last call, rewrites the store's files so that
     * no deleted value is left on disk; returns whether it did. The sender runs it every quarter of the
     * erasure bound, which keeps the on-disk copy inside the bound (docs/privacy.md).
     */
    public boolean compactForErasure() {
        if (!erasedSinceCompaction.getAndSet(false)) {
            return false;
        }
        KvStore current;
        synchronized (this) {
            current = store();
        }
        if (current != null) {
            current.compactFully(); // RocksDB allows reads and writes meanwhile
        }
        return true;
    }

    /** Writes a preference (an opt-out from a STOP reply); the view shows it once acknowledged. */
    public CompletableFuture<RecordMetadata> write(TravellerPreference preference) {
        return writer.preference(preference).thenApply(written -> {
            writeThrough(preference.getTravellerKey(), preference, written);
            return written;
        });
    }

    /** Test hook: flush and compact the store now. */
    synchronized void compactForTest() {
        store().compactFully();
    }

    /** Test hook: apply a record as if read from the topic. */
    synchronized void applyForTest(String travellerKey, TravellerPreference preference) {
        apply(0, travellerKey, preference);
    }
}
