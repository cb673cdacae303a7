package dev.appcare.sender;

import static dev.appcare.avro.MessageKind.CANCELLATION;
import static dev.appcare.avro.MessageKind.DELAY;
import static dev.appcare.sender.ConsentPolicy.Verdict.DROP;
import static dev.appcare.sender.ConsentPolicy.Verdict.SEND;
import static dev.appcare.sender.ConsentPolicy.Verdict.UNKNOWN_TRAVELLER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.model.Replay;
import dev.appcare.sender.SendDecisions.After;
import dev.appcare.sender.SendDecisions.Arrival;
import dev.appcare.sender.SendDecisions.Before;
import dev.appcare.sender.cloudapi.ErrorClass;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sender's decision core as tables: one row per situation, the facts in, the decision out. Times are
 * offsets from a pinned instant; the in-doubt policy waits 60 s for evidence (at least the 17 s answer wait
 * of someone else's call) about any kind, then resends cancellations and gives the other kinds up.
 */
class SendDecisionsTest {
    private static final long T = 1_800_000_000_000L;
    private static final long EXPIRES = T + 3_600_000;
    private static final InDoubtPolicy POLICY = new InDoubtPolicy(Duration.ofSeconds(60), EnumSet.of(CANCELLATION),
            Duration.ofSeconds(17));

    private static SendLedgerEntry entry(LedgerState state, long at, String claim) {
        SendLedgerEntry e = LedgerEntries.entry("m", state, at, state == LedgerState.ACCEPTED ? "wamid.1" : null, EXPIRES);
        e.setClaim(claim);
        return e;
    }

    static Stream<Arguments> arrivals() {
        return Stream.of(
                // copy in progress, ledger entry, kind, now → decision
                Arguments.of(false, null, DELAY, T, Arrival.QUEUE),
                Arguments.of(true, null, DELAY, T, Arrival.COPY_IN_PROGRESS),
                Arguments.of(false, entry(LedgerState.ACCEPTED, T - 1_000, "a#1"), DELAY, T, Arrival.ALREADY_ACCEPTED),
                Arguments.of(false, entry(LedgerState.DROPPED, T - 1_000, null), DELAY, T, Arrival.ALREADY_DROPPED),
                Arguments.of(false, null, DELAY, EXPIRES, Arrival.EXPIRED),
                // someone's attempt: every kind waits 60 s for evidence (a status webhook), then a delay is given
                // up; a cancellation is queued (the check before the call resends it once the wait is over)
                Arguments.of(false, entry(LedgerState.ATTEMPTING, T - 5_000, "a#1"), DELAY, T, Arrival.IN_DOUBT_WAIT),
                Arguments.of(false, entry(LedgerState.ATTEMPTING, T - 20_000, "a#1"), DELAY, T, Arrival.IN_DOUBT_WAIT),
                Arguments.of(false, entry(LedgerState.ATTEMPTING, T - 59_999, "a#1"), DELAY, T, Arrival.IN_DOUBT_WAIT),
                Arguments.of(false, entry(LedgerState.ATTEMPTING, T - 60_000, "a#1"), DELAY, T, Arrival.IN_DOUBT_GIVE_UP),
                // an in-doubt id the policy already gave up on is never sent again (a replay, a restart)
                Arguments.of(false, LedgerEntries.dropped("m", T - 1_000, EXPIRES, LedgerEntries.IN_DOUBT_NOT_RESENT), DELAY, T,
                        Arrival.ALREADY_DROPPED),
                Arguments.of(false, entry(LedgerState.ATTEMPTING, T - 20_000, "a#1"), CANCELLATION, T, Arrival.IN_DOUBT_WAIT),
                Arguments.of(false, entry(LedgerState.ATTEMPTING, T - 61_000, "a#1"), CANCELLATION, T, Arrival.IN_DOUBT_WAIT),
                Arguments.of(false, entry(LedgerState.ATTEMPTING, T - 5_000, "a#1"), CANCELLATION, EXPIRES, Arrival.EXPIRED));
    }

    @ParameterizedTest(name = "[{index}] {4}")
    @MethodSource("arrivals")
    void shouldDecideOnArrival(boolean copy, SendLedgerEntry entry, MessageKind kind, long now, Arrival expected) {
        assertThat(SendDecisions.onArrival(copy, entry, kind, now, EXPIRES, POLICY)).isEqualTo(expected);
    }

    static Stream<Arguments> beforeCalls() {
        SendLedgerEntry theirs = entry(LedgerState.ATTEMPTING, T - 30_000, "b#7");
        SendLedgerEntry mine = entry(LedgerState.ATTEMPTING, T - 30_000, "a#3");
        return Stream.of(
                // now, owned, entry, kind, in doubt, waited-on claim, uncalled claim, evidence until, consent, settled → decision
                Arguments.of(T, true, null, DELAY, false, null, null, 0L, SEND, true, Before.CALL),
                Arguments.of(T, false, null, DELAY, false, null, null, 0L, SEND, true, Before.NOT_OURS),
                Arguments.of(EXPIRES, true, null, DELAY, false, null, null, 0L, SEND, true, Before.EXPIRED),
                // the ledger changed since arrival: another instance (or a webhook) recorded it
                Arguments.of(T, true, entry(LedgerState.ACCEPTED, T - 1, "b#1"), DELAY, false, null, null, 0L, SEND, true, Before.DUPLICATE),
                Arguments.of(T, true, entry(LedgerState.DROPPED, T - 1, null), DELAY, false, null, null, 0L, SEND, true, Before.DUPLICATE),
                Arguments.of(T, true, theirs, DELAY, false, null, null, 0L, SEND, true, Before.WAIT_FOR_EVIDENCE),
                // waiting on an in-doubt claim
                Arguments.of(T, true, entry(LedgerState.ACCEPTED, T - 1, "b#7"), CANCELLATION, true, "b#7", null, T + 1, SEND, true, Before.PROVED_ACCEPTED),
                Arguments.of(T, true, theirs, CANCELLATION, true, "b#7", null, T + 1, SEND, true, Before.WAIT_FOR_EVIDENCE),
                Arguments.of(T, true, theirs, CANCELLATION, true, "b#7", null, T, SEND, true, Before.RESEND),
                Arguments.of(T, true, theirs, DELAY, true, "b#7", null, T + 1, SEND, true, Before.WAIT_FOR_EVIDENCE),
                Arguments.of(T, true, theirs, DELAY, true, "b#7", null, T, SEND, true, Before.IN_DOUBT_GIVE_UP),
                Arguments.of(T, true, entry(LedgerState.ACCEPTED, T - 1, "b#7"), DELAY, true, "b#7", null, T, SEND, true, Before.PROVED_ACCEPTED),
                Arguments.of(T, true, theirs, CANCELLATION, true, "c#1", null, T, SEND, true, Before.WAIT_FOR_EVIDENCE),
                Arguments.of(T, true, null, CANCELLATION, true, "b#7", null, T + 1, SEND, true, Before.CALL),
                Arguments.of(T, true, theirs, CANCELLATION, true, "b#7", null, T, DROP, true, Before.NO_CONSENT),
                // our own claim whose write timed out, never called: superseded and called
                Arguments.of(T, true, mine, DELAY, false, null, "a#3", 0L, SEND, true, Before.RESEND),
                // consent
                Arguments.of(T, true, null, DELAY, false, null, null, 0L, DROP, true, Before.NO_CONSENT),
                Arguments.of(T, true, null, DELAY, false, null, null, 0L, UNKNOWN_TRAVELLER, false, Before.CHECK_CONSENT_AGAIN),
                Arguments.of(T, true, null, DELAY, false, null, null, 0L, UNKNOWN_TRAVELLER, true, Before.NO_CONSENT));
    }

    @ParameterizedTest(name = "[{index}] {10}")
    @MethodSource("beforeCalls")
    void shouldDecideJustBeforeTheCall(long now, boolean owned, SendLedgerEntry entry, MessageKind kind, boolean inDoubt,
                                       String waitedOn, String uncalled, long evidenceUntil, ConsentPolicy.Verdict consent,
                                       boolean settled, Before expected) {
        assertThat(SendDecisions.beforeCall(now, EXPIRES, owned, entry, kind, inDoubt, waitedOn, uncalled, null,
                evidenceUntil, POLICY, consent, settled, false)).isEqualTo(expected);
    }

    // ─── replayed requests (ops redrive / reprocess, {@link ReplayPolicy}) ──────────────────────────

    private static final Optional<Replay.Kind> LIVE = Optional.empty();
    private static final Optional<Replay.Kind> REDRIVE = Optional.of(Replay.Kind.REDRIVE);
    private static final Optional<Replay.Kind> REPROCESS = Optional.of(Replay.Kind.REPROCESS);

    static Stream<Arguments> replayedArrivals() {
        SendLedgerEntry dropped = entry(LedgerState.DROPPED, T - 1_000, null);
        return Stream.of(
                // replay kind, ledger entry, now → decision (on the entry as ReplayPolicy.ledgerView shows it)
                Arguments.of(REDRIVE, dropped, T, Arrival.QUEUE),           // the operator's retry of a dead letter
                Arguments.of(REDRIVE, dropped, EXPIRES, Arrival.EXPIRED),   // ... still never past its expiry
                Arguments.of(REPROCESS, dropped, T, Arrival.ALREADY_DROPPED),
                Arguments.of(LIVE, dropped, T, Arrival.ALREADY_DROPPED),
                Arguments.of(REDRIVE, entry(LedgerState.ACCEPTED, T - 1_000, "a#1"), T, Arrival.ALREADY_ACCEPTED),
                Arguments.of(REDRIVE, entry(LedgerState.ATTEMPTING, T - 5_000, "a#1"), T, Arrival.IN_DOUBT_WAIT),
                Arguments.of(REDRIVE, entry(LedgerState.ATTEMPTING, T - 60_000, "a#1"), T, Arrival.IN_DOUBT_GIVE_UP),
                // an in-doubt id given up is not the dead letter a redrive may retry: WhatsApp may have it
                Arguments.of(REDRIVE, LedgerEntries.dropped("m", T - 1_000, EXPIRES, LedgerEntries.IN_DOUBT_NOT_RESENT), T,
                        Arrival.ALREADY_DROPPED),
                Arguments.of(REDRIVE, null, T, Arrival.QUEUE));
    }

    @ParameterizedTest(name = "[{index}] {0} over {1} → {3}")
    @MethodSource("replayedArrivals")
    void shouldDecideOnArrivalOfAReplayedRequest(Optional<Replay.Kind> replay, SendLedgerEntry entry, long now,
                                                 Arrival expected) {
        assertThat(SendDecisions.onArrival(false, ReplayPolicy.ledgerView(entry, replay), DELAY, now, EXPIRES, POLICY))
                .isEqualTo(expected);
    }

    static Stream<Arguments> redrivenBeforeCalls() {
        SendLedgerEntry dropped = entry(LedgerState.DROPPED, T - 60_000, null);
        SendLedgerEntry droppedAgain = entry(LedgerState.DROPPED, T - 1_000, null);
        String overDropped = LedgerEntries.dropMark(dropped);
        return Stream.of(
                // entry now, the drop it was redriven over, consent → decision
                Arguments.of(dropped, overDropped, SEND, Before.REDRIVE),        // claim superseding that drop, call
                Arguments.of(dropped, null, SEND, Before.DUPLICATE),             // live or reprocessed: a drop stays a drop
                Arguments.of(droppedAgain, overDropped, SEND, Before.DUPLICATE), // dropped anew since arrival (opted out ...)
                Arguments.of(dropped, overDropped, DROP, Before.NO_CONSENT),     // consent checked again
                Arguments.of(null, overDropped, SEND, Before.CALL),              // claim tombstoned after a retriable answer
                Arguments.of(entry(LedgerState.ACCEPTED, T - 1, "b#1"), overDropped, SEND, Before.DUPLICATE),
                Arguments.of(entry(LedgerState.ATTEMPTING, T - 1, "b#1"), overDropped, SEND, Before.WAIT_FOR_EVIDENCE));
    }

    @ParameterizedTest(name = "[{index}] {3}")
    @MethodSource("redrivenBeforeCalls")
    void shouldDecideJustBeforeTheCallOfARedrive(SendLedgerEntry entry, String redrivenOver, ConsentPolicy.Verdict consent,
                                                 Before expected) {
        assertThat(SendDecisions.beforeCall(T, EXPIRES, true, entry, DELAY, false, null, null, redrivenOver, 0L, POLICY,
                consent, true, false)).isEqualTo(expected);
    }

    static Stream<Arguments> outcomes() {
        return Stream.of(
                // outcome, claim won, retry at, kind → decision
                Arguments.of(ErrorClass.ACCEPTED, true, T + 1_000, DELAY, After.RECORD_ACCEPTED),
                Arguments.of(ErrorClass.THROTTLED, true, T + 1_000, DELAY, After.RETRY),
                Arguments.of(ErrorClass.TEMPORARY, true, T + 1_000, DELAY, After.RETRY),
                Arguments.of(ErrorClass.TEMPORARY, true, EXPIRES, DELAY, After.EXPIRE),
                Arguments.of(ErrorClass.TERMINAL, true, T + 1_000, DELAY, After.DEAD_LETTER),
                Arguments.of(ErrorClass.SUSPEND, true, T + 1_000, DELAY, After.SUSPEND),
                Arguments.of(ErrorClass.NUMBER_PAUSED, true, T + 1_000, DELAY, After.PAUSE_NUMBER),
                Arguments.of(ErrorClass.NUMBER_PAUSED, true, EXPIRES, DELAY, After.PAUSE_NUMBER),
                Arguments.of(ErrorClass.IN_DOUBT, true, T + 1_000, CANCELLATION, After.IN_DOUBT_WAIT),
                Arguments.of(ErrorClass.IN_DOUBT, true, T + 1_000, DELAY, After.IN_DOUBT_WAIT),
                Arguments.of(ErrorClass.TEMPORARY, false, T + 1_000, DELAY, After.CLAIM_LOST));
    }

    @ParameterizedTest(name = "[{index}] {0} → {4}")
    @MethodSource("outcomes")
    void shouldDecideAfterTheOutcome(ErrorClass outcome, boolean won, long retryAt, MessageKind kind, After expected) {
        assertThat(SendDecisions.afterOutcome(outcome, won, retryAt, EXPIRES, kind, POLICY)).isEqualTo(expected);
    }

    static Stream<Arguments> rooms() {
        long unlimited = MessagingLimit.UNLIMITED;
        return Stream.of(
                // template?, recipient in window, used, limit, reserve, urgent → room
                Arguments.of(true, false, 0L, 250L, 13L, false, SendDecisions.Room.SEND),
                Arguments.of(true, false, 236L, 250L, 13L, false, SendDecisions.Room.SEND),
                Arguments.of(true, false, 237L, 250L, 13L, false, SendDecisions.Room.WAIT),
                Arguments.of(true, false, 237L, 250L, 13L, true, SendDecisions.Room.SEND_FROM_RESERVE),
                Arguments.of(true, false, 249L, 250L, 13L, true, SendDecisions.Room.SEND_FROM_RESERVE),
                Arguments.of(true, false, 250L, 250L, 13L, true, SendDecisions.Room.WAIT),
                Arguments.of(true, false, 250L, 250L, 13L, false, SendDecisions.Room.WAIT),
                Arguments.of(true, true, 250L, 250L, 13L, false, SendDecisions.Room.SEND),
                Arguments.of(false, false, 250L, 250L, 13L, false, SendDecisions.Room.SEND),
                Arguments.of(true, false, 5_000_000L, unlimited, 0L, false, SendDecisions.Room.SEND),
                Arguments.of(true, false, 0L, 0L, 0L, true, SendDecisions.Room.WAIT));
    }

    @ParameterizedTest(name = "[{index}] template={0} inWindow={1} {2}/{3} reserve {4} urgent={5} → {6}")
    @MethodSource("rooms")
    void shouldKeepTheMessagingLimitsReserveForUrgentRequests(boolean template, boolean inWindow, long used, long limit,
                                                              long reserve, boolean urgent, SendDecisions.Room expected) {
        assertThat(SendDecisions.room(template, inWindow, used, limit, reserve, urgent)).isEqualTo(expected);
    }

    static Stream<Arguments> claims() {
        SendLedgerEntry a = LedgerEntries.attempt("m", T, EXPIRES, "a#1", null);
        SendLedgerEntry b = LedgerEntries.attempt("m", T + 1, EXPIRES, "b#1", null);
        SendLedgerEntry bResendsA = LedgerEntries.attempt("m", T + 1, EXPIRES, "b#2", "a#1");
        SendLedgerEntry legacy = LedgerEntries.entry("m", LedgerState.ATTEMPTING, T, null, EXPIRES);
        SendLedgerEntry resendsLegacy = LedgerEntries.attempt("m", T + 1, EXPIRES, "b#3", LedgerEntries.UNNAMED_CLAIM);
        SendLedgerEntry accepted = LedgerEntries.entry("m", LedgerState.ACCEPTED, T, "wamid.1", EXPIRES);
        SendLedgerEntry dropped = LedgerEntries.entry("m", LedgerState.DROPPED, T, null, EXPIRES);
        SendLedgerEntry redrive = LedgerEntries.attempt("m", T + 1, EXPIRES, "b#4", LedgerEntries.dropMark(dropped));
        SendLedgerEntry redriveOfOtherDrop = LedgerEntries.attempt("m", T + 1, EXPIRES, "b#5", "DROPPED@" + (T - 1));
        SendLedgerEntry givenUp = LedgerEntries.dropped("m", T + 1, EXPIRES, LedgerEntries.IN_DOUBT_NOT_RESENT);
        SendLedgerEntry redriveRace = LedgerEntries.attempt("m", T + 2, EXPIRES, "c#1", LedgerEntries.dropMark(dropped));
        return Stream.of(
                // current, incoming → counts
                Arguments.of(null, a, true),
                Arguments.of(a, b, false),               // second claim of a race loses
                Arguments.of(a, bResendsA, true),        // resend of an in-doubt claim
                Arguments.of(b, bResendsA, false),       // ... only of the one it names
                Arguments.of(accepted, b, false),        // a zombie's claim after the new owner's success
                Arguments.of(accepted, bResendsA, false),
                Arguments.of(legacy, resendsLegacy, true),
                Arguments.of(legacy, b, false),
                Arguments.of(a, accepted, true),         // outcomes always count
                Arguments.of(a, legacy, true),           // senders before claims: as before
                Arguments.of(dropped, b, false),         // a drop stops a plain claim
                Arguments.of(dropped, redrive, true),    // a redrive supersedes the drop it arrived over
                Arguments.of(dropped, redriveOfOtherDrop, false),
                Arguments.of(redrive, redriveRace, false), // two redrive claims: the first in the log counts
                Arguments.of(accepted, redrive, false),
                // the in-doubt policy's give-up resolves a claim, but never undoes evidence already in the log
                Arguments.of(a, givenUp, true),
                Arguments.of(null, givenUp, true),
                Arguments.of(accepted, givenUp, false),
                Arguments.of(givenUp, accepted, true),    // late evidence corrects the give-up
                Arguments.of(givenUp, b, false),          // and nobody claims it again
                Arguments.of(givenUp, redrive, false));
    }

    @ParameterizedTest(name = "[{index}] {2}")
    @MethodSource("claims")
    void shouldLetOnlyTheFirstClaimInTheLogCount(SendLedgerEntry current, SendLedgerEntry incoming, boolean counts) {
        assertThat(LedgerEntries.claimCounts(current, incoming)).isEqualTo(counts);
    }
}
