package dev.appcare.sender.state;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The sender's durable memory of messageIds: topic {@code sender.ledger.v1} (compacted, key messageId),
 * written through one producer.
 *
 * <ul>
 *   <li>{@code ATTEMPTING}: a call to the Cloud API was about to start; its outcome is not (yet) known.</li>
 *   <li>{@code ACCEPTED}: WhatsApp returned a wamid (or a status webhook proved it took the message).</li>
 *   <li>{@code DROPPED}: decided never to send: expired, superseded, opted out, dead-lettered, or an
 *       in-doubt id the in-doubt policy gave up on ({@link LedgerEntries#IN_DOUBT_NOT_RESENT}); the entry says why.</li>
 *   <li>no entry (or a tombstone): nothing is known, or a call was answered with a retriable error
 *       (definitely not sent), so sending is allowed.</li>
 * </ul>
 * Entries are forgotten (and tombstoned) some time after the request's {@code expiresAt}: a request
 * past its expiry is never sent anyway, so the ledger only has to remember ids that could still be sent.
 *
 * <p><b>Co-partitioned with the requests, held only for owned partitions.</b> The entry of a request read
 * from request partition <i>p</i> is written to ledger partition <i>p</i> (an explicit partition; the key
 * stays the messageId, so compaction works as before), so the owner of request partition <i>p</i> needs
 * ledger partition <i>p</i> only. On assignment ({@link #assign}) that partition is restored from the
 * topic into a fresh RocksDB store on disk; on revocation ({@link #release}) the store is deleted. The heap
 * holds none of the entries. Both topics must have the same partition count ({@code SenderApp} checks).
 * Webhook evidence, which arrives at any instance, is routed by the recipient's number
 * ({@link #partitionForRecipient}), where the request itself was placed.
 *
 * <p>The rules built on it are in {@link dev.appcare.sender.SendDecisions}.
 */
public final class SendLedger extends CompactedTopicView<SendLedgerEntry> {
    private static final String ENTRY = "e|";
    private static final String WAMID = "w|";

    private final StateStores stores;
    private final Map<Integer, KvStore> partitions = new HashMap<>();
    private final Map<Integer, Integer> counts = new HashMap<>();
    private final RecordWriter writer;
    private final java.util.concurrent.atomic.LongAdder misplaced = new java.util.concurrent.atomic.LongAdder();

    public SendLedger(String topic, Consumer<String, byte[]> consumer, Deserializer<SendLedgerEntry> deserializer,
                      RecordWriter writer, StateStores stores) {
        super("sender-ledger-reader", topic, Scope.ASSIGNED_PARTITIONS, consumer, deserializer);
        this.writer = writer;
        this.stores = stores;
    }

    @Override
    protected void opened(int partition) {
        partitions.put(partition, stores.open("ledger-" + partition));
        counts.put(partition, 0);
    }

    @Override
    protected void dropped(int partition) {
        KvStore store = partitions.remove(partition);
        counts.remove(partition);
        if (store != null) {
            store.close();
        }
    }

    @Override
    protected void apply(int partition, String messageId, SendLedgerEntry entry) {
        KvStore store = partitions.get(partition);
        SendLedgerEntry current = decode(store.get(ENTRY + messageId));
        if (entry != null && !LedgerEntries.claimCounts(current, entry)) {
            return; // a claim that lost: another attempt holds (or finished) this id
        }
        if (entry != null && current != null && LedgerEntries.isEvidence(entry) && current.getExpiresAt() != null) {
            entry = SendLedgerEntry.newBuilder(entry).setExpiresAt(current.getExpiresAt()).build();
        }
        if (current != null && current.getWamid() != null) {
            store.delete(WAMID + current.getWamid());
        }
        if (entry == null) {
            if (current != null) {
                store.delete(ENTRY + messageId);
                counts.merge(partition, -1, Integer::sum);
            }
            return;
        }
        store.put(ENTRY + messageId, encode(entry));
        if (current == null) {
            counts.merge(partition, 1, Integer::sum);
        }
        if (entry.getWamid() != null) {
            store.put(WAMID + entry.getWamid(), messageId.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Claims the right to call WhatsApp for {@code attempt}'s id: writes the ATTEMPTING entry, waits until
     * this view has read the log past it, and completes with whether this claim is the one that counts
     * ({@link LedgerEntries#claimCounts}). Only then may the caller make the call.
     */
    public CompletableFuture<Boolean> claim(int partition, SendLedgerEntry attempt) {
        if (attempt.getState() != LedgerState.ATTEMPTING || attempt.getClaim() == null) {
            throw new IllegalArgumentException("a claim is an ATTEMPTING entry with a claim id");
        }
        String id = attempt.getMessageId();
        return writer.ledger(partition, id, attempt)
                .thenCompose(written -> readPast(written.partition(), written.offset()).thenApply(done -> new Read(written.partition())))
                .thenApply(read -> {
                    synchronized (this) { // this partition's entry only: an old entry elsewhere is no rival claim
                        KvStore store = partitions.get(read.partition);
                        SendLedgerEntry now = store == null ? null : decode(store.get(ENTRY + id));
                        return now != null && attempt.getClaim().equals(now.getClaim());
                    }
                });
    }

    private record Read(int partition) {
    }

    /**
     * The entry of {@code messageId} for a request read from request partition {@code partition}: the one in
     * ledger partition {@code partition}. If that has none but another partition held here has one, a sender
     * from before the co-partitioning placed it there (by the messageId's hash). It is still what is known
     * about the id (accepted, dropped, or in doubt), so it is moved to where the request is: a copy is
     * written to {@code partition}, then a tombstone where it was. Each move is counted ({@link #misplacedMoved}).
     * Before this, a redrive of such an id lost every claim to the old entry and claimed again, for ever
     * (docs/sender.md, "Upgrading"). A partition not held here: every held one is looked at, as {@link #get}.
     */
    public SendLedgerEntry entryFor(int partition, String messageId) {
        int from = -1;
        SendLedgerEntry found = null;
        synchronized (this) {
            KvStore own = partitions.get(partition);
            if (own == null) {
                return get(messageId);
            }
            byte[] value = own.get(ENTRY + messageId);
            if (value != null) {
                return decode(value);
            }
            for (Map.Entry<Integer, KvStore> p : partitions.entrySet()) {
                byte[] elsewhere = p.getKey() == partition ? null : p.getValue().get(ENTRY + messageId);
                if (elsewhere != null) {
                    from = p.getKey();
                    found = decode(elsewhere);
                    break;
                }
            }
        }
        if (found != null) {
            misplaced.increment();
            int oldPartition = from;
            record(partition, found).thenCompose(copied -> forget(oldPartition, messageId));
        }
        return found;
    }

    /** How many entries placed by an older sender (not where their request is) were moved where it is. */
    public long misplacedMoved() {
        return misplaced.sum();
    }

    /** The entry of {@code messageId} in the partitions held here, or null. */
    public synchronized SendLedgerEntry get(String messageId) {
        for (KvStore store : partitions.values()) {
            byte[] value = store.get(ENTRY + messageId);
            if (value != null) {
                return decode(value);
            }
        }
        return null;
    }

    /** The held partition that has an entry for {@code messageId}, or -1. */
    public synchronized int partitionOf(String messageId) {
        for (Map.Entry<Integer, KvStore> p : partitions.entrySet()) {
            if (p.getValue().get(ENTRY + messageId) != null) {
                return p.getKey();
            }
        }
        return -1;
    }

    /**
     * The ledger partition of a request to {@code recipientE164}: the partition Kafka's default partitioner
     * puts the request record (key = the number) in, so the same as the request's (murmur2 of the key).
     */
    public int partitionForRecipient(String recipientE164) {
        int count = partitionCount();
        if (count <= 0) {
            throw new IllegalStateException("the ledger's partitions are not known yet");
        }
        return partitionForRecipient(recipientE164, count);
    }

    /** Refuses (IllegalStateException) a request topic whose partition count differs from the ledger's. */
    public void requireCoPartitioned(String requestTopic, int requestPartitions) {
        if (requestPartitions != partitionCount()) {
            throw new IllegalStateException(topic() + " has " + partitionCount() + " partitions and " + requestTopic
                    + " " + requestPartitions + ": the ledger is co-partitioned with the requests, give both the "
                    + "same count (appcare topics create does)");
        }
    }

    /** Kafka's default placement of a record keyed {@code recipientE164} among {@code partitions}. */
    public static int partitionForRecipient(String recipientE164, int partitions) {
        return Utils.toPositive(Utils.murmur2(recipientE164.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** For status webhooks without {@code biz_opaque_callback_data} (owned partitions only). */
    public synchronized String messageIdForWamid(String wamid) {
        for (KvStore store : partitions.values()) {
            byte[] id = store.get(WAMID + wamid);
            if (id != null) {
                return new String(id, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Entries held here (of the owned partitions). */
    public synchronized int size() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Writes an entry to ledger partition {@code partition}; the view shows it once the broker acknowledged it. */
    public CompletableFuture<RecordMetadata> record(int partition, SendLedgerEntry entry) {
        return writer.ledger(partition, entry.getMessageId(), entry).thenApply(written -> {
            writeThrough(entry.getMessageId(), entry, written);
            return written;
        });
    }

    /** Tombstones an id: nothing is known about it any more, so it may be sent. */
    public CompletableFuture<RecordMetadata> forget(int partition, String messageId) {
        return writer.ledger(partition, messageId, null).thenApply(written -> {
            writeThrough(messageId, null, written);
            return written;
        });
    }

    /**
     * Forgets entries (of the partitions held here) whose request expired more than {@code retain} ago, here
     * and (tombstones) in the topic, so neither grows without bound.
     */
    public List<String> pruneExpired(long nowMillis, Duration retain) {
        Map<String, Integer> expired = new HashMap<>();
        synchronized (this) {
            partitions.forEach((partition, store) -> store.scan(ENTRY, (id, bytes) -> {
                java.time.Instant expiresAt = decode(bytes).getExpiresAt();
                if (expiresAt != null && expiresAt.toEpochMilli() + retain.toMillis() < nowMillis) {
                    expired.put(id, partition);
                }
            }));
        }
        expired.forEach((id, partition) -> forget(partition, id));
        return new ArrayList<>(expired.keySet());
    }

    private static byte[] encode(SendLedgerEntry entry) {
        return AvroBytes.encode(entry::toByteBuffer);
    }

    private static SendLedgerEntry decode(byte[] bytes) {
        return AvroBytes.decode(bytes, SendLedgerEntry::fromByteBuffer);
    }
}
