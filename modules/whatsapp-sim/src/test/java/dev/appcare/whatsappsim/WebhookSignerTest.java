package dev.appcare.whatsappsim;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The published X-Hub-Signature-256 vectors of samples/signature-vector.txt (copied into test resources). */
class WebhookSignerTest {

    @Test
    void shouldMatchTheWhatsAppNodeSdkVector() {
        // Vector 1: WhatsApp-Nodejs-SDK utils.test.ts, secret TEST_APP_SECRET, body "test"
        assertThat(WebhookSigner.hmacSha256Hex("TEST_APP_SECRET", "test".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221");
        assertThat(WebhookSigner.signatureHeader("TEST_APP_SECRET", "test".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221");
    }

    @Test
    void shouldMatchTheGitHubDocsVector() {
        // Vector 2: same scheme, GitHub docs "Validating webhook deliveries"
        assertThat(WebhookSigner.signatureHeader("It's a Secret to Everybody",
                "Hello, World!".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void shouldMatchTheVectorOverMetasErrorsWebhookBody() throws IOException {
        // Vector 3: the one-line errors webhook (572 bytes, file without its trailing newline)
        byte[] file = resource("/samples/webhook-errors-130429.json");
        byte[] body = file[file.length - 1] == '\n' ? Arrays.copyOf(file, file.length - 1) : file;
        assertThat(body).hasSize(572);
        assertThat(WebhookSigner.signatureHeader("TEST_APP_SECRET", body))
                .isEqualTo("sha256=37aac6459e5c04239627dc19378814195a6825571754a0a9a155dc37c1462caf");
    }

    @Test
    void shouldMatchTheVectorOverTheInboundTextWebhookFileBytes() throws IOException {
        byte[] body = resource("/samples/webhook-inbound-text.json"); // 1378 bytes incl. final newline
        assertThat(body).hasSize(1378);
        assertThat(WebhookSigner.signatureHeader("TEST_APP_SECRET", body))
                .isEqualTo("sha256=fdd1d99e22a9ef39d9135ba723b2cb52cb0534076a360e56030422e915945e5d");
    }

    @Test
    void shouldAgreeWithTheVectorFileItself() throws IOException {
        String vectors = new String(resource("/samples/signature-vector.txt"), StandardCharsets.UTF_8);
        assertThat(vectors)
                .contains("0c61947b610d4f45e65f3d680e26027121ec2413e77598bcb6cfc6e0d9888221")
                .contains("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
                .contains("sha256=37aac6459e5c04239627dc19378814195a6825571754a0a9a155dc37c1462caf");
    }

    private byte[] resource(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
