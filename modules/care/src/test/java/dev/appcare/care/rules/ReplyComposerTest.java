package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.care.CareSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The acknowledgement texts, word for word. */
class ReplyComposerTest {
    private static final CareSettings SETTINGS = CareSettings.loadDefault();
    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final ServiceHours NL = SETTINGS.markets().get("NL");
    private final ReplyComposer composer = new ReplyComposer(Duration.ofDays(3));

    @Test
    void shouldAnswerADutchQuestionAfterHoursWithHoursAndTheFaqAndThePrivacyLink() {
        Instant now = LocalDateTime.parse("2026-11-24T23:00").atZone(AMSTERDAM).toInstant(); // a Tuesday
        List<FaqMatcher.Match> matches = SETTINGS.faqMatcher().match("nl", "Hoeveel bagage mag ik meenemen?");

        String text = composer.acknowledgement("nl", SETTINGS.texts().get("nl"), NL, NL.availability(now), false, matches,
                List.of(), SETTINGS.privacy().get("nl"), now);

        assertThat(text).isEqualTo("""
                Bedankt voor je bericht. Onze medewerkers zijn bereikbaar ma–vr 08:00–22:00, za–zo 09:00–18:00 (Amsterdam tijd). We antwoorden vanaf woensdag 08:00.
                Misschien helpt dit al:
                • Economy: 1 ingecheckte koffer tot 23 kg en 1 stuk handbagage tot 12 kg. https://appcare.example/nl/bagage
                Zo gaan we om met je gegevens: https://appcare.example/nl/privacy""");
    }

    @Test
    void shouldSayAgentsAreAvailableAndThatComplexQuestionsTakeLonger() {
        Instant now = LocalDateTime.parse("2026-11-24T10:00").atZone(AMSTERDAM).toInstant();

        String text = composer.acknowledgement("en", SETTINGS.texts().get("en"), NL, NL.availability(now), true, List.of(),
                List.of(), null, now);

        assertThat(text).isEqualTo("""
                Thanks for your message. An agent is available now and usually answers within 30 minutes.
                Complex questions can take longer.""");
    }

    @Test
    void shouldGiveTheFlightsFactsInsteadOfTheGenericAnswerWhenItDepartsSoon() {
        Instant now = LocalDateTime.parse("2026-11-24T10:00").atZone(AMSTERDAM).toInstant();
        FlightFact flight = new FlightFact("ABC123/1", "KL1001/2026-11-24/AMS", "DELAYED",
                LocalDateTime.parse("2026-11-24T14:05").atZone(AMSTERDAM).toInstant(),
                LocalDateTime.parse("2026-11-24T14:50").atZone(AMSTERDAM).toInstant(), "D7", "Europe/Amsterdam");
        List<FaqMatcher.Match> matches = SETTINGS.faqMatcher().match("nl", "Welke gate heeft mijn vlucht?");

        String text = composer.acknowledgement("nl", SETTINGS.texts().get("nl"), NL, NL.availability(now), false, matches,
                List.of(flight), null, now);

        assertThat(text).contains("• Je vlucht KL1001 op 24 nov 2026: vertraagd, vertrek 14:50, gate D7.")
                .doesNotContain("vluchtstatuspagina");
    }

    @Test
    void shouldUseTheGenericAnswerForAFlightBeyondTheHorizon() {
        Instant now = LocalDateTime.parse("2026-11-24T10:00").atZone(AMSTERDAM).toInstant();
        FlightFact later = new FlightFact("ABC123/1", "KL1001/2026-12-24/AMS", "SCHEDULED",
                LocalDateTime.parse("2026-12-24T14:05").atZone(AMSTERDAM).toInstant(), null, null, "Europe/Amsterdam");
        assertThat(composer.nextFlight(List.of(later), now)).isEmpty();
    }
}
