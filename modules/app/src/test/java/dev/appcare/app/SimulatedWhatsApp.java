package dev.appcare.app;

import dev.appcare.whatsappsim.SimulatorBuilder;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * WhatsApp for the cross-role tests: a simulator with the tests' credentials and business number, and the
 * sender's settings to send through it and take its webhooks, written once so every test wires the sender
 * to the simulator the same way.
 */
final class SimulatedWhatsApp {
    static final String TOKEN = "t0ken";
    static final String APP_SECRET = "s3cret";
    static final String PHONE_NUMBER_ID = "1001";
    static final String WEBHOOK_PATH = "/webhook";

    private SimulatedWhatsApp() {
    }

    /** A simulator with the tests' token, app secret and number, pacing each pair as WhatsApp does (45 in 6 s). */
    static SimulatorBuilder builder() {
        return WhatsAppSimulator.builder().accessToken(TOKEN).appSecret(APP_SECRET).phoneNumberIds(PHONE_NUMBER_ID)
                .pairRate(45, Duration.ofSeconds(6));
    }

    /** Where a sender whose webhook listens on {@code port} takes the simulator's webhooks. */
    static URI webhookUrl(int port) {
        return URI.create("http://127.0.0.1:" + port + WEBHOOK_PATH);
    }

    /**
     * The sender's own settings to send through {@code whatsapp} in consumer group {@code group}, its webhook on
     * {@code webhookPort} (0: the system's choice, then tell the simulator {@link #webhookUrl}) and its health
     * endpoint on a port of the system's choice.
     */
    static Map<String, String> sender(WhatsAppSimulator whatsapp, String group, int webhookPort) {
        return Map.of("whatsapp.base-url", whatsapp.baseUrl(), "whatsapp.token", TOKEN,
                "whatsapp.app-secret", APP_SECRET, "whatsapp.verify-token", "v",
                "whatsapp.phone-number-id", PHONE_NUMBER_ID, "sender.group-id", group,
                "sender.webhook.port", String.valueOf(webhookPort), "sender.webhook.path", WEBHOOK_PATH,
                "sender.health.port", "0");
    }
}
