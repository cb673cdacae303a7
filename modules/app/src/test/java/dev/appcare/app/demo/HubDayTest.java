package dev.appcare.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.appcare.model.Keys;
import dev.appcare.model.templates.TemplateCatalogue;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's day: the same seed gives the same day, and everything in it passes AppCare's own checks. */
class HubDayTest {
    private static final Instant NOW = Instant.parse("2026-06-01T05:00:00Z");

    @Test
    void shouldGenerateTheSameDayFromTheSameSeed() {
        HubDay a = HubDay.generate(14, 200, "AB0000", NOW);
        HubDay b = HubDay.generate(14, 200, "AB0000", NOW);
        assertThat(b.flights).isEqualTo(a.flights);
        assertThat(b.passengers).isEqualTo(a.passengers);
        assertThat(b.steps).isEqualTo(a.steps);
        assertThat(HubDay.generate(15, 200, "AB0000", NOW).passengers).isNotEqualTo(a.passengers);
    }

    @Test
    void shouldBeADayAtAHub() {
        HubDay day = HubDay.generate(14, 200, "AB0000", NOW);
        assertThat(day.flights).hasSizeBetween(180, 200);
        assertThat(day.passengers.size()).isBetween(15_000, 40_000);
        double rate = day.optedIn() / (double) day.passengers.size();
        assertThat(rate).isBetween(0.13, 0.17);
        assertThat(day.passengers.stream().filter(HubDay.Passenger::optsIn).map(HubDay.Passenger::locale).distinct())
                .contains("nl", "en_GB", "en_US", "de", "fr", "es", "it", "pt_BR", "pt_PT", "en_AU", "nl_BE");
        assertThat(day.steps).extracting(s -> s.getClass().getSimpleName()).contains("Gate", "Delay", "Boarding", "Departed",
                "Cancel", "Rebook", "Pass", "Stop", "Erase", "OutageStart", "OutageEnd");
        assertThat(day.steps.stream().filter(s -> s instanceof HubDay.Gate g && g.storm()).count()).as("the gate-change storm")
                .isGreaterThan(20);
        assertThat(day.steps.stream().filter(s -> s instanceof HubDay.Erase).count()).isEqualTo(1);
        assertThat(day.steps).isSortedAccordingTo(java.util.Comparator.comparingDouble(HubDay.Step::at));
        assertThat(day.steps).allSatisfy(s -> assertThat(s.at()).isBetween(0.0, 1.0));
    }

    @Test
    void shouldUseKeysAndPhoneNumbersAppCareAccepts() {
        HubDay day = HubDay.generate(14, 200, "AB0000", NOW);
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        TemplateCatalogue templates = TemplateCatalogue.loadDefault();
        Set<String> seen = new HashSet<>();
        for (HubDay.Passenger p : day.passengers) {
            assertThat(Keys.isTravellerKey(p.travellerKey())).as(p.travellerKey()).isTrue();
            assertThat(seen.add(p.travellerKey())).as("unique " + p.travellerKey()).isTrue();
            if (p.optsIn()) {
                assertThat(templates.supportedLanguageFor(p.locale())).as("the opt-in API accepts " + p.locale()).isPresent();
                assertThat(phones.isValidNumber(parse(phones, p.phone()))).as(p.locale() + " " + p.phone()).isTrue();
            }
        }
        assertThat(day.flights).allSatisfy(f -> assertThat(Keys.isFlightKey(f.key())).as(f.key()).isTrue());
        assertThat(day.passengers.stream().filter(HubDay.Passenger::optsIn).map(HubDay.Passenger::phone).distinct().count())
                .isEqualTo(day.optedIn());
    }

    @Test
    void shouldRebookOntoAFlightThatIsNotCancelled() {
        HubDay day = HubDay.generate(14, 200, "AB0000", NOW);
        Set<String> cancelled = new HashSet<>();
        day.steps.stream().filter(s -> s instanceof HubDay.Cancel).forEach(s -> cancelled.add(((HubDay.Cancel) s).flight().key()));
        List<HubDay.Rebook> rebooked = day.steps.stream().filter(s -> s instanceof HubDay.Rebook).map(s -> (HubDay.Rebook) s).toList();
        assertThat(rebooked).isNotEmpty().allSatisfy(r -> {
            assertThat(cancelled).contains(r.from().key()).doesNotContain(r.to().key());
            assertThat(r.passenger().flightKey()).isEqualTo(r.from().key());
        });
    }

    private static com.google.i18n.phonenumbers.Phonenumber.PhoneNumber parse(PhoneNumberUtil phones, String phone) {
        try {
            return phones.parse(phone, null);
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            throw new AssertionError(phone, e);
        }
    }
}
