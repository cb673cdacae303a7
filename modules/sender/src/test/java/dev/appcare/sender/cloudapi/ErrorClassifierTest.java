package dev.appcare.sender.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.sender.Samples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorClassifierTest {

    @Test
    void shouldClassifyThePublishedThrottlingBodyAsThrottledWhateverTheHttpStatus() {
        for (int http : new int[] {400, 429}) {
            SendOutcome outcome = ErrorClassifier.classify(http, Samples.bytes("error-response-130429.json"));
            assertThat(outcome.errorClass()).isEqualTo(ErrorClass.THROTTLED);
            assertThat(outcome.errorCode()).isEqualTo(130429);
            assertThat(outcome.errorTitle()).isEqualTo("(#130429) Rate limit hit");
            assertThat(outcome.details()).startsWith("Message failed to send because there were too many messages");
        }
    }

    @Test
    void shouldClassifyThePublishedTemplateErrorAsTerminal() {
        SendOutcome outcome = ErrorClassifier.classify(404, Samples.bytes("error-response-132001.json"));
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.TERMINAL);
        assertThat(outcome.errorCode()).isEqualTo(132001);
        assertThat(outcome.reason()).isEqualTo("WhatsApp 132001 (HTTP 404): (#132001) Template name does not exist "
                + "in the translation - template name (YOUR_TEMPLATE_NAME) does not exist in en");
    }

    @Test
    void shouldClassifyThePublishedUnknownContactErrorAsTerminal() {
        SendOutcome outcome = ErrorClassifier.classify(400, Samples.bytes("error-response-131006.json"));
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.TERMINAL);
        assertThat(outcome.errorCode()).isEqualTo(131006);
        assertThat(outcome.details()).isEqualTo("unknown contact");
    }

    @Test
    void shouldReadTheWamidOfEveryPublishedSendResponse() {
        assertThat(ErrorClassifier.classify(200, Samples.bytes("send-response.json")).wamid())
                .isEqualTo("wamid.gBGGSFcCNEOPAgkO_KJ55r4w_ww");
        assertThat(ErrorClassifier.classify(200, Samples.bytes("send-response-nodejs-sdk.json")).wamid())
                .isEqualTo("wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA");
        SendOutcome withStatus = ErrorClassifier.classify(200, Samples.bytes("send-response-message-status.json"));
        assertThat(withStatus.errorClass()).isEqualTo(ErrorClass.ACCEPTED);
        assertThat(withStatus.wamid()).isEqualTo("wamid.HBgNNTUxMTk4Nzg2NjI5NRUCABEYEjUxOTBGNEU0RDA2MjdCMUVBOQA=");
    }

    @ParameterizedTest(name = "code {0} with HTTP {1} is {2}")
    @CsvSource({
            "130429, 429, THROTTLED", "131057, 400, NUMBER_PAUSED", "131056, 400, THROTTLED", "131048, 400, THROTTLED", "4, 400, THROTTLED",
            "80007, 400, THROTTLED",
            "1, 400, TEMPORARY", "2, 503, TEMPORARY", "131000, 500, TEMPORARY", "133004, 503, TEMPORARY",
            "131026, 400, TERMINAL", "131047, 400, TERMINAL", "131050, 400, TERMINAL", "131049, 400, TERMINAL",
            "100, 400, TERMINAL", "131008, 400, TERMINAL", "131009, 400, TERMINAL", "132000, 400, TERMINAL",
            "132001, 404, TERMINAL", "132012, 400, TERMINAL", "132015, 400, TERMINAL", "132018, 400, TERMINAL",
            "190, 401, SUSPEND", "368, 403, SUSPEND", "131031, 403, SUSPEND", "10, 403, SUSPEND", "200, 403, SUSPEND",
            "999999, 500, TEMPORARY", "999999, 400, TERMINAL"})
    void shouldClassifyByCode(int code, int http, ErrorClass expected) {
        String body = "{\"error\":{\"message\":\"(#" + code + ") x\",\"type\":\"OAuthException\",\"code\":" + code
                + ",\"fbtrace_id\":\"A\"}}";
        assertThat(ErrorClassifier.classify(http, body.getBytes(StandardCharsets.UTF_8)).errorClass()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "HTTP {0} without a Graph body is {1}")
    @CsvSource({"500, TEMPORARY", "502, TEMPORARY", "503, TEMPORARY", "408, TEMPORARY", "429, THROTTLED",
            "401, SUSPEND", "403, SUSPEND", "400, TERMINAL", "404, TERMINAL"})
    void shouldFallBackOnTheHttpStatusWhenTheBodyHasNoCode(int http, ErrorClass expected) {
        byte[] html = "<html><body>Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        assertThat(ErrorClassifier.classify(http, html).errorClass()).isEqualTo(expected);
        assertThat(ErrorClassifier.classify(http, new byte[0]).errorClass()).isEqualTo(expected);
    }

    @Test
    void shouldTreatA2xxWithoutAWamidAsAcceptedAnyway() {
        SendOutcome outcome = ErrorClassifier.classify(200, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(outcome.errorClass()).isEqualTo(ErrorClass.ACCEPTED);
        assertThat(outcome.wamid()).isNull();
    }
}
