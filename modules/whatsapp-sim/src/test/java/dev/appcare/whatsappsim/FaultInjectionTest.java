package dev.appcare.whatsappsim;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static dev.appcare.whatsappsim.SimClient.gateChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultInjectionTest {

    WebhookReceiver receiver;
    WhatsAppSimulator sim;
    SimClient client;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver("secret");
        sim = WhatsAppSimulator.builder()
                .appSecret("secret")
                .webhookUrl(receiver.url())
                .statusDelay(Duration.ofMillis(5))
                .readProbability(0)
                .pairRate(1000, Duration.ofSeconds(1))
                .start();
        client = new SimClient(sim);
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
        receiver.close();
    }

    private static String to(int i) {
        return "3165" + String.format("%07d", i);
    }

    @Test
    void shouldAnswerTheNextNRequestsWith5xxThenRecover() {
        sim.faults().nextRequests(2, Fault.serverError());

        SimClient.Response first = client.send(gateChange(to(1)).toString());
        SimClient.Response second = client.send(gateChange(to(2)).toString());
        SimClient.Response third = client.send(gateChange(to(3)).toString());

        assertThat(first.status()).isEqualTo(500);
        assertThat(first.errorCode()).isEqualTo(131000);
        assertThat(first.json().at("/error/message").asText()).isEqualTo("(#131000) Something went wrong");
        assertThat(second.status()).isEqualTo(500);
        assertThat(third.status()).isEqualTo(200);
        assertThat(sim.accepted()).extracting(SentMessage::waId).containsExactly(to(3));
        assertThat(sim.faults().active()).isEmpty();
        assertThat(sim.rejections()).hasSize(2).allSatisfy(r -> assertThat(r.injected()).isTrue());
    }

    @Test
    void shouldAnswerServiceUnavailableWithCode2() {
        sim.faults().nextRequests(1, Fault.serviceUnavailable());

        SimClient.Response r = client.send(gateChange(to(1)).toString());

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.errorCode()).isEqualTo(2);
    }

    @Test
    void shouldFailAFractionOfRequestsDeterministicallyWithASeed() {
        List<Integer> firstRun = runFraction();
        sim.reset(); // same seed again
        List<Integer> secondRun = runFraction();

        long failed = firstRun.stream().filter(s -> s == 503).count();
        assertThat(failed).isBetween(10L, 50L); // 30% of 100, loosely
        assertThat(secondRun).isEqualTo(firstRun);
    }

    private List<Integer> runFraction() {
        sim.faults().fractionOfRequests(0.3, Fault.error(2, 503));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            statuses.add(client.send(gateChange(to(i)).toString()).status());
        }
        sim.faults().clear();
        return statuses;
    }

    @Test
    void shouldFailOnlyTheChosenRecipient() {
        sim.faults().forRecipient("+31650000007", Fault.error(131026));

        SimClient.Response victim = client.send(gateChange(to(7)).toString());
        SimClient.Response other = client.send(gateChange(to(8)).toString());

        assertThat(victim.status()).isEqualTo(400);
        assertThat(victim.errorCode()).isEqualTo(131026);
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void shouldPutOneBusinessNumberInMaintenanceWith131057AndLeaveTheOthersAlone() {
        String upgrading = "106540352242999";
        sim.faults().forPhoneNumberId(upgrading, 2, Fault.error(GraphErrors.MAINTENANCE_MODE));
        try (SimClient other = new SimClient(sim, upgrading)) {
            SimClient.Response first = other.send(gateChange(to(1)).toString());
            SimClient.Response unaffected = client.send(gateChange(to(2)).toString());
            SimClient.Response second = other.send(gateChange(to(3)).toString());
            SimClient.Response upgraded = other.send(gateChange(to(4)).toString());

            assertThat(List.of(first.errorCode(), second.errorCode())).containsExactly(131057, 131057);
            assertThat(first.status()).isEqualTo(400);
            assertThat(first.json().at("/error/message").asText()).isEqualTo("(#131057) Account in maintenance mode");
            assertThat(unaffected.status()).isEqualTo(200);
            assertThat(upgraded.status()).isEqualTo(200);
            assertThat(sim.rejectionCount(131057)).isEqualTo(2);
        }
    }

    @Test
    void shouldSimulateAnExpiredTokenAndABlockedAccount() {
        sim.faults().nextRequests(1, Fault.expiredToken());
        sim.faults().nextRequests(1, Fault.blockedAccount());

        SimClient.Response expired = client.send(gateChange(to(1)).toString());
        SimClient.Response blocked = client.send(gateChange(to(2)).toString());

        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.errorCode()).isEqualTo(190);
        assertThat(expired.json().at("/error/error_subcode").asInt()).isEqualTo(463);
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.errorCode()).isEqualTo(368);
    }

    @Test
    void shouldHangPastTheSendersTimeoutAndSendNothing() {
        sim.faults().nextRequests(1, Fault.hang(Duration.ofSeconds(3)));

        var request = client.sendRequest(gateChange(to(1)).toString(), sim.settings().account().accessToken(),
                Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> client.http().sendAsync(request, HttpResponse.BodyHandlers.ofString()).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(HttpTimeoutException.class);

        assertThat(sim.accepted()).isEmpty();
        assertThat(client.send(gateChange(to(2)).toString()).status()).as("the next request is fine").isEqualTo(200);
    }

    @Test
    void shouldAcceptButAnswerLateWhenHangThenAccept() throws Exception {
        sim.faults().nextRequests(1, Fault.hangThenAccept(Duration.ofSeconds(3)));
        var body = gateChange(to(1));
        body.put("biz_opaque_callback_data", "req-1");

        var request = client.sendRequest(body.toString(), sim.settings().account().accessToken(), Duration.ofMillis(300)).build();
        assertThatThrownBy(() -> client.http().send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);

        assertThat(sim.acceptedFor(to(1))).hasSize(1);
        var webhooks = receiver.await(1, r -> r.isStatus(), Duration.ofSeconds(10));
        assertThat(webhooks.get(0).status().path("biz_opaque_callback_data").asText()).isEqualTo("req-1");
    }

    @Test
    void shouldAcceptThenReportAsynchronousFailureByWebhook() throws Exception {
        sim.faults().forRecipient(to(1), Fault.asyncFailure(131026));
        var body = gateChange(to(1));
        body.put("biz_opaque_callback_data", "req-9");

        SimClient.Response r = client.send(body.toString());

        assertThat(r.status()).isEqualTo(200);
        var failed = receiver.await(1, w -> "failed".equals(w.status().path("status").asText()), Duration.ofSeconds(10));
        var status = failed.get(0).status();
        assertThat(status.path("id").asText()).isEqualTo(r.wamid());
        assertThat(status.path("biz_opaque_callback_data").asText()).isEqualTo("req-9");
        assertThat(status.path("errors").path(0).path("code").asInt()).isEqualTo(131026);
        assertThat(status.path("errors").path(0).path("title").asText()).isNotBlank();
        assertThat(status.path("errors").path(0).path("error_data").path("details").asText()).isNotBlank();
        assertThat(sim.awaitWebhooks(Duration.ofSeconds(5))).isTrue();
        assertThat(receiver.received()).noneMatch(w -> "delivered".equals(w.status().path("status").asText()));
    }

    @Test
    void shouldInstallFaultsThroughTheAdminEndpoint() {
        SimClient.Response created = client.post("/_sim/faults",
                "{\"match\":\"next\",\"count\":1,\"action\":\"error\",\"code\":130429}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(client.get("/_sim/faults").json().path("faults")).hasSize(1);

        SimClient.Response throttled = client.send(gateChange(to(1)).toString());
        assertThat(throttled.errorCode()).isEqualTo(130429);
        assertThat(throttled.status()).isEqualTo(429);

        client.post("/_sim/faults", "{\"match\":\"always\",\"action\":\"error\",\"code\":1,\"httpStatus\":500}");
        assertThat(client.send(gateChange(to(2)).toString()).status()).isEqualTo(500);
        assertThat(client.execute(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(sim.baseUrl() + "/_sim/faults")).DELETE().build()).status()).isEqualTo(200);
        assertThat(client.send(gateChange(to(3)).toString()).status()).isEqualTo(200);

        assertThat(client.post("/_sim/faults", "{\"match\":\"sometimes\"}").status()).isEqualTo(400);
    }
}
