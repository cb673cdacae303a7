package dev.appcare.sender;

import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * One request on its way: the decoded request, where it came from (for the offset commit and the dead
 * letter), and its retry state. Mutable fields are guarded by the {@link SendPipeline}'s lock.
 */
final class SendJob {
    final WhatsAppRequest request;
    final String messageId;
    final String recipient;
    final int rank;
    final long seq;
    final TopicPartition source;
    final long offset;
    final long sourceTimestamp;
    final byte[] rawKey;
    final byte[] rawValue;

    /** Not before this instant (epoch ms): retry backoff, consent re-check, in-doubt wait. */
    long notBefore;
    int attempts;
    Integer lastErrorCode;
    String lastErrorTitle;
    boolean inFlight;
    /** Set when the consent check asked the preference view to catch up before deciding. */
    CompletableFuture<Void> consentCatchUp;
    long consentAskedAt;
    /** The tombstone written after a retriable answer; the next ATTEMPTING entry waits for it. */
    CompletableFuture<Void> pendingForget;
    /** Writes made when the job was taken in (dropping what it supersedes); part of its outcome. */
    CompletableFuture<Void> intakeWrites;
    /** When a call for this job went unanswered (epoch ms), for the in-doubt resend policy; 0 if never. */
    long inDoubtSince;

    SendJob(WhatsAppRequest request, long seq, TopicPartition source, long offset, long sourceTimestamp,
            byte[] rawKey, byte[] rawValue) {
        this(request, rank(request.getPriority()), seq, source, offset, sourceTimestamp, rawKey, rawValue);
    }

    /** With an explicit scheduling rank ({@link ReplayPolicy#rank}: replayed requests go last). */
    SendJob(WhatsAppRequest request, int rank, long seq, TopicPartition source, long offset, long sourceTimestamp,
            byte[] rawKey, byte[] rawValue) {
        this.request = request;
        this.messageId = request.getMessageId();
        this.recipient = request.getRecipient();
        this.rank = rank;
        this.seq = seq;
        this.source = source;
        this.offset = offset;
        this.sourceTimestamp = sourceTimestamp;
        this.rawKey = rawKey;
        this.rawValue = rawValue;
    }

    /** URGENT before NORMAL before BULK (rule N9). */
    static int rank(Priority priority) {
        if (priority == null) {
            return 1;
        }
        return switch (priority) {
            case URGENT -> 0;
            case NORMAL -> 1;
            case BULK -> 2;
        };
    }

    long expiresAt() {
        return request.getExpiresAt().toEpochMilli();
    }

    @Override
    public String toString() {
        return messageId + "@" + source + "/" + offset;
    }
}
