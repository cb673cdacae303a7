package dev.appcare.sender;

import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * One request on its way: the decoded request, where it came from (for the offset commit and the dead
 * letter), and its retry state. Mutable fields are guarded by the {@link SendPipeline}'s lock (an attempt's fields by the one thread making it).
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

    /**
     * The business number ({@link BusinessNumber#name}) that sends it, chosen on intake by the
     * {@link NumberRouter} before the job is queued; "default" for a single-number deployment.
     */
    String number = BusinessNumber.DEFAULT;
    /** What it waited for last (the messaging limit), for the reason if it expires meanwhile; else null. */
    String waitingFor;
    /** Not before this instant (epoch ms): retry backoff, consent re-check, in-doubt wait. */
    long notBefore;
    int attempts;
    /** Claims lost in a row (reset by a claim that counts); past {@link CallRunner#MAX_CLAIMS_LOST} it is dead-lettered. */
    int claimsLostInARow;
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
    /** When the in-doubt call this job waits on was made (epoch ms); 0 if it is not in doubt. */
    long inDoubtSince;
    /** The ledger claim (an unanswered attempt, ours or another instance's) this job waits on, or null. */
    String waitedOnClaim;
    /** Until when evidence about {@link #waitedOnClaim} is awaited before the in-doubt policy decides. */
    long evidenceUntil;
    /** On a resend of an in-doubt id: the claim it supersedes in the ledger; else null. */
    String supersedesClaim;
    /** Our last claim whose call was never made (the claim's write timed out): provably not sent. */
    String uncalledClaim;
    /** On a redrive that arrived over a DROPPED ledger entry: that entry's drop mark ({@link ReplayPolicy#redrivenOver}). */
    String redrivenOver;
    /** Why it is sent although it names no traveller (the keyless override), for the status; else null. */
    String auditNote;

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
