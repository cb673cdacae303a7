package dev.appcare.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.whatsappsim.SentMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo page as rendered HTML: counts with their values, the preview's bubbles, nothing unescaped. */
class DashboardServerTest {

    private static DayTally.Counts counts() {
        return new DayTally.Counts(Map.of("flight.status.v1", 40L, "flight.boarding-pass.v1", 2L), Map.of("DELAY", 7L, "BOARDING_PASS", 2L),
                9, 6, 1, Map.of("SUPERSEDED", 2L), 2, 1, 1, 1, 0, 0, 5, 3, 0, 2, 2, 6, 6, 12.4,
                Map.of("DELAY", Map.of("requested", 7L, "accepted", 5L), "BOARDING_PASS", Map.of("requested", 2L, "accepted", 1L)));
    }

    @Test
    void shouldShowEveryCountWithItsValue() {
        String html = DashboardServer.render(new DashboardServer.View("the day", 0.42, counts(), Map.of("notifier", 0L, "sender", 17L),
                Map.of("no-preference", 80L), 250, null), List.of());
        assertThat(html).contains("id=\"events\" data-value=\"42\"", "id=\"requests\" data-value=\"9\"", "id=\"accepted\" data-value=\"6\"",
                "id=\"suppressed-SUPERSEDED\" data-value=\"2\"", "id=\"skipped-no-preference\" data-value=\"80\"",
                "id=\"lag-sender\" data-value=\"17\"", "id=\"sender-rate\" data-value=\"12\"", "id=\"sender-ceiling\" data-value=\"250\"",
                "id=\"progress\" data-value=\"42\"", "data-kind=\"DELAY\" data-series=\"accepted\">accepted 5<");
        assertThat(html).contains("<section id=\"preview\" data-messages=\"0\">");
    }

    @Test
    void shouldShowWhatTheTravellerReceivedWithTheBoardingPassAsADocument() {
        Instant at = Instant.parse("2026-06-01T08:15:00Z");
        List<SentMessage> preview = List.of(
                new SentMessage("wamid.1", "1065", "v23.0", "+31612345601", "31612345601", "template", "flight_delay", "nl",
                        List.of("Sanne", "KL1001"), null, null, null, "Hallo Sanne, je vlucht KL1001 <vanaf> AMS is vertraagd.", "m1", at, null),
                new SentMessage("wamid.2", "1065", "v23.0", "+31612345601", "31612345601", "template", "boarding_pass", "nl",
                        List.of("Sanne"), "https://example.invalid/bp.pdf", null, "boarding-pass.pdf", null, "m2", at, null));
        String html = DashboardServer.render(new DashboardServer.View("the day", 0.5, counts(), Map.of(), Map.of(), 250,
                new DashboardServer.Chosen("Sanne", "DABCDEFA/1", "DABCDEFA", "+31*******01", "nl")), preview);
        assertThat(html).contains("<section id=\"preview\" data-traveller=\"DABCDEFA/1\" data-messages=\"2\">",
                "data-template=\"flight_delay\" data-language=\"nl\" data-message-id=\"m1\"", "Hallo Sanne, je vlucht KL1001 &lt;vanaf&gt; AMS is vertraagd.",
                "data-template=\"boarding_pass\"", "<a class=\"doc\" href=\"https://example.invalid/bp.pdf\">", "boarding-pass.pdf",
                "10:15:00"); // Amsterdam time
        assertThat(html).doesNotContain("<vanaf>").doesNotContain("+31612345601");
    }

    @Test
    void shouldReadPrometheusText() {
        List<RoleGauges.Sample> samples = RoleGauges.parse("""
                # HELP appcare_notifier_skipped_total Passenger notices that sent nothing
                # TYPE appcare_notifier_skipped_total counter
                appcare_notifier_skipped_total{reason="no-preference"} 80.0
                appcare_notifier_skipped_total{reason="nothing-to-tell",x="a\\"b"} 3.0
                appcare_sender_rate_limit 250.0
                """);
        assertThat(RoleGauges.byLabel(samples, "appcare_notifier_skipped_total", "reason"))
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of("no-preference", 80L, "nothing-to-tell", 3L)));
        assertThat(RoleGauges.value(samples, "appcare_sender_rate_limit")).isEqualTo(250.0);
        assertThat(RoleGauges.value(samples, "appcare_absent")).isNaN();
    }
}
