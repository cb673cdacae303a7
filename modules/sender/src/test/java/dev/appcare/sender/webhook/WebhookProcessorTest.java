package dev.appcare.sender.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.DeliveryState;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.LedgerState;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.sender.Samples;
import dev.appcare.sender.state.LedgerEntries;
import dev.appcare.sender.state.SendLedger;
import dev.appcare.sender.state.StateFixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The published webhook samples, through the processor (Kafka replaced by a MockProducer here). */
class WebhookProcessorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StateFixtures state = new StateFixtures();
    private final List<String> events = new ArrayList<>();
    /** A minute after the published samples were sent (the STOP sample's timestamp is 1750091045). */
    private static final long NOW = Instant.ofEpochSecond(1750091045).plusSeconds(60).toEpochMilli();
    private final WebhookProcessor processor = new WebhookProcessor(state.ledger, state.preferences, state.writer, 1000,
            events::add, () -> NOW, java.time.Duration.ZERO);

    @org.junit.jupiter.api.AfterEach
    void closeState() {
        state.close();
    }

    private static JsonNode sample(String name) throws Exception {
        return JSON.readTree(Samples.bytes(name));
    }

    private static JsonNode withCallbackData(JsonNode webhook, String messageId) {
        JsonNode copy = webhook.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("entry").get(0).path("changes").get(0).path("value")
                .path("statuses").get(0)).put("biz_opaque_callback_data", messageId);
        return copy;
    }

    static TravellerPreference optedIn(String travellerKey, String phone) {
        return TravellerPreference.newBuilder().setTravellerKey(travellerKey).setPhoneE164(phone).setLocale("en")
                .setStatus(OptInStatus.OPTED_IN).setKinds(List.of(MessageKind.GATE_CHANGE))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(Instant.EPOCH).setChannel("booking-web")
                        .setTextVersion("v1").build())
                .setUpdatedAt(Instant.EPOCH).build();
    }

    @Test
    void shouldTurnEachPublishedStatusIntoOneStatusRecordForTheMessageId() throws Exception {
        String[][] samples = {{"webhook-status-sent.json", "SENT"}, {"webhook-status-delivered.json", "DELIVERED"},
                {"webhook-status-read.json", "READ"}, {"webhook-status-failed.json", "FAILED"},
                {"webhook-status-failed-131047.json", "FAILED"}};
        for (String[] s : samples) {
            processor.process(withCallbackData(sample(s[0]), "msg-" + s[0])).get();
        }
        List<DeliveryStatus> statuses = state.statuses();
        assertThat(statuses).extracting(DeliveryStatus::getStatus).extracting(Enum::name)
                .containsExactly("SENT", "DELIVERED", "READ", "FAILED", "FAILED");
        DeliveryStatus sent = statuses.get(0);
        assertThat(sent.getMessageId()).isEqualTo("msg-webhook-status-sent.json");
        assertThat(sent.getWamid()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=");
        assertThat(sent.getRecipient()).as("the phone number is not copied into the 30-day status history").isNull();
        assertThat(sent.getAt()).isEqualTo(Instant.ofEpochSecond(1750030073));
        assertThat(statuses.get(3).getErrorCode()).isEqualTo(131049);
        assertThat(statuses.get(4).getErrorCode()).isEqualTo(131047);
        assertThat(statuses.get(4).getErrorTitle()).isEqualTo("Re-engagement message");
    }

    @Test
    void shouldWriteOneRecordWhenTheSameWebhookIsDeliveredTwice() throws Exception {
        JsonNode webhook = withCallbackData(sample("webhook-status-delivered.json"), "msg-1");
        var first = processor.process(webhook).get();
        var second = processor.process(webhook).get();
        assertThat(first.statuses()).isEqualTo(1);
        assertThat(second.duplicates()).isEqualTo(1);
        assertThat(state.statuses()).hasSize(1);
    }

    @Test
    void shouldCorrelateAStatusWithoutCallbackDataThroughTheLedgersWamid() throws Exception {
        String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA";
        state.ledger.record(0, LedgerEntries.entry("msg-by-wamid", LedgerState.ACCEPTED, 1, wamid, Long.MAX_VALUE / 2)).get();
        processor.process(sample("webhook-status-delivered.json")).get();
        assertThat(state.statuses()).singleElement().satisfies(s -> {
            assertThat(s.getMessageId()).isEqualTo("msg-by-wamid");
            assertThat(s.getStatus()).isEqualTo(DeliveryState.DELIVERED);
        });
    }

    @Test
    void shouldSkipAStatusItCannotCorrelate() throws Exception {
        var result = processor.process(sample("webhook-status-read.json")).get();
        assertThat(result.uncorrelated()).isEqualTo(1);
        assertThat(state.statuses()).isEmpty();
    }

    @Test
    void shouldRecordAcceptanceWhenAStatusArrivesForAnIdStillAttempting() throws Exception {
        state.ledger.record(0, LedgerEntries.entry("in-doubt", LedgerState.ATTEMPTING, 1, null, Long.MAX_VALUE / 2)).get();
        processor.process(withCallbackData(sample("webhook-status-sent.json"), "in-doubt")).get();
        assertThat(state.ledgerEntry("in-doubt").getState()).isEqualTo(LedgerState.ACCEPTED);
        assertThat(state.ledgerEntry("in-doubt").getWamid()).startsWith("wamid.");
        assertThat(events).contains("status-proves-acceptance");
    }

    @Test
    void shouldOptOutEveryOptedInTravellerOfANumberThatRepliedUnsubscribe() throws Exception {
        state.preference(optedIn("ABC123/1", "+16505551234"));
        state.preference(optedIn("ABC123/2", "+16505551234"));
        state.preference(optedIn("XYZ999/1", "+31612345678"));
        var result = processor.process(sample("webhook-inbound-button-reply.json")).get();
        assertThat(result.optOuts()).isEqualTo(2);
        assertThat(state.preferenceWrites()).extracting(TravellerPreference::getTravellerKey)
                .containsExactlyInAnyOrder("ABC123/1", "ABC123/2");
        assertThat(state.preferenceWrites()).allSatisfy(p -> {
            assertThat(p.getStatus()).isEqualTo(OptInStatus.OPTED_OUT);
            assertThat(p.getOptOutSource()).isEqualTo("whatsapp-reply:unsubscribe");
            assertThat(p.getOptedOutAt()).isEqualTo(Instant.ofEpochSecond(1750091045));
            assertThat(p.getConsent().getChannel()).isEqualTo("booking-web"); // the evidence is kept
        });
        assertThat(state.preferences.get("ABC123/1").getStatus()).as("the view shows it at once").isEqualTo(OptInStatus.OPTED_OUT);
        assertThat(state.preferences.get("XYZ999/1").getStatus()).isEqualTo(OptInStatus.OPTED_IN);
    }

    @Test
    void shouldNotLetAReplayedStopOptOutATravellerWhoOptedInAgainSince() throws Exception {
        Instant stopSent = Instant.ofEpochSecond(1750091045);
        // ABC123/1 opted in again (fresh consent) after sending that STOP; ABC123/2 did not.
        state.preference(TravellerPreference.newBuilder(optedIn("ABC123/1", "+16505551234"))
                .setConsent(ConsentEvidence.newBuilder().setGivenAt(stopSent.plusSeconds(30)).setChannel("booking-web")
                        .setTextVersion("v1").build()).build());
        state.preference(optedIn("ABC123/2", "+16505551234"));
        var fresh = new WebhookProcessor(state.ledger, state.preferences, state.writer, 1000, events::add, () -> NOW,
                java.time.Duration.ZERO); // another instance, or this one after a restart: it has seen nothing

        var result = fresh.process(sample("webhook-inbound-button-reply.json")).get();

        assertThat(result.optOuts()).isEqualTo(1);
        assertThat(state.preferenceWrites()).extracting(TravellerPreference::getTravellerKey).containsExactly("ABC123/2");
        assertThat(state.preferences.get("ABC123/1").getStatus()).isEqualTo(OptInStatus.OPTED_IN);
        assertThat(events).contains("stop-before-consent");
    }

    @Test
    void shouldCountAndIgnoreAStopOlderThanTheWindow() throws Exception {
        state.preference(optedIn("ABC123/1", "+16505551234"));
        long twoDaysLater = Instant.ofEpochSecond(1750091045).plus(java.time.Duration.ofDays(2)).toEpochMilli();
        var late = new WebhookProcessor(state.ledger, state.preferences, state.writer, 1000, events::add, () -> twoDaysLater,
                java.time.Duration.ZERO, java.time.Duration.ofHours(24));

        var result = late.process(sample("webhook-inbound-button-reply.json")).get();

        assertThat(result.optOuts()).isZero();
        assertThat(state.preferenceWrites()).isEmpty();
        assertThat(events).contains("stop-stale").doesNotContain("stop");
    }

    @Test
    void shouldNotOptOutOnAnOrdinaryReply() throws Exception {
        state.preference(optedIn("K/1", "+16315551234"));
        var result = processor.process(sample("webhook-inbound-text.json")).get();
        assertThat(result.inbound()).isEqualTo(1);
        assertThat(result.optOuts()).isZero();
        assertThat(state.preferenceWrites()).isEmpty();
        assertThat(WebhookProcessor.replyText(sample("webhook-inbound-interactive-button-reply.json")
                .path("entry").get(0).path("changes").get(0).path("value").path("messages").get(0))).isEqualTo("title");
    }

    @Test
    void shouldPassAnOrdinaryReplyOnToCareKeyedByThePhoneOnce() throws Exception {
        JsonNode webhook = sample("webhook-inbound-text.json");
        processor.process(webhook).get();
        processor.process(webhook).get(); // Meta delivers at least once

        assertThat(state.careInbound()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("+16315551234");
            assertThat(r.value().getWamid()).isEqualTo("wamid.ABGGFlCGg0cvAgo-sJQh43L5Pe4W");
            assertThat(r.value().getFrom()).isEqualTo("+16315551234");
            assertThat(r.value().getType()).isEqualTo(dev.appcare.avro.InboundType.TEXT);
            assertThat(r.value().getText()).isEqualTo("Hello this is an answer");
            assertThat(r.value().getReceivedAt()).isEqualTo(Instant.ofEpochSecond(1603059201));
            assertThat(r.value().getProfileName()).isEqualTo("Kerry Fisher");
            assertThat(r.value().getPhoneNumberId()).isEqualTo("27681414235104944");
            assertThat(r.value().getMedia()).isNull();
        });
    }

    @Test
    void shouldPassAPhotoOnAsAMediaReferenceWithItsCaption() throws Exception {
        JsonNode webhook = sample("webhook-inbound-text.json").deepCopy();
        var message = (com.fasterxml.jackson.databind.node.ObjectNode) webhook.at("/entry/0/changes/0/value/messages/0");
        message.remove("text");
        message.put("type", "image");
        message.putObject("image").put("caption", "broken suitcase").put("mime_type", "image/jpeg")
                .put("sha256", "abc=").put("id", "1234567890");

        processor.process(webhook).get();

        assertThat(state.careInbound()).singleElement().satisfies(r -> {
            assertThat(r.value().getType()).isEqualTo(dev.appcare.avro.InboundType.IMAGE);
            assertThat(r.value().getText()).isEqualTo("broken suitcase");
            assertThat(r.value().getMedia().getId()).isEqualTo("1234567890");
            assertThat(r.value().getMedia().getMimeType()).isEqualTo("image/jpeg");
            assertThat(r.value().getMedia().getSha256()).isEqualTo("abc=");
        });
    }

    @Test
    void shouldNotPassAStopOnToCare() throws Exception {
        processor.process(sample("webhook-inbound-button-reply.json")).get();
        assertThat(state.careInbound()).isEmpty();
    }

    @Test
    void shouldForgetTheNumberOfAnErasedTraveller() {
        state.preference(optedIn("ABC123/1", "+16505551234"));
        assertThat(state.preferences.knowsPhone("+16505551234")).isTrue();
        state.erase("ABC123/1");
        assertThat(state.preferences.knowsPhone("+16505551234")).isFalse();
        assertThat(state.preferences.forPhone("+16505551234")).isEmpty();
        assertThat(state.preferences.get("ABC123/1")).isNull();
    }

    @Test
    void shouldMoveATravellerToTheirNewNumber() {
        state.preference(optedIn("ABC123/1", "+16505551234"));
        state.preference(optedIn("ABC123/1", "+31612345678"));
        assertThat(state.preferences.knowsPhone("+16505551234")).isFalse();
        assertThat(state.preferences.forPhone("+31612345678")).hasSize(1);
    }

    @Test
    void shouldCountAccountLevelErrors() throws Exception {
        processor.process(sample("webhook-errors-130429.json")).get();
        assertThat(events).contains("account-error");
        assertThat(state.statuses()).isEmpty();
    }
}
