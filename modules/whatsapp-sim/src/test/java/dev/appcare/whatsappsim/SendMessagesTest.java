package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.appcare.whatsappsim.SimClient.boardingPass;
import static dev.appcare.whatsappsim.SimClient.gateChange;
import static dev.appcare.whatsappsim.SimClient.template;
import static org.assertj.core.api.Assertions.assertThat;

class SendMessagesTest {

    static WhatsAppSimulator sim;
    static SimClient client;

    @BeforeAll
    static void start() {
        sim = WhatsAppSimulator.builder()
                .accessToken("test-token")
                .pairRate(1000, Duration.ofSeconds(6)) // pair rate is tested elsewhere
                .throughputPerSecond(1000)
                .start();
        client = new SimClient(sim);
    }

    @AfterAll
    static void stop() {
        client.close();
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.reset();
    }

    @Test
    void shouldAcceptValidTemplateWithWamidAndRecordIt() {
        ObjectNode body = gateChange("+31612345678");
        body.put("biz_opaque_callback_data", "msg-42");

        SimClient.Response r = client.send(body.toString());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(r.json().path("contacts").path(0).path("input").asText()).isEqualTo("+31612345678");
        assertThat(r.json().path("contacts").path(0).path("wa_id").asText()).isEqualTo("31612345678");
        assertThat(r.wamid()).startsWith("wamid.");
        assertThat(r.json().path("messages").path(0).path("message_status").asText()).isEqualTo("accepted");

        assertThat(sim.accepted()).singleElement().satisfies(m -> {
            assertThat(m.wamid()).isEqualTo(r.wamid());
            assertThat(m.phoneNumberId()).isEqualTo(SimClient.PHONE_ID);
            assertThat(m.apiVersion()).isEqualTo("v21.0");
            assertThat(m.waId()).isEqualTo("31612345678");
            assertThat(m.templateName()).isEqualTo("gate_change");
            assertThat(m.language()).isEqualTo("nl");
            assertThat(m.bodyParameters()).containsExactly("Anna", "KL1234", "D7", "10:05");
            assertThat(m.bizOpaqueCallbackData()).isEqualTo("msg-42");
            assertThat(m.text()).isEqualTo("Hallo Anna, vlucht KL1234 vertrekt nu vanaf gate D7 om 10:05.");
            assertThat(m.acceptedAt()).isNotNull();
        });
        assertThat(sim.acceptedFor("31612345678")).hasSize(1);
        assertThat(sim.acceptedFor("+31 6 1234 5678")).hasSize(1);
        assertThat(sim.acceptedMessage(r.wamid())).isPresent();
        assertThat(sim.acceptedCount()).isEqualTo(1);
    }

    @Test
    void shouldGiveEveryAcceptedMessageItsOwnWamid() {
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(client.send(gateChange("3161234" + String.format("%04d", i)).toString()).wamid());
        }
        assertThat(ids).hasSize(50).doesNotContainNull();
    }

    @Test
    void shouldAcceptBoardingPassWithDocumentHeaderAndRecordTheDocument() {
        SimClient.Response r = client.send(boardingPass("31612345678").toString());

        assertThat(r.status()).isEqualTo(200);
        SentMessage m = sim.acceptedFor("31612345678").get(0);
        assertThat(m.templateName()).isEqualTo("boarding_pass");
        assertThat(m.documentLink()).isEqualTo("https://example.com/passes/ABC123.pdf");
        assertThat(m.documentFilename()).isEqualTo("boarding-pass-KL1234.pdf");
        assertThat(m.bodyParameters()).hasSize(4);
    }

    @Test
    void shouldAcceptEveryDefaultTemplateInEveryDefaultLanguage() {
        int n = 0;
        for (ApprovedTemplates.Template t : ApprovedTemplates.defaults().templates()) {
            for (String lang : t.languages()) {
                List<String> params = java.util.stream.IntStream.rangeClosed(1, t.bodyParameters())
                        .mapToObj(i -> "p" + i).toList();
                ObjectNode body = template("3161000" + String.format("%04d", n++), t.name(), lang, params);
                if (t.header() == ApprovedTemplates.HeaderFormat.DOCUMENT) {
                    SimClient.withDocument(body, "https://example.com/x.pdf", "x.pdf");
                }
                assertThat(client.send(body.toString()).status()).as(t.name() + "/" + lang).isEqualTo(200);
            }
        }
        assertThat(n).isEqualTo(11 * 10);
    }

    @Test
    void shouldAcceptMetasPublishedDocumentTemplateSampleWhenTheTemplateIsInTheCatalogue() throws IOException {
        ApprovedTemplates catalog = ApprovedTemplates.parse("""
                {"templates":[{"name":"new_classes_pdf","languages":["en_US"],"header":"DOCUMENT",
                  "bodyParameters":1,"dynamicButtons":1}]}""".getBytes(StandardCharsets.UTF_8), "test");
        try (WhatsAppSimulator other = WhatsAppSimulator.builder().accessToken("t").templates(catalog).start();
             SimClient c = new SimClient(other);
             InputStream in = getClass().getResourceAsStream("/samples/send-template-document-request.json")) {
            SimClient.Response r = c.send(new String(in.readAllBytes(), StandardCharsets.UTF_8));

            assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
            assertThat(other.accepted().get(0).documentId()).isEqualTo("928860901494862");
            assertThat(other.accepted().get(0).documentFilename()).isEqualTo("Class.pdf");
        }
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                invalid("unknown template", 404, 132001, b -> b.withObjectProperty("template").put("name", "flight_teleported")),
                invalid("template not approved in that language", 404, 132001,
                        b -> b.withObjectProperty("template").withObjectProperty("language").put("code", "sv")),
                invalid("language code with a hyphen", 400, 100,
                        b -> b.withObjectProperty("template").withObjectProperty("language").put("code", "en-US")),
                invalid("language code upper case", 400, 100,
                        b -> b.withObjectProperty("template").withObjectProperty("language").put("code", "NL")),
                invalid("too few body parameters", 400, 132000,
                        b -> ((ArrayNode) b.at("/template/components/0/parameters")).remove(0)),
                invalid("too many body parameters", 400, 132000,
                        b -> ((ArrayNode) b.at("/template/components/0/parameters")).addObject()
                                .put("type", "text").put("text", "extra")),
                invalid("no body component", 400, 132000,
                        b -> ((ArrayNode) b.at("/template/components")).removeAll()),
                invalid("document header on a template without header", 400, 132000,
                        b -> SimClient.withDocument(b, "https://example.com/x.pdf", "x.pdf")),
                invalid("new line in a parameter", 400, 132018,
                        b -> ((ObjectNode) b.at("/template/components/0/parameters/0")).put("text", "An\nna")),
                invalid("empty parameter", 400, 131009,
                        b -> ((ObjectNode) b.at("/template/components/0/parameters/0")).put("text", " ")),
                invalid("to with letters", 400, 100, b -> b.put("to", "3161234567a")),
                invalid("to too short", 400, 100, b -> b.put("to", "316123")),
                invalid("to with leading zero", 400, 100, b -> b.put("to", "0612345678")),
                invalid("to missing", 400, 100, b -> b.remove("to")),
                invalid("messaging_product missing", 400, 100, b -> b.remove("messaging_product")),
                invalid("messaging_product not whatsapp", 400, 100, b -> b.put("messaging_product", "sms")),
                invalid("recipient_type group", 400, 100, b -> b.put("recipient_type", "group")),
                invalid("template name missing", 400, 131008, b -> b.withObjectProperty("template").remove("name")),
                invalid("language missing", 400, 131008, b -> b.withObjectProperty("template").remove("language")),
                invalid("biz_opaque_callback_data too long", 400, 100,
                        b -> b.put("biz_opaque_callback_data", "x".repeat(513))),
                invalid("button on a template without buttons", 400, 131009,
                        b -> ((ArrayNode) b.at("/template/components")).addObject().put("type", "button")
                                .put("sub_type", "url").put("index", 0)),
                invalid("unsupported message type", 400, 131009, b -> b.put("type", "sticker")));
    }

    private static Arguments invalid(String what, int status, int code, Consumer<ObjectNode> change) {
        return Arguments.of(what, status, code, change);
    }

    @ParameterizedTest(name = "{0} -> HTTP {1} code {2}")
    @MethodSource("invalidRequests")
    void shouldRefuseInvalidRequestsWithMetasCode(String what, int status, int code, Consumer<ObjectNode> change) {
        ObjectNode body = gateChange("31612345678");
        change.accept(body);

        SimClient.Response r = client.send(body.toString());

        assertThat(r.status()).as(r.json().toString()).isEqualTo(status);
        assertErrorShape(r, code);
        assertThat(sim.accepted()).isEmpty();
        assertThat(sim.rejectionCounts()).containsEntry(code, 1L);
    }

    @Test
    void shouldRefuseBoardingPassWithoutDocumentHeaderWith132012() {
        ObjectNode body = template("31612345678", "boarding_pass", "nl", List.of("a", "b", "c", "d"));

        SimClient.Response r = client.send(body.toString());

        assertThat(r.status()).isEqualTo(400);
        assertErrorShape(r, 132012);
        assertThat(r.json().at("/error/error_data/details").asText()).contains("expected DOCUMENT");
    }

    @Test
    void shouldRefuseBoardingPassWithImageInsteadOfDocumentWith132012() {
        ObjectNode body = boardingPass("31612345678");
        ((ObjectNode) body.at("/template/components/0/parameters/0")).put("type", "image");

        SimClient.Response r = client.send(body.toString());

        assertErrorShape(r, 132012);
        assertThat(r.json().at("/error/error_data/details").asText()).contains("received IMAGE");
    }

    @Test
    void shouldRefuseMalformedJsonWith100() {
        SimClient.Response r = client.send("{\"messaging_product\":");

        assertThat(r.status()).isEqualTo(400);
        assertErrorShape(r, 100);
    }

    @Test
    void shouldNameTheTemplateAndLanguageIn132001Details() {
        ObjectNode body = gateChange("31612345678");
        body.withObjectProperty("template").put("name", "nope");

        SimClient.Response r = client.send(body.toString());

        assertThat(r.json().at("/error/message").asText())
                .isEqualTo("(#132001) Template name does not exist in the translation");
        assertThat(r.json().at("/error/error_data/details").asText()).isEqualTo("template name (nope) does not exist in nl");
    }

    @Test
    void shouldRejectMissingOrWrongBearerTokenWith401And190() {
        SimClient.Response missing = client.send(gateChange("31612345678").toString(), null);
        SimClient.Response wrong = client.send(gateChange("31612345678").toString(), "not-the-token");

        for (SimClient.Response r : List.of(missing, wrong)) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().at("/error/code").asInt()).isEqualTo(190);
            assertThat(r.json().at("/error/type").asText()).isEqualTo("OAuthException");
            assertThat(r.raw().headers().firstValue("WWW-Authenticate")).isPresent();
        }
        assertThat(sim.accepted()).isEmpty();
        assertThat(sim.rejectionCount(190)).isEqualTo(2);
    }

    @Test
    void shouldAcceptARotatedTokenAfterReconfigure() {
        sim.reconfigure(b -> b.accessToken("rotated"));
        try {
            assertThat(client.send(gateChange("31612345678").toString(), "test-token").status()).isEqualTo(401);
            assertThat(client.send(gateChange("31612345678").toString(), "rotated").status()).isEqualTo(200);
        } finally {
            sim.reconfigure(b -> b.accessToken("test-token"));
        }
    }

    @Test
    void shouldRefuseUnknownPhoneNumberIdWhenIdsAreConfigured() {
        try (WhatsAppSimulator other = WhatsAppSimulator.builder().phoneNumberIds("999000999").start();
             SimClient c = new SimClient(other)) {
            SimClient.Response r = c.send(gateChange("31612345678").toString());

            assertThat(r.status()).isEqualTo(400);
            assertErrorShape(r, 100);
            assertThat(r.json().at("/error/error_data/details").asText()).contains("Object with ID '" + SimClient.PHONE_ID + "'");
        }
    }

    @Test
    void shouldAnswerUnknownPathsLikeGraphApi() {
        SimClient.Response r = client.get("/v21.0/" + SimClient.PHONE_ID + "/nothing");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo(2500);
    }

    static void assertErrorShape(SimClient.Response r, int code) {
        JsonNode error = r.json().path("error");
        assertThat(error.path("code").asInt()).as(r.json().toString()).isEqualTo(code);
        assertThat(error.path("type").asText()).isEqualTo("OAuthException");
        assertThat(error.path("message").asText()).startsWith("(#" + code + ") ");
        assertThat(error.path("error_data").path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(error.path("error_data").path("details").asText()).isNotBlank();
        assertThat(error.path("fbtrace_id").asText()).isNotBlank();
    }
}
