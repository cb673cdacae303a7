package dev.appcare.sender.it;

import static dev.appcare.sender.it.SenderHarness.phone;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.Requests;
import dev.appcare.sender.SenderApp;
import dev.appcare.sender.webhook.SignatureVerifier;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.Fault;
import dev.appcare.whatsappsim.GraphErrors;
import dev.appcare.whatsappsim.SentMessage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The webhook endpoint, STOP replies and token/account suspensions, on a real broker and registry. */
@IntegrationTest
class SenderWebhookIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> post(SenderApp sender, byte[] body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sender.webhookPort() + "/webhooks/whatsapp"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null) {
            request.header(SignatureVerifier.HEADER, signature);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(SenderApp sender, String query) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sender.webhookPort() + "/webhooks/whatsapp?" + query))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> health(SenderApp sender) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sender.healthPort() + "/health"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] statusWebhook(String messageId, String wamid, String status) {
        return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":"
                + "{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":\"" + wamid + "\",\"status\":\"" + status
                + "\",\"timestamp\":\"1750030073\",\"recipient_id\":\"31612345678\",\"biz_opaque_callback_data\":\""
                + messageId + "\"}]},\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldRejectForgedOrMissingSignaturesAndProcessAValidWebhookOnceEvenIfDeliveredTwice(RealInfrastructure infra)
            throws Exception {
        try (SenderHarness h = new SenderHarness(infra, 1)) {
            SenderApp sender = h.startSender(Map.of("sender.webhook.max-body-bytes", "4096"));
            SignatureVerifier meta = new SignatureVerifier(SenderHarness.APP_SECRET);
            byte[] body = statusWebhook("webhook-1", "wamid.ONE", "delivered");

            assertThat(post(sender, body, null).statusCode()).as("missing signature").isEqualTo(401);
            assertThat(post(sender, body, new SignatureVerifier("forged-secret").sign(body)).statusCode())
                    .as("signed with another secret").isEqualTo(401);
            assertThat(post(sender, body, meta.sign(statusWebhook("webhook-1", "wamid.ONE", "read"))).statusCode())
                    .as("signature of another body").isEqualTo(401);
            assertThat(post(sender, body, "sha256=").statusCode()).as("empty digest").isEqualTo(401);

            assertThat(post(sender, body, meta.sign(body)).statusCode()).isEqualTo(200);
            assertThat(post(sender, body, meta.sign(body)).statusCode()).as("Meta delivers it again").isEqualTo(200);
            byte[] read = statusWebhook("webhook-1", "wamid.ONE", "read");
            assertThat(post(sender, read, meta.sign(read)).statusCode()).isEqualTo(200);

            List<DeliveryStatus> statuses = h.statuses();
            assertThat(statuses).extracting(DeliveryStatus::getStatus)
                    .containsExactly(DeliveryState.DELIVERED, DeliveryState.READ);
            assertThat(statuses).allMatch(s -> s.getMessageId().equals("webhook-1") && s.getWamid().equals("wamid.ONE"));

            byte[] large = new byte[5000];
            java.util.Arrays.fill(large, (byte) ' ');
            assertThat(post(sender, large, meta.sign(large)).statusCode()).as("too large").isEqualTo(413);
            HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + sender.webhookPort() + "/webhooks/whatsapp"))
                    .header(SignatureVerifier.HEADER, meta.sign(large))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(large))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).as("too large, chunked without Content-Length").isEqualTo(413);
            byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
            assertThat(post(sender, notJson, meta.sign(notJson)).statusCode()).isEqualTo(400);

            assertThat(get(sender, "hub.mode=subscribe&hub.verify_token=" + enc(SenderHarness.VERIFY_TOKEN)
                    + "&hub.challenge=1158201444").body()).isEqualTo("1158201444");
            assertThat(get(sender, "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1").statusCode()).isEqualTo(403);
            assertThat(get(sender, "hub.verify_token=" + enc(SenderHarness.VERIFY_TOKEN) + "&hub.challenge=1").statusCode())
                    .isEqualTo(403);
        }
    }

    private static byte[] inboundTextWebhook(String phone, String wamid, long epochSecond, String text) {
        return ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":"
                + "{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
                + "\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Anna\"},\"wa_id\":\""
                + phone.substring(1) + "\"}],\"messages\":[{\"from\":\"" + phone.substring(1) + "\",\"id\":\"" + wamid
                + "\",\"timestamp\":\"" + epochSecond + "\",\"type\":\"text\",\"text\":{\"body\":\"" + text
                + "\"}}]},\"field\":\"messages\"}]}]}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Delivers {@code body} as Meta does: again after a non-200 answer (a 500 says the records are not
     * written yet), until it is answered 200.
     */
    private static void deliver(SenderApp sender, byte[] body, SignatureVerifier meta) {
        SenderHarness.await("webhook answered 200", Duration.ofSeconds(120), () -> {
            try {
                return post(sender, body, meta.sign(body)).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void shouldApplyAWebhookEventOnceAcrossTwoInstancesAndARestart(RealInfrastructure infra) throws Exception {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            String anna = phone(7400);
            h.optIn("DEDUP1/1", anna);
            h.flush();
            SenderApp a = h.startSender(Map.of());
            SenderApp b = h.startSender(Map.of());
            SignatureVerifier meta = new SignatureVerifier(SenderHarness.APP_SECRET);
            long now = Instant.now().getEpochSecond(); // the STOP is fresh, sent in the second of the opt-in or later
            List<byte[]> events = List.of(
                    statusWebhook("dedup-1", "wamid.DEDUP1", "delivered"),
                    inboundTextWebhook(anna, "wamid.HBgLMzE2MTI3NDAwMDAVAgASGBQSTOP", now, "STOP"),
                    inboundTextWebhook(anna, "wamid.HBgLMzE2MTI3NDAwMDAVAgASGBQCARE", now, "Is my flight on time?"));

            for (byte[] event : events) { // Meta retries; the load balancer sends the retry to the other instance
                deliver(a, event, meta);
                deliver(b, event, meta);
            }
            a.close(); // a restart of one of them: the new instance knows the events from the topic
            SenderApp restarted = h.startSender(Map.of());
            for (byte[] event : events) {
                deliver(restarted, event, meta);
                deliver(b, event, meta);
            }

            // Each answer came after its records were acknowledged: what is on the topics now is final.
            assertThat(h.statuses()).extracting(DeliveryStatus::getMessageId, DeliveryStatus::getStatus)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("dedup-1", DeliveryState.DELIVERED));
            assertThat(h.preferenceRecords()).filteredOn(p -> p.getStatus() == OptInStatus.OPTED_OUT)
                    .singleElement().satisfies(p -> {
                        assertThat(p.getTravellerKey()).isEqualTo("DEDUP1/1");
                        assertThat(p.getOptOutSource()).isEqualTo("whatsapp-reply:stop");
                    });
            assertThat(h.preferenceRecords()).hasSize(2); // the opt-in and one opt-out
            assertThat(h.careInbound()).singleElement().satisfies(m -> {
                assertThat(m.getWamid()).isEqualTo("wamid.HBgLMzE2MTI3NDAwMDAVAgASGBQCARE");
                assertThat(m.getText()).isEqualTo("Is my flight on time?");
            });
            // The dedup topic itself holds no phone number, in keys or values.
            List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> claims = h.records(h.topics.name(Topics.WEBHOOK_EVENTS));
            assertThat(claims).isNotEmpty().allSatisfy(r -> {
                assertThat(r.key()).matches("[0-9a-f]{64}");
                assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).doesNotContain("31610007400")
                        .doesNotContain("HBgL");
            });
            double duplicates = b.meterRegistry().find("appcare.sender.webhook").tag("event", "status-duplicate")
                    .counter().count() + restarted.meterRegistry().find("appcare.sender.webhook")
                    .tag("event", "status-duplicate").counter().count();
            assertThat(duplicates).as("the status delivered again to b twice and to the restarted one")
                    .isGreaterThanOrEqualTo(3.0); // more if a first answer was a 500 that Meta's retry met DONE
        }
    }

    @Test
    void shouldRecordEachSimulatorStatusOnceThoughWebhooksComeTwiceAndOutOfOrder(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(100).deliveredProbability(1.0).readProbability(1.0)
                    .duplicateProbability(1.0).reorderProbability(0.5));
            List<WhatsAppRequest> requests = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                h.optIn("hooks/" + i, phone(6000 + i));
                requests.add(Requests.gateChange("hooks-" + i, phone(6000 + i), "hooks/" + i).build());
            }
            h.requests(requests);
            h.startSender(Map.of());
            assertThat(h.sim.verifyWebhookSubscription(SenderHarness.VERIFY_TOKEN).verified())
                    .as("Meta's subscription handshake").isTrue();
            assertThat(h.sim.verifyWebhookSubscription("not-the-token").verified()).isFalse();
            SenderHarness.await("sent, delivered and read for every message", Duration.ofSeconds(60), () ->
                    h.statuses().stream().filter(s -> s.getStatus() == DeliveryState.READ).count() >= requests.size());
            SenderHarness.await("the simulator's duplicates delivered", Duration.ofSeconds(30),
                    () -> h.sim.awaitWebhooks(Duration.ofMillis(100)));

            Map<String, Long> perIdAndState = h.statuses().stream()
                    .collect(Collectors.groupingBy(s -> s.getMessageId() + " " + s.getStatus(), Collectors.counting()));
            System.out.printf("Webhook deliveries by the simulator: %d; status records: %d%n",
                    h.sim.webhookDeliveries().size(), perIdAndState.values().stream().mapToLong(Long::longValue).sum());
            assertThat(perIdAndState).hasSize(requests.size() * 4); // ACCEPTED, SENT, DELIVERED, READ
            assertThat(perIdAndState.values()).containsOnly(1L);
        }
    }

    @Test
    void shouldStopLaterSendsAfterAStopReply(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(80));
            String anna = phone(7000);
            String bram = phone(7001);
            h.optIn("STOP01/1", anna);
            h.optIn("STOP01/2", anna); // two travellers on one number (a family booking)
            h.optIn("STOP02/1", bram);
            h.requests(List.of(Requests.gateChange("before-1", anna, "STOP01/1").build(),
                    Requests.gateChange("before-2", bram, "STOP02/1").build()));
            SenderApp sender = h.startSender(Map.of("sender.pair-interval", "PT0.1S"));
            h.awaitDecisions(List.of("before-1", "before-2"), Duration.ofSeconds(30));

            h.sim.simulateInboundText(anna, "STOP");
            h.sim.simulateInboundText(bram, "Afmelden.");
            SenderHarness.await("opt-outs on the preference topic", Duration.ofSeconds(30), () ->
                    h.preferenceRecords().stream().filter(p -> p.getStatus() == OptInStatus.OPTED_OUT).count() == 3);
            h.requests(List.of(Requests.gateChange("after-1", anna, "STOP01/1").build(),
                    Requests.gateChange("after-2", anna, "STOP01/2").build(),
                    Requests.gateChange("after-3", bram, "STOP02/1").build()));
            Map<String, DeliveryStatus> decisions = h.awaitDecisions(List.of("after-1", "after-2", "after-3"),
                    Duration.ofSeconds(30));

            assertThat(List.of("after-1", "after-2", "after-3")).allSatisfy(id ->
                    assertThat(decisions.get(id).getStatus()).isEqualTo(DeliveryState.OPTED_OUT));
            assertThat(h.sim.acceptedFor(anna)).extracting(SentMessage::bizOpaqueCallbackData).containsExactly("before-1");
            assertThat(h.sim.acceptedFor(bram)).extracting(SentMessage::bizOpaqueCallbackData).containsExactly("before-2");
            Map<String, TravellerPreference> latest = new HashMap<>();
            h.preferenceRecords().forEach(p -> latest.put(p.getTravellerKey(), p));
            assertThat(latest.get("STOP01/1").getOptOutSource()).isEqualTo("whatsapp-reply:stop");
            assertThat(latest.get("STOP01/2").getOptOutSource()).isEqualTo("whatsapp-reply:stop");
            assertThat(latest.get("STOP02/1").getOptOutSource()).isEqualTo("whatsapp-reply:afmelden");
            assertThat(latest.values()).allMatch(p -> p.getOptedOutAt() != null);
            assertThat(sender.meterRegistry().find("appcare.sender.webhook").tag("event", "stop").counter().count())
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldForgetAnErasedTravellersNumberAndNotSendToThem(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(80));
            String phone = phone(7100);
            h.optIn("ERASE1/1", phone);
            h.send(h.topics.name(Topics.TRAVELLER_PREFERENCE), "ERASE1/1", null); // GDPR erasure: a tombstone
            h.flush();
            SenderApp sender = h.startSender(Map.of());
            h.requests(List.of(Requests.gateChange("to-erased", phone, "ERASE1/1").build()));
            DeliveryStatus decision = h.awaitDecisions(List.of("to-erased"), Duration.ofSeconds(30)).get("to-erased");
            assertThat(decision.getStatus()).isEqualTo(DeliveryState.OPTED_OUT);
            assertThat(decision.getErrorTitle()).contains("no WhatsApp preference");
            assertThat(h.sim.acceptedFor(phone)).isEmpty();

            // The number is gone too: a STOP from it finds nobody to opt out.
            h.sim.simulateInboundText(phone, "STOP");
            SenderHarness.await("the STOP processed", Duration.ofSeconds(30), () -> sender.meterRegistry()
                    .find("appcare.sender.webhook").tag("event", "stop-no-opted-in-traveller").counter() != null);
            assertThat(h.preferenceRecords()).noneMatch(p -> p.getStatus() == OptInStatus.OPTED_OUT);
        }
    }

    @Test
    void shouldPauseOnAnExpiredTokenReportUnhealthyAndResumeWhenTheTokenIsReplaced(RealInfrastructure infra,
                                                                                 @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(80));
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, "an-expired-token\n");
            List<WhatsAppRequest> requests = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                h.optIn("token/" + i, phone(7200 + i));
                requests.add(Requests.gateChange("token-" + i, phone(7200 + i), "token/" + i).build());
            }
            h.requests(requests);
            Map<String, String> settings = new HashMap<>();
            settings.put("whatsapp.token", "");
            settings.put("whatsapp.token-file", tokenFile.toString());
            settings.put("sender.suspend.first-probe", "PT1S");
            settings.put("sender.suspend.max-probe", "PT2S");
            SenderApp sender = h.startSender(settings);

            SenderHarness.await("suspended", Duration.ofSeconds(30), () -> !sender.isHealthy());
            HttpResponse<String> down = health(sender);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("190");
            // Calls already in flight when the first 190 came back are refused too: count from when they are back.
            SenderHarness.await("the calls in flight at the pause back", Duration.ofSeconds(10), () -> sender.meterRegistry()
                    .get("appcare.sender.in.flight").gauge().value() == 0);
            long refusedBefore = h.sim.rejectionCount(GraphErrors.ACCESS_TOKEN);
            Thread.sleep(3_000);
            long refusedWhilePaused = h.sim.rejectionCount(GraphErrors.ACCESS_TOKEN) - refusedBefore;
            System.out.printf("Expired token: %d calls refused before the pause took hold, %d probes in 3 s paused%n",
                    refusedBefore, refusedWhilePaused);
            assertThat(h.sim.acceptedCount()).isZero();
            assertThat(refusedWhilePaused).as("paused: only probes (1 s, then every 2 s)").isBetween(1L, 4L);

            Files.writeString(tokenFile, SenderHarness.TOKEN + "\n"); // operations rotate the secret
            Map<String, DeliveryStatus> decisions = h.awaitDecisions(
                    requests.stream().map(WhatsAppRequest::getMessageId).toList(), Duration.ofSeconds(60));

            assertThat(decisions.values()).extracting(DeliveryStatus::getStatus).containsOnly(DeliveryState.ACCEPTED);
            assertThat(h.sim.acceptedCount()).isEqualTo(requests.size());
            SenderHarness.await("healthy again", Duration.ofSeconds(10), sender::isHealthy);
            assertThat(health(sender).statusCode()).isEqualTo(200);
            assertThat(h.deadLetters()).isEmpty();
        }
    }

    @Test
    void shouldPauseOnABlockedAccountAndResumeWhenAProbeSucceeds(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 3)) {
            h.startSimulator(b -> b.throughputPerSecond(80));
            List<WhatsAppRequest> requests = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                h.optIn("blocked/" + i, phone(7300 + i));
                requests.add(Requests.gateChange("blocked-" + i, phone(7300 + i), "blocked/" + i).build());
            }
            h.sim.faults().nextRequests(3, Fault.blockedAccount());
            h.requests(requests);
            long started = System.currentTimeMillis();
            SenderApp sender = h.startSender(Map.of("sender.suspend.first-probe", "PT1S", "sender.suspend.max-probe", "PT1S"));

            Map<String, DeliveryStatus> decisions = h.awaitDecisions(
                    requests.stream().map(WhatsAppRequest::getMessageId).toList(), Duration.ofSeconds(60));

            assertThat(decisions.values()).extracting(DeliveryStatus::getStatus).containsOnly(DeliveryState.ACCEPTED);
            assertThat(h.sim.acceptedCount()).isEqualTo(requests.size());
            assertThat(h.sim.rejectionCount(GraphErrors.ACCOUNT_BLOCKED)).isEqualTo(3);
            assertThat(System.currentTimeMillis() - started).as("waited for probes").isGreaterThan(1_500);
            assertThat(sender.isHealthy()).isTrue();
            System.out.println("Blocked account: paused, probed, resumed; all " + requests.size() + " delivered by "
                    + Instant.now());
        }
    }
}
