package dev.appcare.sender.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.sender.Requests;
import dev.appcare.sender.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateMessageTest {

    @Test
    void shouldBuildATemplateMessageWithTheMessageIdAsCallbackData() {
        JsonNode body = TemplateMessage.build(Requests.gateChange("gate-change-1", "+31612345678", "ABC123/1").build(), false);
        assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(body.path("recipient_type").asText()).isEqualTo("individual");
        assertThat(body.path("to").asText()).isEqualTo("+31612345678");
        assertThat(body.path("type").asText()).isEqualTo("template");
        assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo("gate-change-1");
        assertThat(body.path("template").path("name").asText()).isEqualTo("gate_change");
        assertThat(body.path("template").path("language").path("code").asText()).isEqualTo("en");
        JsonNode components = body.path("template").path("components");
        assertThat(components).hasSize(1);
        assertThat(components.get(0).path("type").asText()).isEqualTo("body");
        assertThat(components.get(0).path("parameters")).extracting(p -> p.path("text").asText())
                .containsExactly("Anna", "KL1234", "D7", "14:05");
        assertThat(components.get(0).path("parameters")).allMatch(p -> p.path("type").asText().equals("text"));
    }

    @Test
    void shouldPutTheBoardingPassInADocumentHeaderShapedLikeMetasSample() throws Exception {
        JsonNode body = TemplateMessage.build(Requests.boardingPass("bp-1", "+31612345678", "ABC123/1").build(), false);
        JsonNode header = body.path("template").path("components").get(0);
        JsonNode sampleHeader = new ObjectMapper().readTree(Samples.bytes("send-template-document-request.json"))
                .path("template").path("components").get(0);
        assertThat(header.path("type").asText()).isEqualTo(sampleHeader.path("type").asText());
        JsonNode parameter = header.path("parameters").get(0);
        assertThat(parameter.path("type").asText()).isEqualTo(sampleHeader.path("parameters").get(0).path("type").asText());
        assertThat(parameter.path("document").path("link").asText()).isEqualTo("https://passes.example.com/ABC123-1.pdf");
        assertThat(parameter.path("document").path("filename").asText()).isEqualTo("boarding-pass-KL1234.pdf");
        assertThat(body.path("template").path("components").get(1).path("parameters")).hasSize(4);
    }

    @Test
    void shouldSendFreeFormTextAsATextMessageWithTheMessageIdAsCallbackData() {
        var request = Requests.gateChange("care-reply-1", "+31612345678", "ABC123/1")
                .setText("Uw bagage: 1 stuk van 23 kg. https://appcare.example/nl/bagage").build();

        JsonNode body = TemplateMessage.build(request, false);

        assertThat(body.path("type").asText()).isEqualTo("text");
        assertThat(body.path("to").asText()).isEqualTo("+31612345678");
        assertThat(body.path("text").path("body").asText()).isEqualTo("Uw bagage: 1 stuk van 23 kg. https://appcare.example/nl/bagage");
        assertThat(body.path("text").path("preview_url").asBoolean()).isTrue();
        assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo("care-reply-1");
        assertThat(body.has("template")).isFalse();
    }

    @Test
    void shouldSendParameterNamesOnlyWhenAskedTo() {
        var request = Requests.gateChange("m", "+31612345678", "ABC123/1")
                .setParameters(List.of(TemplateParameter.newBuilder().setName("givenName").setValue("Anna").build()))
                .build();
        assertThat(TemplateMessage.build(request, false).toString()).doesNotContain("parameter_name");
        assertThat(TemplateMessage.build(request, true).path("template").path("components").get(0).path("parameters")
                .get(0).path("parameter_name").asText()).isEqualTo("givenName");
    }
}
