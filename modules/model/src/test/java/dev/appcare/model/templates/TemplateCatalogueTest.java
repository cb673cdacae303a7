package dev.appcare.model.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.MessageKind;
import dev.appcare.model.MessageIds;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateCatalogueTest {
    private final TemplateCatalogue catalogue = TemplateCatalogue.loadDefault();

    @Test
    void shouldHaveATemplateForEveryKindOfMessage() {
        Arrays.stream(MessageKind.values()).filter(k -> k != MessageKind.UNKNOWN)
                .forEach(kind -> assertThat(catalogue.template(kind)).as("template for %s", kind).isPresent());
        assertThat(catalogue.template(MessageKind.BOARDING_PASS).orElseThrow().documentHeader()).isTrue();
        assertThat(catalogue.template(MessageKind.DELAY).orElseThrow().documentHeader()).isFalse();
    }

    @Test
    void shouldPickTheTravellersLanguageWithFallbacks() {
        assertThat(catalogue.resolveLanguage("nl")).isEqualTo("nl");
        assertThat(catalogue.resolveLanguage("pt_BR")).isEqualTo("pt_BR");
        assertThat(catalogue.resolveLanguage("pt-br")).isEqualTo("pt_BR");
        assertThat(catalogue.resolveLanguage("nl_BE")).isEqualTo("nl");
        assertThat(catalogue.resolveLanguage("en_AU")).isEqualTo("en_GB");
        assertThat(catalogue.resolveLanguage("pt")).isEqualTo("pt_BR");
        assertThat(catalogue.resolveLanguage("ja")).isEqualTo("en");
        assertThat(catalogue.resolveLanguage(null)).isEqualTo("en");
        assertThat(catalogue.supportedLanguageFor("ja")).isEmpty();
    }

    @Test
    void shouldOrderParametersAndNameAMissingOne() {
        var gate = catalogue.template(MessageKind.GATE_CHANGE).orElseThrow();
        assertThat(gate.orderedValues(Map.of("flight", "KL1234", "givenName", "Jane", "gate", "D7", "departureTime", "09:50")))
                .containsExactly("Jane", "KL1234", "D7", "09:50");
        assertThatThrownBy(() -> gate.orderedValues(Map.of("flight", "KL1234")))
                .hasMessageContaining("gate_change").hasMessageContaining("givenName");
    }

    @Test
    void shouldDeriveTheSameMessageIdForTheSameInputOnly() {
        String id = MessageIds.derive(MessageKind.GATE_CHANGE, "evt-1", "ABC123/1");
        assertThat(id).isEqualTo(MessageIds.derive(MessageKind.GATE_CHANGE, "evt-1", "ABC123/1"))
                .startsWith("gate-change-").hasSize("gate-change-".length() + 32);
        assertThat(MessageIds.derive(MessageKind.GATE_CHANGE, "evt-1", "ABC123/2")).isNotEqualTo(id);
        assertThat(MessageIds.derive(MessageKind.BOARDING, "evt-1", "ABC123/1")).isNotEqualTo(id);
        assertThat(MessageIds.derive(MessageKind.GATE_CHANGE, "evt-1\u001fABC123", "1")).isNotEqualTo(id);
    }
}
