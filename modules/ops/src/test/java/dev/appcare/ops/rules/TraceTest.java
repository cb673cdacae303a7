package dev.appcare.ops.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.ops.rules.Trace.Entry;
import dev.appcare.ops.rules.Trace.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceTest {
    private static final Instant T0 = Instant.parse("2026-11-23T08:00:00Z");

    private static Entry entry(int second, Kind kind, String messageId, String eventId, String summary) {
        return new Entry(T0.plusSeconds(second), kind, "t", 0, second, messageId, eventId, summary, Map.of());
    }

    @Test
    void shouldPutEntriesInTimeOrderAndMarkEventsThatLedToNoMessage() {
        List<Entry> trace = Trace.assemble(List.of(
                entry(30, Kind.STATUS, "m-1", null, "status ACCEPTED"),
                entry(10, Kind.EVENT, null, "e-delay", "event DELAYED"),
                entry(10, Kind.REQUEST, "m-1", "e-delay", "request DELAY"),
                entry(50, Kind.EVENT, null, "e-flap", "event DELAYED (+5 min)"),
                entry(5, Kind.PREFERENCE, null, null, "preference OPTED_IN")), null, "to ABC123/1");

        assertThat(trace).extracting(Entry::kind).containsExactly(Kind.PREFERENCE, Kind.EVENT, Kind.REQUEST, Kind.STATUS,
                Kind.EVENT, Kind.NO_MESSAGE);
        Entry noMessage = trace.get(5);
        assertThat(noMessage.eventId()).isEqualTo("e-flap");
        assertThat(noMessage.summary()).contains("no message to ABC123/1 for event e-flap").contains("does not record");
        assertThat(noMessage.at()).isEqualTo(T0.plusSeconds(50));
    }

    @Test
    void shouldSayThatAnEventReceivedAgainBroughtNoNewMessage() {
        List<Entry> trace = Trace.assemble(List.of(
                entry(10, Kind.EVENT, null, "e-delay", "event DELAYED"),
                entry(11, Kind.REQUEST, "m-1", "e-delay", "request DELAY"),
                entry(20, Kind.EVENT, null, "e-delay", "event DELAYED (re-sent)")), null, "to ABC123/1");

        assertThat(trace).extracting(Entry::kind).containsExactly(Kind.EVENT, Kind.REQUEST, Kind.EVENT, Kind.NO_MESSAGE);
        assertThat(trace.get(3).summary()).isEqualTo("no new message to ABC123/1: event e-delay was received before (same eventId, same messageIds)");
    }

    @Test
    void shouldShowTheNotifiersDecisionsInsteadOfGuessingWhenItRecordedThem() {
        String flap = Trace.decisionSummary("SUPPRESSED", "BELOW_THRESHOLD", "departure 2026-11-23T08:05:00Z is 5 min from"
                + " the 2026-11-23T08:00:00Z told, threshold 15 min", "DELAY", "ABC123/1", "KL1001/2026-11-23/AMS", "e-flap");
        List<Entry> trace = Trace.assemble(List.of(
                entry(50, Kind.DECISION, null, "e-flap", flap),
                entry(50, Kind.EVENT, null, "e-flap", "event DELAYED (+5 min)"),
                entry(60, Kind.EVENT, null, "e-old", "event from before the decision log")), null, "to ABC123/1");

        assertThat(trace).extracting(Entry::kind).containsExactly(Kind.EVENT, Kind.DECISION, Kind.EVENT, Kind.NO_MESSAGE);
        assertThat(trace.get(1).summary()).isEqualTo("decision for ABC123/1 on event e-flap: SUPPRESSED DELAY (BELOW_THRESHOLD):"
                + " departure 2026-11-23T08:05:00Z is 5 min from the 2026-11-23T08:00:00Z told, threshold 15 min");
        assertThat(trace.get(3).eventId()).isEqualTo("e-old");
    }

    @Test
    void shouldSummariseAFlightDecisionAndATimersDecision() {
        assertThat(Trace.decisionSummary("ANNOUNCED", "CHANGED", "fanned out to 4 active passengers", null, null,
                "KL1001/2026-11-23/AMS", "e-1"))
                .isEqualTo("decision on KL1001/2026-11-23/AMS event e-1: ANNOUNCED (CHANGED): fanned out to 4 active passengers");
        assertThat(Trace.decisionSummary("REQUESTED", "MERGED", null, "GATE_CHANGE", "ABC123/1", "KL1001/2026-11-23/AMS", null))
                .isEqualTo("decision for ABC123/1: REQUESTED GATE_CHANGE (MERGED)");
    }

    @Test
    void shouldDropWhatCameBeforeSince() {
        List<Entry> trace = Trace.assemble(List.of(entry(10, Kind.EVENT, null, "e-1", "old"),
                entry(20, Kind.REQUEST, "m-1", "e-1", "request")), T0.plusSeconds(15), "to anyone");
        assertThat(trace).extracting(Entry::summary).containsExactly("request");
    }

    @Test
    void shouldRenderOneLinePerEntryWithWhereItWasRead() {
        String text = Trace.render(List.of(entry(10, Kind.REQUEST, "m-1", "e-1", "request DELAY")));
        assertThat(text).isEqualTo("2026-11-23T08:00:10Z  request     request DELAY  messageId=m-1  t[0@10]\n");
    }
}
