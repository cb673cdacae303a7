package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.runtime.AppConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NumberRouterTest {
    private static BusinessNumber number(String name, Set<String> languages, Set<String> markets) {
        return new BusinessNumber(name, "1065403522429" + name.length(), "t", null, 80, Duration.ofSeconds(6),
                "default", languages, markets);
    }

    private final NumberRouter byHash = new NumberRouter(List.of(number("a", Set.of(), Set.of()),
            number("bb", Set.of(), Set.of()), number("ccc", Set.of(), Set.of())));

    @Test
    void shouldSendOneTravellerAlwaysFromOneNumberAndSpreadTravellersOverAll() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            String traveller = "PNR" + i + "/1";
            String first = byHash.numberFor(traveller, "+3161000" + i, "en");
            assertThat(byHash.numberFor(traveller, "+3161000" + i, "nl")).as("language does not move a traveller").isEqualTo(first);
            assertThat(new NumberRouter(List.of(number("a", Set.of(), Set.of()), number("bb", Set.of(), Set.of()),
                    number("ccc", Set.of(), Set.of()))).numberFor(traveller, "+31", "en")).as("stable across instances").isEqualTo(first);
            counts.merge(first, 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys("a", "bb", "ccc");
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1_150));
    }

    @ParameterizedTest(name = "[{index}] {0} {1} {2} → {3}")
    @CsvSource({
            // traveller, recipient, language → number
            "T1, +31612345678, nl, dutch",       // language first
            "T1, +32412345678, nl, dutch",       // language wins over market
            "T1, +32412345678, fr, belgian",     // market by country calling code
            "T1, +4479460000, de, general",      // neither: the undedicated number
            ", +4479460000, de, general"})       // no traveller: by recipient
    void shouldRouteByLanguageThenMarketThenHash(String traveller, String recipient, String language, String expected) {
        NumberRouter router = new NumberRouter(List.of(number("dutch", Set.of("nl"), Set.of()),
                number("belgian", Set.of(), Set.of("32")), number("general", Set.of(), Set.of())));
        assertThat(router.numberFor(traveller, recipient, language)).isEqualTo(expected);
    }

    @Test
    void shouldReadTheNumbersFromConfigurationWithoutTokensInIt() {
        Map<String, String> m = new HashMap<>();
        m.put("whatsapp.numbers", "nl, intl");
        m.put("whatsapp.number.nl.phone-number-id", "111");
        m.put("whatsapp.number.nl.token", "from-env");
        m.put("whatsapp.number.nl.rate", "250");
        m.put("whatsapp.number.nl.languages", "nl");
        m.put("whatsapp.number.intl.phone-number-id", "222");
        m.put("whatsapp.number.intl.token-file", "/run/secrets/intl-token");
        m.put("whatsapp.number.intl.pair-interval", "PT10S");
        m.put("whatsapp.number.intl.markets", "+44, 1");
        List<BusinessNumber> numbers = BusinessNumber.from(AppConfig.of(m), 80, Duration.ofSeconds(6));

        assertThat(numbers).extracting(BusinessNumber::name, BusinessNumber::phoneNumberId, BusinessNumber::ratePerSecond,
                        BusinessNumber::pairInterval, BusinessNumber::languages, BusinessNumber::markets)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("nl", "111", 250, Duration.ofSeconds(6), Set.of("nl"), Set.of()),
                        org.assertj.core.groups.Tuple.tuple("intl", "222", 80, Duration.ofSeconds(10), Set.of(), Set.of("44", "1")));
        assertThat(numbers.toString()).doesNotContain("from-env");

        m.remove("whatsapp.number.nl.token");
        assertThatThrownBy(() -> BusinessNumber.from(AppConfig.of(m), 80, Duration.ofSeconds(6)))
                .hasMessageContaining("whatsapp.number.nl.token").hasMessageContaining("APPCARE_WHATSAPP_NUMBER_NL_TOKEN");
        m.put("whatsapp.number.nl.token", "x");
        m.put("whatsapp.number.intl.phone-number-id", "111");
        assertThatThrownBy(() -> BusinessNumber.from(AppConfig.of(m), 80, Duration.ofSeconds(6)))
                .hasMessageContaining("111 is configured twice");
    }

    @Test
    void shouldKeepTheSingleNumberConfigurationWorking() {
        List<BusinessNumber> numbers = BusinessNumber.from(AppConfig.of(Map.of("whatsapp.phone-number-id", "42",
                "whatsapp.token", "t")), 90, Duration.ofSeconds(6));
        assertThat(numbers).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo("default");
            assertThat(n.ratePerSecond()).isEqualTo(90);
        });
        assertThat(IntStream.range(0, 100).mapToObj(i -> new NumberRouter(numbers).numberFor("T" + i, "+31", "en"))
                .collect(Collectors.toSet())).containsExactly("default");
    }
}
