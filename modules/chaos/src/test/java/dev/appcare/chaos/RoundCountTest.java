package dev.appcare.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.chaos.RoundCount.Expected;
import dev.appcare.chaos.RoundCount.LedgerEntry;
import dev.appcare.chaos.RoundCount.Request;
import dev.appcare.chaos.RoundCount.Resolution;
import dev.appcare.chaos.RoundCount.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundCountTest {
    private static final Expected A = new Expected("CANCELLATION", "C010001/1", "CH0100/2026-12-02/AMS");
    private static final Expected B = new Expected("OPTIN_CONFIRMATION", "C010001/1", "");
    private static final Request RA = new Request("cancellation-a", "CANCELLATION", "C010001/1", "CH0100/2026-12-02/AMS", 3);
    private static final Request RB = new Request("optin-confirmation-b", "OPTIN_CONFIRMATION", "C010001/1", null, 3);

    @Test
    void shouldCountAnExpectedMessageAcceptedOnceAsAccepted() {
        RoundCount.Counts c = RoundCount.count(List.of(A, B), List.of(RA, RB),
                List.of(new Status("cancellation-a", "ACCEPTED"), new Status("optin-confirmation-b", "ACCEPTED")),
                List.of(), List.of("cancellation-a", "optin-confirmation-b"));

        assertThat(c).isEqualTo(new RoundCount.Counts(2, 2, 0, 2, 0, 0, 0, 0, Map.of(), 0, List.of(), List.of()));
    }

    @Test
    void shouldCountWhatNeverReachedTheTopicAndWhatHasNoOutcomeAsLost() {
        RoundCount.Counts c = RoundCount.count(List.of(A, B), List.of(RB), List.of(), List.of(), List.of());

        assertThat(c.onTopic()).isEqualTo(1);
        assertThat(c.lost()).isEqualTo(2);
        assertThat(c.lostIds()).containsExactly("not on the topic: " + A, "no outcome: optin-confirmation-b");
    }

    @Test
    void shouldCountAStatusThatEndsItWithAReasonAsDroppedNotLost() {
        RoundCount.Counts c = RoundCount.count(List.of(A), List.of(RA), List.of(new Status("cancellation-a", "EXPIRED")),
                List.of(), List.of());

        assertThat(c.dropped()).isEqualTo(1);
        assertThat(c.lost()).isZero();
    }

    @Test
    void shouldReportTwiceOutsideDoubtWhenNoClaimWasInDoubt() {
        RoundCount.Counts c = RoundCount.count(List.of(A), List.of(RA), List.of(new Status("cancellation-a", "ACCEPTED")),
                List.of(new LedgerEntry("cancellation-a", "ATTEMPTING", "s1#1", null)), List.of("cancellation-a", "cancellation-a"));

        assertThat(c.acceptedTwice()).isEqualTo(1);
        assertThat(c.acceptedTwiceOutsideDoubt()).isEqualTo(1);
        assertThat(c.twiceOutsideIds()).containsExactly("cancellation-a");
    }

    @Test
    void shouldCountAResendOfAnInDoubtClaimAsInDoubtAndItsDuplicateAsInsideTheWindow() {
        List<LedgerEntry> ledger = List.of(new LedgerEntry("cancellation-a", "ATTEMPTING", "s1#1", null),
                new LedgerEntry("cancellation-a", "ATTEMPTING", "s2#7", "s1#1"),
                new LedgerEntry("cancellation-a", "ACCEPTED", null, null));

        RoundCount.Counts twice = RoundCount.count(List.of(A), List.of(RA), List.of(), ledger,
                List.of("cancellation-a", "cancellation-a"));
        RoundCount.Counts once = RoundCount.count(List.of(A), List.of(RA), List.of(), ledger, List.of("cancellation-a"));

        assertThat(twice.inDoubt()).isEqualTo(1);
        assertThat(twice.acceptedTwiceOutsideDoubt()).isZero();
        assertThat(twice.resolutions()).isEqualTo(Map.of(Resolution.RESENT_TWICE, 1));
        assertThat(once.resolutions()).isEqualTo(Map.of(Resolution.RESENT_ONCE, 1));
        assertThat(once.lost()).isZero();
    }

    @Test
    void shouldNotTakeARedriveOverADropForAnInDoubtResend() {
        RoundCount.Counts c = RoundCount.count(List.of(A), List.of(RA), List.of(new Status("cancellation-a", "ACCEPTED")),
                List.of(new LedgerEntry("cancellation-a", "ATTEMPTING", "s2#7", "DROPPED@2026-12-02T01:00:00Z")),
                List.of("cancellation-a"));

        assertThat(c.inDoubt()).isZero();
    }

    @Test
    void shouldSplitUnresolvedInDoubtIdsByWhetherWhatsAppHadThem() {
        Request other = new Request("optin-confirmation-c", "OPTIN_CONFIRMATION", "C010002/1", null, 1);
        Expected c2 = new Expected("OPTIN_CONFIRMATION", "C010002/1", "");
        Expected late = new Expected("CANCELLATION", "C010002/1", "CH0100/2026-12-02/AMS");
        Request lateRequest = new Request("cancellation-c", "CANCELLATION", "C010002/1", "CH0100/2026-12-02/AMS", 1);

        RoundCount.Counts c = RoundCount.count(List.of(A, c2, late), List.of(RA, other, lateRequest),
                List.of(new Status("cancellation-a", "UNKNOWN"), new Status("optin-confirmation-c", "UNKNOWN"),
                        new Status("cancellation-c", "UNKNOWN"), new Status("cancellation-c", "ACCEPTED")),
                List.of(), List.of("cancellation-a", "cancellation-c"));

        assertThat(c.inDoubt()).isEqualTo(3);
        assertThat(c.resolutions()).isEqualTo(Map.of(Resolution.UNRESOLVED_WHATSAPP_HAD_IT, 1,
                Resolution.UNRESOLVED_NOT_DELIVERED, 1, Resolution.LATE_EVIDENCE, 1));
        assertThat(c.unresolved()).isEqualTo(2);
        assertThat(c.lost()).as("reported in doubt, not silently lost").isZero();
        assertThat(c.accepted()).isEqualTo(2);
    }

    @Test
    void shouldCountASecondRequestForOneExpectedMessageAsExtra() {
        Request again = new Request("cancellation-z", "CANCELLATION", "C010001/1", "CH0100/2026-12-02/AMS", 3);

        RoundCount.Counts c = RoundCount.count(List.of(A), List.of(RA, RA, again), List.of(),
                List.of(), List.of("cancellation-a", "cancellation-z"));

        assertThat(c.extraRequests()).isEqualTo(1);
        assertThat(c.accepted()).isEqualTo(2);
    }
}
