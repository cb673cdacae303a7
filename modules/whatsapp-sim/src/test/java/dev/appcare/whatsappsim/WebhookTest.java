package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static dev.appcare.whatsappsim.SimClient.gateChange;
import static org.assertj.core.api.Assertions.assertThat;

class WebhookTest {

    static final String SECRET = "app-secret-for-tests";
    static final Duration WAIT = Duration.ofSeconds(10);

    WebhookReceiver receiver = new WebhookReceiver(SECRET);
    WhatsAppSimulator sim;
    SimClient client;

    private void start(Consumer<SimulatorBuilder> settings) {
        SimulatorBuilder b = WhatsAppSimulator.builder()
                .appSecret(SECRET)
                .webhookUrl(receiver.url())
                .statusDelay(Duration.ofMillis(5))
                .pairRate(1000, Duration.ofSeconds(1))
                .webhookRetries(5, Duration.ofMillis(20));
        settings.accept(b);
        sim = b.start();
        client = new SimClient(sim);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
        receiver.close();
    }

    @Test
    void shouldPostSignedSentDeliveredReadWebhooksInTheRealEnvelope() throws Exception {
        start(b -> b.readProbability(1.0));
        var body = gateChange("+31612345678");
        body.put("biz_opaque_callback_data", "KL1234/2026-11-23/AMS|gate_change|PNR1/1");

        SimClient.Response r = client.send(body.toString());
        List<WebhookReceiver.Received> hooks = receiver.await(3, WAIT);

        assertThat(hooks).extracting(h -> h.status().path("status").asText())
                .containsExactly("sent", "delivered", "read");
        for (WebhookReceiver.Received h : hooks) {
            assertThat(h.signatureHeader()).startsWith("sha256=");
            assertThat(h.signatureValid()).as("signature of " + h.body()).isTrue();
            JsonNode json = h.json();
            assertThat(json.path("object").asText()).isEqualTo("whatsapp_business_account");
            assertThat(json.at("/entry/0/id").asText()).isEqualTo("102290129340398");
            assertThat(json.at("/entry/0/changes/0/field").asText()).isEqualTo("messages");
            assertThat(h.value().path("messaging_product").asText()).isEqualTo("whatsapp");
            assertThat(h.value().at("/metadata/phone_number_id").asText()).isEqualTo(SimClient.PHONE_ID);
            assertThat(h.value().at("/metadata/display_phone_number").asText()).isNotBlank();
            JsonNode status = h.status();
            assertThat(status.path("id").asText()).isEqualTo(r.wamid());
            assertThat(status.path("recipient_id").asText()).isEqualTo("31612345678");
            assertThat(status.path("timestamp").isTextual()).isTrue();
            assertThat(Long.parseLong(status.path("timestamp").asText()))
                    .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
            assertThat(status.path("biz_opaque_callback_data").asText())
                    .isEqualTo("KL1234/2026-11-23/AMS|gate_change|PNR1/1");
        }
        assertThat(sim.awaitWebhooks(WAIT)).isTrue();
        assertThat(sim.stats().webhooks().delivered()).isEqualTo(3);
    }

    @Test
    void shouldSignWithTheConfiguredSecretOnly() throws Exception {
        start(b -> b.readProbability(0).deliveredProbability(0));
        client.send(gateChange("31612345678").toString());

        WebhookReceiver.Received sent = receiver.await(1, WAIT).get(0);

        assertThat(sent.signatureHeader())
                .isEqualTo(WebhookSigner.signatureHeader(SECRET, sent.rawBody()))
                .isNotEqualTo(WebhookSigner.signatureHeader("another-secret", sent.rawBody()));
    }

    @Test
    void shouldSendReadOnlySometimesWithTheConfiguredProbability() throws Exception {
        start(b -> b.readProbability(0.5).seed(7));
        for (int i = 0; i < 40; i++) {
            client.send(gateChange("3166" + String.format("%07d", i)).toString());
        }
        assertThat(sim.awaitWebhooks(WAIT)).isTrue();

        Map<String, Long> byStatus = receiver.received().stream()
                .collect(Collectors.groupingBy(h -> h.status().path("status").asText(), Collectors.counting()));
        assertThat(byStatus).containsEntry("sent", 40L).containsEntry("delivered", 40L);
        assertThat(byStatus.get("read")).isBetween(8L, 32L);
    }

    @Test
    void shouldDuplicateWebhooksWhenConfigured() throws Exception {
        start(b -> b.duplicateProbability(1.0).readProbability(0));
        SimClient.Response r = client.send(gateChange("31612345678").toString());

        List<WebhookReceiver.Received> hooks = receiver.await(4, WAIT);
        assertThat(sim.awaitWebhooks(WAIT)).isTrue();

        assertThat(hooks).extracting(h -> h.status().path("status").asText())
                .containsExactly("sent", "sent", "delivered", "delivered");
        assertThat(hooks.get(0).body()).isEqualTo(hooks.get(1).body());
        assertThat(hooks).allSatisfy(h -> assertThat(h.status().path("id").asText()).isEqualTo(r.wamid()));
        assertThat(sim.stats().webhooks().duplicates()).isEqualTo(2);
    }

    @Test
    void shouldPostStatusesOutOfOrderWhenConfigured() throws Exception {
        start(b -> b.reorderProbability(1.0).readProbability(1.0));
        client.send(gateChange("31612345678").toString());

        List<WebhookReceiver.Received> hooks = receiver.await(3, WAIT);

        List<String> order = hooks.stream().map(h -> h.status().path("status").asText()).toList();
        assertThat(order).containsExactlyInAnyOrder("sent", "delivered", "read").isNotEqualTo(List.of("sent", "delivered", "read"));
        // timestamps stay those of the events, not of the posts
        Map<String, Long> ts = hooks.stream().collect(Collectors.toMap(h -> h.status().path("status").asText(),
                h -> Long.parseLong(h.status().path("timestamp").asText())));
        assertThat(ts.get("sent")).isLessThanOrEqualTo(ts.get("delivered"));
    }

    @Test
    void shouldPlanTheSameWebhooksForTheSameSeed() {
        start(b -> b.readProbability(0.5).reorderProbability(0.5).duplicateProbability(0.3).seed(1234));
        Map<String, List<String>> first = runAndCollect();
        sim.reset();
        Map<String, List<String>> second = runAndCollect();

        assertThat(second).isEqualTo(first);
        assertThat(first.values()).anySatisfy(statuses -> assertThat(statuses).contains("read"))
                .anySatisfy(statuses -> assertThat(statuses).doesNotContain("read"));
    }

    /** Per recipient, the statuses in the order they were posted (one message each). */
    private Map<String, List<String>> runAndCollect() {
        int before = receiver.received().size();
        for (int i = 0; i < 10; i++) {
            client.send(gateChange("3167" + String.format("%07d", i)).toString());
        }
        assertThat(sim.awaitWebhooks(WAIT)).isTrue();
        return receiver.received().subList(before, receiver.received().size()).stream()
                .collect(Collectors.groupingBy(h -> h.status().path("recipient_id").asText(),
                        java.util.TreeMap::new,
                        Collectors.mapping(h -> h.status().path("status").asText(), Collectors.toList())));
    }

    @Test
    void shouldRetryAWebhookTheReceiverRefused() throws Exception {
        start(b -> b.readProbability(0).deliveredProbability(0));
        receiver.failFirst(2);

        client.send(gateChange("31612345678").toString());

        List<WebhookReceiver.Received> hooks = receiver.await(1, WAIT);
        assertThat(hooks.get(0).status().path("status").asText()).isEqualTo("sent");
        assertThat(receiver.posts()).isEqualTo(3);
        assertThat(sim.awaitWebhooks(WAIT)).isTrue();
        assertThat(sim.webhookDeliveries()).singleElement().satisfies(d -> {
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.delivered()).isTrue();
        });
        assertThat(sim.stats().webhooks().failedAttempts()).isEqualTo(2);
    }

    @Test
    void shouldGiveUpAfterTheLastAttempt() throws Exception {
        start(b -> b.readProbability(0).deliveredProbability(0).webhookRetries(2, Duration.ofMillis(10)));
        receiver.failFirst(10);

        client.send(gateChange("31612345678").toString());

        assertThat(sim.awaitWebhooks(WAIT)).isTrue();
        assertThat(receiver.posts()).isEqualTo(2);
        assertThat(sim.stats().webhooks().gaveUp()).isEqualTo(1);
    }

    @Test
    void shouldPostASignedInboundTextWebhook() throws Exception {
        start(b -> { });
        String wamid = sim.simulateInboundText("+31612345678", "STOP", "Anna de Vries", null);

        WebhookReceiver.Received inbound = receiver.await(1, WAIT).get(0);

        assertThat(inbound.signatureValid()).isTrue();
        JsonNode value = inbound.value();
        assertThat(inbound.json().path("object").asText()).isEqualTo("whatsapp_business_account");
        assertThat(value.at("/contacts/0/wa_id").asText()).isEqualTo("31612345678");
        assertThat(value.at("/contacts/0/profile/name").asText()).isEqualTo("Anna de Vries");
        JsonNode message = value.at("/messages/0");
        assertThat(message.path("from").asText()).isEqualTo("31612345678");
        assertThat(message.path("id").asText()).isEqualTo(wamid).startsWith("wamid.");
        assertThat(message.path("type").asText()).isEqualTo("text");
        assertThat(message.at("/text/body").asText()).isEqualTo("STOP");
        assertThat(message.path("timestamp").asText()).matches("[0-9]+");
        assertThat(value.has("statuses")).isFalse();
    }

    @Test
    void shouldPostInboundTextFromTheAdminEndpointUsingTheBusinessNumberThatWroteToTheUser() throws Exception {
        start(b -> b.deliveredProbability(0));
        client.send(gateChange("31612345678").toString());
        receiver.await(1, WAIT);

        SimClient.Response r = client.post("/_sim/inbound", "{\"from\":\"31612345678\",\"text\":\"afmelden\"}");

        assertThat(r.status()).isEqualTo(201);
        WebhookReceiver.Received inbound = receiver.await(1, h -> !h.isStatus(), WAIT).get(0);
        assertThat(inbound.value().at("/messages/0/text/body").asText()).isEqualTo("afmelden");
        assertThat(inbound.value().at("/metadata/phone_number_id").asText()).isEqualTo(SimClient.PHONE_ID);
        assertThat(sim.stats().inbound()).isEqualTo(1);
    }

    @Test
    void shouldPostAQuickReplyButtonWebhookWithContext() throws Exception {
        start(b -> b.deliveredProbability(0));
        String templateWamid = client.send(gateChange("31612345678").toString()).wamid();
        receiver.await(1, WAIT);

        sim.simulateButtonReply("31612345678", "Unsubscribe", "Unsubscribe", templateWamid);

        JsonNode message = receiver.await(1, h -> !h.isStatus(), WAIT).get(0).value().at("/messages/0");
        assertThat(message.path("type").asText()).isEqualTo("button");
        assertThat(message.at("/button/text").asText()).isEqualTo("Unsubscribe");
        assertThat(message.at("/context/id").asText()).isEqualTo(templateWamid);
    }

    @Test
    void shouldFailFreeFormTextOutsideTheServiceWindowAndDeliverItInside() throws Exception {
        start(b -> b.readProbability(0));
        String text = "{\"messaging_product\":\"whatsapp\",\"to\":\"31612345678\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}";

        SimClient.Response outside = client.send(text);
        assertThat(outside.status()).isEqualTo(200);
        JsonNode failed = receiver.await(1, WAIT).get(0).status();
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/errors/0/code").asInt()).isEqualTo(131047);

        sim.simulateInboundText("31612345678", "hello?");
        receiver.await(1, h -> !h.isStatus(), WAIT);
        SimClient.Response inside = client.send(text);
        List<WebhookReceiver.Received> statuses = receiver.await(1,
                h -> h.isStatus() && inside.wamid().equals(h.status().path("id").asText())
                        && "delivered".equals(h.status().path("status").asText()), WAIT);
        assertThat(statuses).isNotEmpty();
    }

    @Test
    void shouldPostInboundImageVideoAndDocumentWithMediaReferencesNotBytes() throws Exception {
        start(b -> { });
        var image = sim.simulateInboundMedia("+31612345678", WhatsAppSimulator.InboundMedia.IMAGE, "image/jpeg",
                "my suitcase arrived like this", null);
        var video = sim.simulateInboundMedia("+31612345678", WhatsAppSimulator.InboundMedia.VIDEO, "video/mp4", null, null);
        var document = sim.simulateInboundMedia("+31612345678", WhatsAppSimulator.InboundMedia.DOCUMENT,
                "application/pdf", null, "receipt.pdf");

        List<JsonNode> messages = receiver.await(3, WAIT).stream().map(h -> h.value().at("/messages/0")).toList();

        assertThat(messages).extracting(m -> m.path("type").asText()).containsExactlyInAnyOrder("image", "video", "document");
        JsonNode photo = messages.stream().filter(m -> m.path("id").asText().equals(image.wamid())).findFirst().orElseThrow();
        assertThat(photo.at("/image/id").asText()).isEqualTo(image.mediaId());
        assertThat(photo.at("/image/mime_type").asText()).isEqualTo("image/jpeg");
        assertThat(photo.at("/image/caption").asText()).isEqualTo("my suitcase arrived like this");
        assertThat(photo.at("/image/sha256").asText()).isNotBlank();
        JsonNode clip = messages.stream().filter(m -> m.path("id").asText().equals(video.wamid())).findFirst().orElseThrow();
        assertThat(clip.at("/video/id").asText()).isEqualTo(video.mediaId());
        assertThat(clip.at("/video/mime_type").asText()).isEqualTo("video/mp4");
        JsonNode pdf = messages.stream().filter(m -> m.path("id").asText().equals(document.wamid())).findFirst().orElseThrow();
        assertThat(pdf.at("/document/filename").asText()).isEqualTo("receipt.pdf");
        assertThat(pdf.at("/document/id").asText()).isEqualTo(document.mediaId());
        assertThat(java.util.Set.of(image.mediaId(), video.mediaId(), document.mediaId())).hasSize(3);
        assertThat(sim.stats().inbound()).isEqualTo(3);
    }

    @Test
    void shouldPostInboundMediaFromTheAdminEndpoint() throws Exception {
        start(b -> { });

        SimClient.Response r = client.post("/_sim/inbound",
                "{\"from\":\"31612345678\",\"media\":{\"type\":\"video\",\"mimeType\":\"video/mp4\",\"caption\":\"gate D7\"}}");

        assertThat(r.status()).isEqualTo(201);
        JsonNode message = receiver.await(1, WAIT).get(0).value().at("/messages/0");
        assertThat(message.path("type").asText()).isEqualTo("video");
        assertThat(message.at("/video/id").asText()).isEqualTo(r.json().path("mediaId").asText()).isNotBlank();
        assertThat(message.at("/video/caption").asText()).isEqualTo("gate D7");
    }

    @Test
    void shouldCloseTheServiceWindowTwentyFourHoursAfterTheUsersLastMessageOnItsClock() throws Exception {
        start(b -> b.readProbability(0));
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.now());
        sim.clock(new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public java.time.Instant instant() { return now.get(); }
        });
        String text = "{\"messaging_product\":\"whatsapp\",\"to\":\"31612345678\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}";
        sim.simulateInboundText("31612345678", "hello?");
        receiver.await(1, WAIT);

        now.set(now.get().plus(Duration.ofHours(23).plusMinutes(59)));
        SimClient.Response inside = client.send(text);
        now.set(now.get().plus(Duration.ofMinutes(2)));
        SimClient.Response outside = client.send(text);

        List<WebhookReceiver.Received> failed = receiver.await(1, h -> h.isStatus()
                && "failed".equals(h.status().path("status").asText()), WAIT);
        assertThat(failed).extracting(h -> h.status().path("id").asText()).containsExactly(outside.wamid());
        assertThat(failed.get(0).status().at("/errors/0/code").asInt()).isEqualTo(131047);
        assertThat(receiver.await(1, h -> h.isStatus() && inside.wamid().equals(h.status().path("id").asText())
                && "delivered".equals(h.status().path("status").asText()), WAIT)).isNotEmpty();
    }

    @Test
    void shouldPerformMetasVerificationHandshake() {
        start(b -> { });

        assertThat(sim.verifyWebhookSubscription("verify-me").verified()).isTrue();
        WhatsAppSimulator.VerificationResult wrong = sim.verifyWebhookSubscription("wrong");
        assertThat(wrong.verified()).isFalse();
        assertThat(wrong.httpStatus()).isEqualTo(403);
        assertThat(client.post("/_sim/webhook-verification", "{\"verifyToken\":\"verify-me\"}").json()
                .path("verified").asBoolean()).isTrue();
    }

    @Test
    void shouldSkipQueuedWebhooksWhenTheUrlIsRemoved() {
        start(b -> b.statusDelay(Duration.ofMillis(300)));
        client.send(gateChange("31612345678").toString());
        sim.webhookUrl(null);

        assertThat(sim.awaitWebhooks(WAIT)).isTrue();
        assertThat(receiver.posts()).isZero();
        assertThat(sim.stats().webhooks().skippedWithoutUrl()).isPositive();
    }

    @Test
    void shouldNotPostWithoutAWebhookUrl() {
        WhatsAppSimulator quiet = WhatsAppSimulator.builder().statusDelay(Duration.ofMillis(1)).start();
        try (quiet; SimClient c = new SimClient(quiet)) {
            assertThat(c.send(gateChange("31612345678").toString()).status()).isEqualTo(200);
            assertThat(quiet.awaitWebhooks(WAIT)).isTrue();
            assertThat(quiet.stats().webhooks().posted()).isZero();
            assertThat(quiet.webhookDeliveries()).isEmpty();
        }
    }
}
