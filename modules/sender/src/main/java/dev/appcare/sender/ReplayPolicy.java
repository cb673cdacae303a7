package dev.appcare.sender;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.Priority;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.model.Replay;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import java.util.Optional;

/**
 * How the sender treats records that operations wrote again ({@link Replay} headers on the request
 * record), in one place:
 * <ul>
 *   <li><b>Lane</b>: a replayed request runs after every live one, BULK included (rank {@value #REPLAY_RANK});
 *       within the replay lane, the request's own priority and arrival order still apply. So a redrive of
 *       thousands of dead letters never delays a live URGENT message by more than the call in front of it.</li>
 *   <li><b>Ledger</b>: a dead-lettered id is DROPPED in the ledger. A record marked {@code redrive} is an
 *       operator's explicit decision to try it again, so the DROPPED entry it arrives over does not stop it;
 *       ACCEPTED (already sent) and ATTEMPTING (in doubt) still do. Expiry and consent are checked again as
 *       for any request. Records marked {@code reprocess}, and live ones, follow the ledger as always.
 *       In {@link SendDecisions} terms: on arrival, {@link SendDecisions#onArrival} decides on
 *       {@link #ledgerView} (the DROPPED entry hidden from a redrive); just before the call,
 *       {@link SendDecisions#beforeCall} is given {@link #redrivenOver}, so it answers
 *       {@link SendDecisions.Before#REDRIVE} over exactly that DROPPED entry (and DUPLICATE over any other),
 *       and the ledger claim then supersedes that entry ({@link dev.appcare.sender.state.LedgerEntries#claimCounts}):
 *       the fence holds for redrives too, only the first claim in the log calls.</li>
 * </ul>
 */
final class ReplayPolicy {
    /** Below BULK's rank (2): the replay lane. */
    static final int REPLAY_RANK = 3;

    private ReplayPolicy() {
    }

    /** The scheduling rank of a request: URGENT 0, NORMAL 1, BULK 2, anything replayed 3. */
    static int rank(Priority priority, Optional<Replay.Kind> replay) {
        return replay.isPresent() ? REPLAY_RANK : SendJob.rank(priority);
    }

    /**
     * The ledger entry a request is decided on: a redrive does not see a DROPPED entry (null, "nothing
     * known") unless it is an in-doubt id the in-doubt policy gave up on; everything else sees the entry as it is. Feed it to {@link SendDecisions#onArrival} in
     * place of the entry.
     */
    static SendLedgerEntry ledgerView(SendLedgerEntry entry, Optional<Replay.Kind> replay) {
        if (entry != null && entry.getState() == LedgerState.DROPPED && replay.orElse(null) == Replay.Kind.REDRIVE
                && !LedgerEntries.isInDoubtResolution(entry)) { // WhatsApp may have that one: never redriven
            return null;
        }
        return entry;
    }

    /**
     * The DROPPED entry a redrive arrived over, as the mark its claim supersedes
     * ({@link dev.appcare.sender.state.LedgerEntries#dropMark}); null for anything else.
     */
    static String redrivenOver(SendLedgerEntry entry, Optional<Replay.Kind> replay) {
        return entry != null && ledgerView(entry, replay) == null ? LedgerEntries.dropMark(entry) : null;
    }
}
