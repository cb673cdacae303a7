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
 *       in-doubt id the in-doubt policy gave up on ({@link #IN_DOUBT_NOT_RESENT}); the entry says why.</li>
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
        if (entry != null && !claimCounts(current, entry)) {
            return; // a claim that lost: another attempt holds (or finished) this id
        }
        if (entry != null && current != null && isEvidence(entry) && current.getExpiresAt() != null) {
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
     * The fence of the ledger: whether an entry read from the log replaces the current one. Everything
     * does, except an {@code ATTEMPTING} claim, which counts only if the id has no entry (never attempted,
     * or tombstoned after a retriable answer) or if it supersedes exactly the claim now recorded (a resend
     * of an in-doubt id). Two instances that claim the same id — a zombie and the new owner, or two
     * resolvers of one in-doubt id — are thus ordered by the log: the first claim counts, the other loses,
     * and only the winner calls WhatsApp. Entries without a claim (senders before the field) always count.
     * A redrive (an operator's explicit retry of a dead-lettered id) claims superseding the DROPPED entry
     * it arrived over, named by {@link #dropMark}: it counts only while exactly that entry is recorded, so
     * of two redrive claims, too, only the first in the log counts.
     */
    public static boolean claimCounts(SendLedgerEntry current, SendLedgerEntry incoming) {
        if (isEvidence(incoming)) {
            // A status webhook's proof of acceptance: it beats every state but an ACCEPTED (keep that one's
            // wamid and expiry).
            return current == null || current.getState() != LedgerState.ACCEPTED;
        }
        if (isInDoubtResolution(incoming)) {
            // The in-doubt policy's give-up resolves an unanswered claim; it must not undo evidence
            // (a status webhook's ACCEPTED) that reached the log first.
            return current == null || current.getState() != LedgerState.ACCEPTED;
        }
        if (incoming.getState() != LedgerState.ATTEMPTING || incoming.getClaim() == null) {
            return true;
        }
        if (current == null) {
            return true;
        }
        String superseded = incoming.getSupersedesClaim();
        if (superseded == null) {
            return false;
        }
        return switch (current.getState()) {
            case ATTEMPTING -> superseded.equals(current.getClaim() == null ? UNNAMED_CLAIM : current.getClaim());
            case DROPPED -> superseded.equals(dropMark(current));
            case ACCEPTED -> false;
        };
    }

    /** The DROPPED reason of an in-doubt id the in-doubt policy resolved by not resending it. */
    public static final String IN_DOUBT_NOT_RESENT = "in-doubt-not-resent";

    /** The reason of an ACCEPTED entry written from a status webhook rather than from the call's answer. */
    public static final String WEBHOOK_EVIDENCE = "webhook-evidence";

    /**
     * How long evidence written for an id the writer does not hold is remembered (its expiresAt is not
     * known there): longer than a request lives on the request topic (half the erasure bound, 12 h by default).
     */
    public static final Duration EVIDENCE_LIFETIME = Duration.ofHours(48);

    /** An ACCEPTED entry proved by a status webhook. */
    public static SendLedgerEntry evidence(String messageId, long at, String wamid, long expiresAt) {
        return SendLedgerEntry.newBuilder(entry(messageId, LedgerState.ACCEPTED, at, wamid, expiresAt))
                .setReason(WEBHOOK_EVIDENCE).build();
    }

    static boolean isEvidence(SendLedgerEntry entry) {
        return entry.getState() == LedgerState.ACCEPTED && WEBHOOK_EVIDENCE.equals(entry.getReason());
    }

    /** Whether {@code entry} is an in-doubt id given up by the in-doubt policy (WhatsApp may have it). */
    public static boolean isInDoubtResolution(SendLedgerEntry entry) {
        return entry != null && entry.getState() == LedgerState.DROPPED && IN_DOUBT_NOT_RESENT.equals(entry.getReason());
    }

    /** What a resend names as superseded when the in-doubt entry has no claim id (written before claims). */
    public static final String UNNAMED_CLAIM = "-";

    /**
     * What a redrive's claim names as superseded when it retries the id over the DROPPED entry
     * {@code dropped}: {@code DROPPED@<at epoch ms>}, so it supersedes that drop and no later one.
     */
    public static String dropMark(SendLedgerEntry dropped) {
        return "DROPPED@" + dropped.getAt().toEpochMilli();
    }

    /**
     * Claims the right to call WhatsApp for {@code attempt}'s id: writes the ATTEMPTING entry, waits until
     * this view has read the log past it, and completes with whether this claim is the one that counts
     * ({@link #claimCounts}). Only then may the caller make the call.
     */
    public CompletableFuture<Boolean> claim(int partition, SendLedgerEntry attempt) {
        if (attempt.getState() != LedgerState.ATTEMPTING || attempt.getClaim() == null) {
            throw new IllegalArgumentException("a claim is an ATTEMPTING entry with a claim id");
        }
        String id = attempt.getMessageId();
        return writer.ledger(partition, id, attempt)
                .thenCompose(written -> readPast(written.partition(), written.offset()))
                .thenApply(read -> {
                    synchronized (this) {
                        SendLedgerEntry now = get(id);
                        return now != null && attempt.getClaim().equals(now.getClaim());
                    }
                });
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

    public static SendLedgerEntry entry(String messageId, LedgerState state, long at, String wamid, long expiresAt) {
        return SendLedgerEntry.newBuilder().setMessageId(messageId).setState(state)
                .setAt(java.time.Instant.ofEpochMilli(at)).setWamid(wamid)
                .setExpiresAt(java.time.Instant.ofEpochMilli(expiresAt)).build();
    }

    /** A DROPPED entry with the reason it was dropped for. */
    public static SendLedgerEntry dropped(String messageId, long at, long expiresAt, String reason) {
        return SendLedgerEntry.newBuilder(entry(messageId, LedgerState.DROPPED, at, null, expiresAt)).setReason(reason)
                .build();
    }

    /** An ATTEMPTING claim; {@code supersedes} is the in-doubt claim it replaces, or null. */
    public static SendLedgerEntry attempt(String messageId, long at, long expiresAt, String claim, String supersedes) {
        return SendLedgerEntry.newBuilder(entry(messageId, LedgerState.ATTEMPTING, at, null, expiresAt))
                .setClaim(claim).setSupersedesClaim(supersedes).build();
    }
}
