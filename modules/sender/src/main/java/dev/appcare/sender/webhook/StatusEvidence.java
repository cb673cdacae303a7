package dev.appcare.sender.webhook;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/** What a status webhook proves for the ledger: WhatsApp has the message (see {@link #record}). */
final class StatusEvidence {
    private final SendLedger ledger;
    /** messageIds whose evidence this instance wrote to another instance's ledger partition. */
    private final SeenEvents evidenceWritten;
    private final Consumer<String> events;
    private final LongSupplier clock;

    StatusEvidence(SendLedger ledger, int capacity, Consumer<String> events, LongSupplier clock) {
        this.ledger = ledger;
        this.evidenceWritten = new SeenEvents(capacity);
        this.events = events;
        this.clock = clock;
    }

    /**
     * A status proves WhatsApp took the call: the ledger must say ACCEPTED, so nobody sends it again (an
     * unanswered call, or an in-doubt id the policy had given up on because the evidence came late). The
     * ledger is held by the owner of the request's partition, which may be another instance: this one then
     * writes the evidence to that partition (the one the recipient's number hashes to, as the request) once
     * per messageId, and the owner's ledger applies it ({@link SendLedger#claimCounts}).
     */
    void record(String messageId, String wamid, String recipientId, List<CompletableFuture<?>> these) {
        int partition = ledger.partitionOf(messageId);
        long now = clock.getAsLong();
        if (partition >= 0) {
            SendLedgerEntry entry = ledger.get(messageId);
            if (entry != null && (entry.getState() == LedgerState.ATTEMPTING || LedgerEntries.isInDoubtResolution(entry))) {
                these.add(ledger.record(partition, LedgerEntries.evidence(messageId, now, wamid,
                        entry.getExpiresAt() == null ? now + LedgerEntries.EVIDENCE_LIFETIME.toMillis()
                                : entry.getExpiresAt().toEpochMilli())));
                events.accept("status-proves-acceptance");
            }
            return;
        }
        if (recipientId == null || ledger.partitionCount() <= 0) {
            events.accept("status-evidence-unroutable");
            return;
        }
        if (!evidenceWritten.claim(messageId)) {
            return; // this instance already passed it on
        }
        CompletableFuture<?> write = ledger.record(ledger.partitionForRecipient("+" + recipientId.replaceAll("[^0-9]", "")),
                LedgerEntries.evidence(messageId, now, wamid, now + LedgerEntries.EVIDENCE_LIFETIME.toMillis()));
        write.whenComplete((ok, failure) -> {
            if (failure != null) {
                evidenceWritten.release(messageId);
            }
        });
        these.add(write);
        events.accept("status-evidence-forwarded");
    }
}
