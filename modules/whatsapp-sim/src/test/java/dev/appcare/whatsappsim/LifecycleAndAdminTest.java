package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appcare.testkit.Await;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.appcare.whatsappsim.SimClient.gateChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LifecycleAndAdminTest {

    @Test
    void shouldListenOnAnEphemeralLoopbackPortAndAnswerHealth() {
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().start(); SimClient client = new SimClient(sim)) {
            assertThat(sim.port()).isPositive();
            assertThat(sim.baseUrl()).isEqualTo("http://127.0.0.1:" + sim.port());
            assertThat(sim.messagesUrl("123")).isEqualTo(sim.baseUrl() + "/v21.0/123/messages");
            assertThat(sim.isRunning()).isTrue();

            SimClient.Response health = client.get("/_sim/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("UP");
            assertThat(health.json().path("heldRequests").asInt()).isZero();
            assertThat(sim.heldRequests()).isZero();
            assertThat(client.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void shouldRunTwoSimulatorsSideBySide() {
        try (WhatsAppSimulator a = WhatsAppSimulator.builder().start();
             WhatsAppSimulator b = WhatsAppSimulator.builder().start()) {
            assertThat(a.port()).isNotEqualTo(b.port());
        }
    }

    @Test
    void shouldStopServingAndLeaveNoThreadsBehindAfterClose() throws Exception {
        Set<Long> before = liveThreadIds();
        WebhookReceiver receiver = new WebhookReceiver("s");
        WhatsAppSimulator sim = WhatsAppSimulator.builder().appSecret("s").webhookUrl(receiver.url())
                .latency(Duration.ofMillis(20)).start();
        int port = sim.port();
        try (SimClient client = new SimClient(sim)) {
            assertThat(client.send(gateChange("31612345678").toString()).status()).isEqualTo(200);
            receiver.await(1, Duration.ofSeconds(10));
            sim.faults().nextRequests(1, Fault.hang(Duration.ofMinutes(5)));
            var pending = client.sendAsync(gateChange("31612345679").toString());
            Await.until("the hanging request to be held", Duration.ofSeconds(10), () -> sim.heldRequests() == 1);
            assertThat(client.get("/_sim/health").json().path("heldRequests").asInt()).isEqualTo(1);

            sim.close();

            // the held request is answered (503) rather than left hanging
            assertThat(pending.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(503);
        }
        receiver.close();
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (probe) {
            assertThatThrownBy(() -> probe.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_sim/health"))
                    .build(), HttpResponse.BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
        }

        Await.value(() -> threadsStartedSince(before), Set::isEmpty, Duration.ofSeconds(5),
                "no threads left after close");
        sim.close(); // idempotent
    }

    /** Names of live threads not in {@code before}, except JDK-owned pools that live on their own. */
    private static Set<String> threadsStartedSince(Set<Long> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t.threadId()))
                .map(Thread::getName)
                .filter(n -> !n.startsWith("ForkJoinPool.commonPool") && !n.startsWith("Common-Cleaner")
                        && !n.startsWith("process reaper") && !n.startsWith("surefire")
                        && !n.startsWith("Attach Listener") && !n.startsWith("Keep-Alive"))
                .collect(Collectors.toSet());
    }

    private static Set<Long> liveThreadIds() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::threadId).collect(Collectors.toSet());
    }

    @Test
    void shouldNotRestartAfterClose() {
        WhatsAppSimulator sim = WhatsAppSimulator.builder().start();
        sim.close();
        assertThatThrownBy(sim::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldShowWhatEachTravellerReceivedOverHttp() {
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().start(); SimClient client = new SimClient(sim)) {
            client.send(gateChange("31611111111").toString());
            client.send(SimClient.boardingPass("31622222222").toString());
            client.send(gateChange("316").toString()); // refused: 100

            JsonNode anna = client.get("/_sim/messages?to=%2B31611111111").json();
            assertThat(anna.path("count").asInt()).isEqualTo(1);
            assertThat(anna.at("/messages/0/template").asText()).isEqualTo("gate_change");
            assertThat(anna.at("/messages/0/bodyParameters/2").asText()).isEqualTo("D7");
            assertThat(anna.at("/messages/0/text").asText()).contains("gate D7");

            JsonNode all = client.get("/_sim/messages").json();
            assertThat(all.path("count").asInt()).isEqualTo(2);
            JsonNode pass = client.get("/_sim/messages?template=boarding_pass").json();
            assertThat(pass.at("/messages/0/document/link").asText()).isEqualTo("https://example.com/passes/ABC123.pdf");

            String wamid = all.at("/messages/1/wamid").asText();
            assertThat(client.get("/_sim/messages?id=" + java.net.URLEncoder.encode(wamid, java.nio.charset.StandardCharsets.UTF_8))
                    .json().path("waId").asText()).isEqualTo("31622222222");
            assertThat(client.get("/_sim/messages?id=wamid.nope").status()).isEqualTo(404);

            JsonNode stats = client.get("/_sim/stats").json();
            assertThat(stats.path("accepted").asInt()).isEqualTo(2);
            assertThat(stats.path("rejected").asInt()).isEqualTo(1);
            assertThat(stats.at("/rejectionsByCode/100").asInt()).isEqualTo(1);

            JsonNode rejections = client.get("/_sim/rejections?code=100").json();
            assertThat(rejections.path("count").asInt()).isEqualTo(1);
            assertThat(rejections.at("/rejections/0/to").asText()).isEqualTo("316");

            assertThat(client.get("/_sim/templates").json().path("templates")).hasSize(11);
        }
    }

    @Test
    void shouldChangeSettingsAtRunTimeOverHttp() {
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().start(); SimClient client = new SimClient(sim)) {
            SimClient.Response r = client.put("/_sim/config",
                    "{\"throughputPerSecond\":1000,\"latencyMillis\":5,\"readProbability\":0.9,\"pairBurst\":2}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(sim.settings().limits().throughputPerSecond()).isEqualTo(1000);
            assertThat(sim.settings().answers().latency()).isEqualTo(Duration.ofMillis(5));
            assertThat(sim.settings().statuses().readProbability()).isEqualTo(0.9);
            assertThat(sim.settings().limits().pairBurst()).isEqualTo(2);
            assertThat(client.get("/_sim/config").json().path("throughputPerSecond").asInt()).isEqualTo(1000);

            assertThat(client.put("/_sim/config", "{\"port\":1}").status()).isEqualTo(400);
            assertThat(client.put("/_sim/config", "{\"readProbability\":2}").status()).isEqualTo(400);
            assertThat(sim.settings().statuses().readProbability()).isEqualTo(0.9);
        }
    }

    @Test
    void shouldForgetEverythingOnReset() {
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().start(); SimClient client = new SimClient(sim)) {
            client.send(gateChange("31612345678").toString());
            client.send(gateChange("31612345678").toString()); // 131056
            sim.faults().nextRequests(5, Fault.serverError());

            assertThat(client.post("/_sim/reset", "").status()).isEqualTo(200);

            assertThat(sim.accepted()).isEmpty();
            assertThat(sim.acceptedFor("31612345678")).isEmpty();
            assertThat(sim.rejectionCounts()).isEmpty();
            assertThat(sim.faults().active()).isEmpty();
            assertThat(client.send(gateChange("31612345678").toString()).status())
                    .as("pair-rate buckets are refilled too").isEqualTo(200);
        }
    }

    @Test
    void shouldKeepOnlyTheLatestMessagesButCountAll() {
        try (WhatsAppSimulator sim = WhatsAppSimulator.builder().maxRecordedMessages(3).start();
             SimClient client = new SimClient(sim)) {
            for (int i = 1; i <= 5; i++) {
                client.send(gateChange("3161000000" + i).toString());
            }
            assertThat(sim.accepted()).extracting(SentMessage::waId)
                    .containsExactly("31610000003", "31610000004", "31610000005");
            assertThat(sim.acceptedFor("31610000001")).isEmpty();
            assertThat(sim.acceptedCount()).isEqualTo(5);
        }
    }

    @Test
    void shouldRefuseInvalidSettings() {
        assertThatThrownBy(() -> WhatsAppSimulator.builder().throughputPerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WhatsAppSimulator.builder().readProbability(1.5).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WhatsAppSimulator.builder().webhookUrl("ftp://x").build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
