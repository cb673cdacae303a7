package dev.appcare.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SenderConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        m.put("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7");
        m.put("whatsapp.phone-number-id", "106540352242922");
        m.put("whatsapp.token", "secret-token");
        m.put("whatsapp.app-secret", "secret-app");
        m.put("whatsapp.verify-token", "secret-verify");
        return m;
    }

    @Test
    void shouldApplyTheDocumentedDefaults() {
        SenderConfig config = SenderConfig.from(AppConfig.of(minimal()));
        assertThat(config.ratePerSecond()).isEqualTo(80);
        assertThat(config.pairInterval()).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.maxInFlight()).isEqualTo(80);
        assertThat(config.maxBuffered()).isEqualTo(1000);
        assertThat(config.webhookHost()).isEqualTo("127.0.0.1");
        assertThat(config.webhookPath()).isEqualTo("/webhooks/whatsapp");
        assertThat(config.inDoubtResendAfter()).as("at-most-once by default").isNull();
        assertThat(config.topics()).isEqualTo(Topics.contract());
        assertThat(config.whatsappBaseUrl().toString()).isEqualTo("https://graph.facebook.com");
    }

    @Test
    void shouldReadHyphenatedKeysFromTheirEnvironmentVariables() {
        Map<String, String> file = minimal();
        file.remove("whatsapp.app-secret");
        file.remove("whatsapp.phone-number-id");
        AppConfig config = AppConfig.load(null, Map.of("APPCARE_WHATSAPP_APP_SECRET", "from-env",
                "APPCARE_WHATSAPP_PHONE_NUMBER_ID", "42", "APPCARE_SENDER_RATE_PER_SECOND", "250"), file);
        SenderConfig sender = SenderConfig.from(config);
        assertThat(sender.appSecret()).isEqualTo("from-env");
        assertThat(sender.phoneNumberId()).isEqualTo("42");
        assertThat(sender.ratePerSecond()).isEqualTo(250);
    }

    @Test
    void shouldRefuseARateAboveWhatsAppsHighestTierAndAMissingToken() {
        Map<String, String> tooFast = minimal();
        tooFast.put("sender.rate.per-second", "1001");
        assertThatThrownBy(() -> SenderConfig.from(AppConfig.of(tooFast))).hasMessageContaining("1..1000");
        Map<String, String> noToken = minimal();
        noToken.remove("whatsapp.token");
        assertThatThrownBy(() -> SenderConfig.from(AppConfig.of(noToken))).hasMessageContaining("whatsapp.token");
    }

    @Test
    void shouldNeverPrintSecrets() {
        String printed = SenderConfig.from(AppConfig.of(minimal())).toString();
        assertThat(printed).doesNotContain("secret-token", "secret-app", "secret-verify");
    }

    @Test
    void shouldOfferTheSenderCommandWithItsOptions() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new SenderCommand()).setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(cli.getCommandName()).isEqualTo("sender");
        assertThat(out.toString()).contains("--config", "--bootstrap-servers", "--rate", "--webhook-port",
                "--health-port").doesNotContain("--token");
    }
}
