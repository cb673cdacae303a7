package dev.appcare.sender.state;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The sender's durable memory of messageIds: topic {@code sender.ledger.v1} (compacted, key messageId),
 * read whole into memory and written through one producer.
 *
 * <ul>
 *   <li>{@code ATTEMPTING}: a call to the Cloud API was about to start; its outcome is not (yet) known.</li>
 *   <li>{@code ACCEPTED}: WhatsApp returned a wamid (or a status webhook proved it took the message).</li>
 *   <li>{@code DROPPED}: decided never to send: expired, superseded, opted out, dead-lettered.</li>
 *   <li>no entry (or a tombstone): nothing is known, or a call was answered with a retriable error
 *       (definitely not sent), so sending is allowed.</li>
 * </ul>
 * Entries are forgotten (and tombstoned) some time after the request's {@code expiresAt}: a request
 * past its expiry is never sent anyway, so the ledger only has to remember ids that could still be sent.
 *
 * <p>The rules built on it are in {@link dev.appcare.sender.SendPipeline}.
 */
public final class SendLedger extends CompactedTopicView<SendLedgerEntry> {
    private final Map<String, SendLedgerEntry> entries = new HashMap<>();
    private final Map<String, String> messageIdByWamid = new HashMap<>();
    private final RecordWriter writer;

    public SendLedger(String topic, Consumer<String, byte[]> consumer, Deserializer<SendLedgerEntry> deserializer,
                      RecordWriter writer) {
        super("sender-ledger-reader", topic, consumer, deserializer);
        this.writer = writer;
    }

    @Override
    protected void apply(String messageId, SendLedgerEntry entry) {
        if (entry != null && !claimCounts(entries.get(messageId), entry)) {
            return; // a claim that lost: another attempt holds (or finished) this id
        }
        SendLedgerEntry old = entry == null ? entries.remove(messageId) : entries.put(messageId, entry);
        if (old != null && old.getWamid() != null) {
            messageIdByWamid.remove(old.getWamid());
        }
        if (entry != null && entry.getWamid() != null) {
            messageIdByWamid.put(entry.getWamid(), messageId);
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
    public CompletableFuture<Boolean> claim(SendLedgerEntry attempt) {
        if (attempt.getState() != LedgerState.ATTEMPTING || attempt.getClaim() == null) {
            throw new IllegalArgumentException("a claim is an ATTEMPTING entry with a claim id");
        }
        String id = attempt.getMessageId();
        return writer.ledger(id, attempt)
                .thenCompose(written -> readPast(written.partition(), written.offset()))
                .thenApply(read -> {
                    synchronized (this) {
                        SendLedgerEntry now = entries.get(id);
                        return now != null && attempt.getClaim().equals(now.getClaim());
                    }
                });
    }

    public synchronized SendLedgerEntry get(String messageId) {
        return entries.get(messageId);
    }

    /** For status webhooks without {@code biz_opaque_callback_data}. */
    public synchronized String messageIdForWamid(String wamid) {
        return messageIdByWamid.get(wamid);
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Writes an entry; the view shows it as soon as the broker acknowledged it. */
    public CompletableFuture<RecordMetadata> record(SendLedgerEntry entry) {
        return writer.ledger(entry.getMessageId(), entry).thenApply(written -> {
            writeThrough(entry.getMessageId(), entry, written);
            return written;
        });
    }

    /** Tombstones an id: nothing is known about it any more, so it may be sent. */
    public CompletableFuture<RecordMetadata> forget(String messageId) {
        return writer.ledger(messageId, null).thenApply(written -> {
            writeThrough(messageId, null, written);
            return written;
        });
    }

    /**
     * Forgets entries whose request expired more than {@code retain} ago, here and (tombstones) in the
     * topic, so neither grows without bound. Several instances may tombstone the same id: harmless.
     */
    public List<String> pruneExpired(long nowMillis, Duration retain) {
        List<String> expired = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<String, SendLedgerEntry>> it = entries.entrySet().iterator();
            while (it.hasNext()) {
                SendLedgerEntry entry = it.next().getValue();
                java.time.Instant expiresAt = entry.getExpiresAt();
                if (expiresAt != null && expiresAt.toEpochMilli() + retain.toMillis() < nowMillis) {
                    expired.add(entry.getMessageId());
                }
            }
        }
        expired.forEach(this::forget);
        return expired;
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
