package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.care.CareSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageChoiceTest {
    private static final LanguageChoice CHOICE = CareSettings.loadDefault().languageChoice();

    @ParameterizedTest(name = "preference {0}, \"{1}\" -> {2} ({3})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // preference | message | language | how
            "nl    | How much luggage can I bring?        | nl | preference",
            "en_US | Hoeveel bagage mag ik meenemen?      | en | preference",
            "pt_BR | Hoeveel bagage mag ik meenemen?      | nl | detected",
            "-     | Hoeveel bagage mag ik meenemen?      | nl | detected",
            "-     | Wie viel Gepäck darf ich mitnehmen?  | de | detected",
            "-     | Bonjour, mon vol est annulé          | fr | detected",
            "-     | How much luggage can I bring?        | en | detected",
            "-     | 👍                                   | en | default",
            "-     | -                                    | en | default",
    })
    void shouldPreferThePreferenceThenTheMessageThenTheDefault(String preference, String message, String language, String how) {
        assertThat(CHOICE.choose(preference, message)).isEqualTo(new LanguageChoice.Choice(language, how));
    }
}
