package dev.appcare.care.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.InboundType;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.rules.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CareInputLimitsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T09:00:00Z");
    private static final Instant YEAR_9999 = Instant.parse("9999-01-01T00:00:00Z");

    private static CareInboundMessage.Builder inbound() {
        return CareInboundMessage.newBuilder().setWamid("wamid.1").setFrom("+31612345678").setReceivedAt(NOW)
                .setType(InboundType.TEXT).setText("Where is my gate?");
    }

    private static CareAgentReply.Builder reply() {
        return CareAgentReply.newBuilder().setReplyId("r-1").setPhone("+31612345678").setAgentId("desk-7").setText("D7")
                .setWrittenAt(NOW).setCloseConversation(false);
    }

    private static WhatsAppRequest.Builder request() {
        return WhatsAppRequest.newBuilder().setMessageId("m-1").setKind(MessageKind.GATE_CHANGE).setRecipient("+31612345678")
                .setTemplateName("gate_change").setLanguage("en").setParameters(List.of()).setPriority(Priority.NORMAL)
                .setCreatedAt(NOW).setExpiresAt(NOW.plus(Duration.ofHours(3)))
                .setCorrelation(Correlation.newBuilder().setTravellerKey("ABC123/1").setFlightKey("KL1001/2026-11-24/AMS").build());
    }

    private static String inbound(CareInboundMessage.Builder message) {
        return CareInputLimits.inbound(message.build(), NOW).map(CareInputLimitsTest::text).orElse(null);
    }

    private static String reply(CareAgentReply.Builder reply) {
        return CareInputLimits.agentReply(reply.build(), NOW).map(CareInputLimitsTest::text).orElse(null);
    }

    private static String request(WhatsAppRequest.Builder request) {
        return CareInputLimits.sentRequest(request.build(), NOW).map(CareInputLimitsTest::text).orElse(null);
    }

    private static String text(Rejection rejection) {
        return rejection.errorType() + ": " + rejection.reason();
    }

    @Test
    void shouldRefuseATravellersMessageThatIsNoWhatsAppMessage() {
        assertThat(inbound(inbound())).isNull();
        assertThat(inbound(inbound().setText(null))).as("a button or a photo has no text").isNull();
        assertThat(inbound(inbound().setText("t".repeat(4096)))).isNull();
        assertThat(inbound(inbound().setText("t".repeat(4097)))).isEqualTo("FIELD_TOO_LONG: text is 4097 characters long (at most 4096)");
        assertThat(inbound(inbound().setProfileName("p".repeat(1025))))
                .isEqualTo("FIELD_TOO_LONG: profileName is 1025 characters long (at most 1024)");
        assertThat(inbound(inbound().setReceivedAt(NOW.plus(Duration.ofMinutes(60))))).as("clock skew").isNull();
        assertThat(inbound(inbound().setReceivedAt(YEAR_9999)))
                .isEqualTo("IMPLAUSIBLE_TIME: receivedAt 9999-01-01T00:00:00Z is more than 60 minutes ahead of now");
        assertThat(inbound(inbound().setReceivedAt(NOW.minus(Duration.ofDays(30))))).as("a replay: answered without text").isNull();
    }

    @Test
    void shouldRefuseAnAgentReplyThatCouldNeverBeSent() {
        assertThat(reply(reply())).isNull();
        assertThat(reply(reply().setText("t".repeat(4096)))).isNull();
        assertThat(reply(reply().setText("t".repeat(4097)))).isEqualTo("FIELD_TOO_LONG: text is 4097 characters long (at most 4096)");
        assertThat(reply(reply().setAgentId("a".repeat(1025)))).isEqualTo("FIELD_TOO_LONG: agentId is 1025 characters long (at most 1024)");
        assertThat(reply(reply().setWrittenAt(YEAR_9999)))
                .isEqualTo("IMPLAUSIBLE_TIME: writtenAt 9999-01-01T00:00:00Z is more than 60 minutes ahead of now");
    }

    @Test
    void shouldRememberNothingTheSenderRefuses() {
        assertThat(request(request())).isNull();
        assertThat(request(request().setText("t".repeat(4096)))).isNull();
        assertThat(request(request().setText("t".repeat(4097)))).isEqualTo("REQUEST_TOO_LARGE: text body has 4097 characters; at most 4096");
        assertThat(request(request().setCreatedAt(YEAR_9999))).isEqualTo("IMPLAUSIBLE_TIME: createdAt 9999-01-01T00:00:00Z is in the future");
        assertThat(request(request().setExpiresAt(YEAR_9999)))
                .isEqualTo("IMPLAUSIBLE_TIME: expiresAt 9999-01-01T00:00:00Z is more than 30 days ahead");
        assertThat(request(request().setTemplateName("g".repeat(1025))))
                .isEqualTo("FIELD_TOO_LONG: templateName is 1025 characters long (at most 1024)");
        assertThat(request(request().setCorrelation(Correlation.newBuilder().setTravellerKey("k".repeat(1025)).build())))
                .isEqualTo("FIELD_TOO_LONG: correlation.travellerKey is 1025 characters long (at most 1024)");
    }
}
