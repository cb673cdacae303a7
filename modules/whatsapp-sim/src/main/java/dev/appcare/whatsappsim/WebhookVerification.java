package dev.appcare.whatsappsim;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Meta's webhook subscription check: {@code GET <webhookUrl>?hub.mode=subscribe&hub.verify_token=<token>
 * &hub.challenge=<random>}; verified if the receiver answers 200 with exactly the challenge as body.
 */
final class WebhookVerification {

    private WebhookVerification() {
    }

    static WhatsAppSimulator.VerificationResult verify(URI url, String verifyToken, Duration timeout) {
        String challenge = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, Long.MAX_VALUE));
        String query = "hub.mode=subscribe&hub.verify_token=" + URLEncoder.encode(verifyToken, StandardCharsets.UTF_8)
                + "&hub.challenge=" + challenge;
        URI target = URI.create(url + (url.getRawQuery() == null ? "?" : "&") + query);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean ok = r.statusCode() == 200 && challenge.equals(r.body().trim());
            return new WhatsAppSimulator.VerificationResult(ok, r.statusCode(), challenge, r.body());
        } catch (IOException e) {
            return new WhatsAppSimulator.VerificationResult(false, 0, challenge, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WhatsAppSimulator.VerificationResult(false, 0, challenge, "interrupted");
        }
    }
}
