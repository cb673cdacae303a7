package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.care.CareSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Service hours of the shipped settings (appcare/care.json), per market, with holidays and zones. */
class ServiceHoursTest {
    private static final CareSettings SETTINGS = CareSettings.loadDefault();
    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    @ParameterizedTest(name = "{0} {1} local: open={2}, next opening {3}")
    @CsvSource({
            // market, local time in the market's zone, open?, next opening (local), why
            "NL, 2026-11-24T23:00, false, 2026-11-25T08:00, 'Tuesday after 22:00'",
            "NL, 2026-11-24T10:00, true,  2026-11-24T10:00, 'Tuesday office hours'",
            "NL, 2026-11-24T07:59, false, 2026-11-24T08:00, 'one minute before opening'",
            "NL, 2026-11-24T22:00, false, 2026-11-25T08:00, 'closing time is exclusive'",
            "NL, 2026-11-28T08:30, false, 2026-11-28T09:00, 'Saturday opens at 09:00'",
            "NL, 2026-11-29T17:59, true,  2026-11-29T17:59, 'Sunday until 18:00'",
            "NL, 2026-12-25T10:00, false, 2026-12-26T10:00, 'Christmas closed, Boxing Day 10:00-16:00'",
            "NL, 2026-12-24T17:30, false, 2026-12-26T10:00, 'Christmas Eve closes at 17:00'",
            "NL, 2027-12-25T12:00, false, 2027-12-26T10:00, 'yearly holidays repeat'",
            "NL, 2026-03-29T09:30, true,  2026-03-29T09:30, 'the Sunday clocks go forward'",
            "GB, 2026-11-30T07:30, false, 2026-11-30T08:00, 'London Monday before 08:00'",
            "GB, 2026-11-28T18:00, false, 2026-11-30T08:00, 'London closed on Sunday'",
    })
    void shouldTellWhetherAgentsAreOnDuty(String market, LocalDateTime local, boolean open, LocalDateTime next, String why) {
        ServiceHours hours = SETTINGS.markets().get(market);
        Instant now = local.atZone(hours.zone()).toInstant();

        ServiceHours.Availability availability = hours.availability(now);

        assertThat(availability.open()).as(why).isEqualTo(open);
        assertThat(availability.nextOpening().toLocalDateTime()).as(why).isEqualTo(next);
    }

    @Test
    void shouldJudgeEachMarketInItsOwnZone() {
        Instant mondayMorning = Instant.parse("2026-11-30T07:30:00Z"); // 08:30 in Amsterdam, 07:30 in London
        assertThat(SETTINGS.markets().get("NL").availability(mondayMorning).open()).isTrue();
        assertThat(SETTINGS.markets().get("GB").availability(mondayMorning).open()).isFalse();
    }

    @Test
    void shouldSayWhenTheDeskClosesAndHowLongAnAnswerTakes() {
        ServiceHours.Availability a = SETTINGS.markets().get("NL")
                .availability(LocalDateTime.parse("2026-11-24T10:00").atZone(AMSTERDAM).toInstant());
        assertThat(a.closesAt().toLocalDateTime()).isEqualTo(LocalDateTime.parse("2026-11-24T22:00"));
        assertThat(a.expectedAnswer()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void shouldDescribeTheWeekInTheTravellersLanguage() {
        ServiceHours nl = SETTINGS.markets().get("NL");
        assertThat(nl.describeWeek(Locale.forLanguageTag("nl"))).isEqualTo("ma–vr 08:00–22:00, za–zo 09:00–18:00");
        assertThat(nl.describeWeek(Locale.ENGLISH)).isEqualTo("Mon–Fri 08:00–22:00, Sat–Sun 09:00–18:00");
        assertThat(SETTINGS.markets().get("GB").describeWeek(Locale.ENGLISH)).isEqualTo("Mon–Fri 08:00–20:00, Sat 09:00–17:00");
    }

    @Test
    void shouldPickTheMarketByPhonePrefixElseTheDefault() {
        assertThat(SETTINGS.marketFor("+31612345678").market()).isEqualTo("NL");
        assertThat(SETTINGS.marketFor("+447700900123").market()).isEqualTo("GB");
        assertThat(SETTINGS.marketFor("+16505551234").market()).as("no market of its own").isEqualTo("NL");
    }

    @Test
    void shouldOpenOnlyByWeeklyHoursWithoutHolidays() {
        Instant christmas = LocalDateTime.parse("2026-12-25T10:00").atZone(AMSTERDAM).toInstant();
        assertThat(SETTINGS.withoutHolidays().markets().get("NL").availability(christmas).open()).isTrue();
    }
}
