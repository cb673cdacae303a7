package dev.appcare.sender;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.Priority;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.model.Replay;
import java.util.Optional;

/**
 * How the sender treats records that operations wrote again ({@link Replay} headers on the request
 * record), in one place:
 * <ul>
 *   <li><b>Lane</b>: a replayed request runs after every live one, BULK included (rank {@value #REPLAY_RANK});
 *       within the replay lane, the request's own priority and arrival order still apply. So a redrive of
 *       thousands of dead letters never delays a live URGENT message by more than the call in front of it.</li>
 *   <li><b>Ledger</b>: a dead-lettered id is DROPPED in the ledger. A record marked {@code redrive} is an
 *       operator's explicit decision to try it again, so DROPPED does not stop it; ACCEPTED (already sent)
 *       and ATTEMPTING (in doubt) still do. Expiry and consent are checked again as for any request.
 *       Records marked {@code reprocess}, and live ones, follow the ledger as always.</li>
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
     * known"); everything else sees the entry as it is. Feed it to the ledger rules in place of the entry.
     */
    static SendLedgerEntry ledgerView(SendLedgerEntry entry, Optional<Replay.Kind> replay) {
        if (entry != null && entry.getState() == LedgerState.DROPPED && replay.orElse(null) == Replay.Kind.REDRIVE) {
            return null;
        }
        return entry;
    }
}
