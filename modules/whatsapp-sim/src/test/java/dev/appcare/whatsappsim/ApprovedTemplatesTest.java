package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.appcare.whatsappsim.SimClient.template;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApprovedTemplatesTest {

    @Test
    void shouldShipAppCaresTemplatesInTenLanguages() {
        ApprovedTemplates catalog = ApprovedTemplates.defaults();

        Map<String, Integer> params = catalog.templates().stream()
                .collect(Collectors.toMap(ApprovedTemplates.Template::name, ApprovedTemplates.Template::bodyParameters));
        assertThat(params).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("flight_delay", 5), Map.entry("flight_earlier", 5), Map.entry("flight_back_on_time", 4),
                Map.entry("flight_cancelled", 4), Map.entry("gate_change", 4), Map.entry("boarding_started", 3),
                Map.entry("flight_diverted", 3), Map.entry("boarding_pass", 4), Map.entry("optin_confirmation", 1),
                Map.entry("care_follow_up", 0), Map.entry("checkin_open", 4)));
        assertThat(catalog.templates()).allSatisfy(t -> assertThat(t.languages()).containsExactlyInAnyOrder(
                "en", "en_US", "en_GB", "nl", "fr", "de", "es", "it", "pt_BR", "pt_PT"));
        assertThat(catalog.find("boarding_pass").orElseThrow().header()).isEqualTo(ApprovedTemplates.HeaderFormat.DOCUMENT);
        assertThat(catalog.templates()).filteredOn(t -> !t.name().equals("boarding_pass"))
                .allSatisfy(t -> assertThat(t.header()).isEqualTo(ApprovedTemplates.HeaderFormat.NONE));
    }

    @Test
    void shouldRenderInTheLanguageOrFallBackToEnglish() {
        ApprovedTemplates.Template t = ApprovedTemplates.defaults().find("boarding_started").orElseThrow();
        assertThat(t.render("nl", List.of("Anna", "KL1234", "D7"))).isEqualTo("Hallo Anna, het boarden voor vlucht KL1234 is begonnen bij gate D7.");
        assertThat(t.render("de", List.of("Anna", "KL1234", "D7"))).startsWith("Hello Anna");
    }

    @Test
    void shouldLoadACatalogueFromAFileAndHonourItsStatuses(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("templates.json");
        Files.writeString(file, """
                {"templates":[
                  {"name":"promo","languages":["en"],"bodyParameters":0,"status":"PAUSED"},
                  {"name":"old","languages":["en"],"bodyParameters":0,"status":"DISABLED"},
                  {"name":"hello","languages":["en"],"bodyParameters":0}
                ]}""");
        ApprovedTemplates catalog = ApprovedTemplates.fromFile(file);

        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().templates(catalog).pairRate(10, java.time.Duration.ofSeconds(1)).start();
             SimClient client = new SimClient(sim)) {
            assertThat(client.send(template("31612345678", "hello", "en", List.of()).toString()).status()).isEqualTo(200);
            assertThat(client.send(template("31612345678", "promo", "en", List.of()).toString()).errorCode()).isEqualTo(132015);
            assertThat(client.send(template("31612345678", "old", "en", List.of()).toString()).errorCode()).isEqualTo(132016);
            assertThat(client.send(template("31612345678", "gate_change", "en", List.of("a", "b", "c", "d")).toString())
                    .errorCode()).as("not in this catalogue").isEqualTo(132001);
        }
    }

    @Test
    void shouldCheckNamedParametersOfNamedTemplates() {
        ApprovedTemplates catalog = ApprovedTemplates.parse("""
                {"templates":[{"name":"named_gate","languages":["en"],"parameterNames":["given_name","gate"],
                  "body":{"en":"Hi {{given_name}}, go to gate {{gate}}."}}]}""".getBytes(), "t");
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().templates(catalog)
                .pairRate(10, java.time.Duration.ofSeconds(1)).start();
             SimClient client = new SimClient(sim)) {
            ObjectNode named = template("31612345678", "named_gate", "en", List.of("D7", "Anna"));
            ((ObjectNode) named.at("/template/components/0/parameters/0")).put("parameter_name", "gate");
            ((ObjectNode) named.at("/template/components/0/parameters/1")).put("parameter_name", "given_name");
            assertThat(client.send(named.toString()).status()).isEqualTo(200);
            assertThat(sim.accepted().get(0).bodyParameters()).containsExactly("Anna", "D7");
            assertThat(sim.accepted().get(0).text()).isEqualTo("Hi Anna, go to gate D7.");

            SimClient.Response unnamed = client.send(
                    template("31612345678", "named_gate", "en", List.of("Anna", "D7")).toString());
            assertThat(unnamed.errorCode()).isEqualTo(100);
            assertThat(unnamed.json().at("/error/error_data/details").asText())
                    .isEqualTo("Parameter name is missing or empty");
        }
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().start(); SimClient client = new SimClient(sim)) {
            ObjectNode positionalWithName = SimClient.gateChange("31612345678");
            ((ObjectNode) positionalWithName.at("/template/components/0/parameters/0"))
                    .put("parameter_name", "given_name");
            assertThat(client.send(positionalWithName.toString()).errorCode()).isEqualTo(100);
        }
    }

    @Test
    void shouldRefuseABrokenCatalogue() {
        assertThatThrownBy(() -> ApprovedTemplates.parse("{\"templates\":[{\"name\":\"x\"}]}".getBytes(), "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no languages");
        assertThatThrownBy(() -> ApprovedTemplates.parse("{\"nope\":1}".getBytes(), "t"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
