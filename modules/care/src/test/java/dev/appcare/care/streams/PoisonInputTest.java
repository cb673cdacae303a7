package dev.appcare.care.streams;

import static dev.appcare.care.streams.CareDriver.AMSTERDAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.InboundType;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 6 for care: a 1 MB field and a year-9999 time on each input topic. Care's own inputs are
 * dead-lettered once, with the reason and without the value (phone-keyed topics hold personal data, and the
 * dead letter must stay writable); the flight and booking tables are skipped where care reads them. The
 * other travellers are answered exactly as before.
 */
class PoisonInputTest {
    private static final Instant TUESDAY_10_00 = LocalDateTime.parse("2026-11-24T10:00").atZone(AMSTERDAM).toInstant();
    private static final Instant YEAR_9999 = Instant.parse("9999-01-01T00:00:00Z");
    private static final String MEGABYTE = "x".repeat(1024 * 1024);
    private static final String GOOD = "+31612345678";
    private static final String POISONED = "+31687654321";
    private static final String FLIGHT = "KL1001/2026-11-24/AMS";
    private static final String HUGE_GATE_FLIGHT = "KL1003/2026-11-24/AMS";
    private static final String FAR_FLIGHT = "KL1005/2026-11-24/AMS";

    @Test
    void shouldDeadLetterA1MbFieldAndAYear9999TimeOnEachInputAndAnswerTheOthers() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00.minus(Duration.ofHours(2)))) {
            Instant departure = LocalDateTime.parse("2026-11-24T14:05").atZone(AMSTERDAM).toInstant();
            care.booked("ABC123/1", FLIGHT);
            care.booked("ABC123/1", HUGE_GATE_FLIGHT);
            care.booked("ABC123/1", FAR_FLIGHT);
            care.flight(FLIGHT, FlightStatus.DELAYED, departure, departure.plus(Duration.ofMinutes(45)), "D7");
            care.flight(HUGE_GATE_FLIGHT, FlightStatus.SCHEDULED, departure, null, MEGABYTE);
            care.flight(FAR_FLIGHT, FlightStatus.DELAYED, departure, YEAR_9999, "D9");
            care.sent(GOOD, "ABC123/1", FLIGHT, "en_US", MessageKind.GATE_CHANGE, "gate_change");
            care.sent(request("m-huge").setText(MEGABYTE).build());
            care.sent(request("m-far").setCreatedAt(YEAR_9999).build());
            care.clock.set(TUESDAY_10_00);

            care.inbound(inbound("wamid.huge").setText(MEGABYTE).build());
            care.inbound(inbound("wamid.far").setReceivedAt(YEAR_9999).build());
            care.agentReply(reply("reply-huge").setText(MEGABYTE).build());
            care.agentReply(reply("reply-far").setWrittenAt(YEAR_9999).build());
            care.text(GOOD, "I need to change the name on my ticket");

            List<DeadLetter> letters = care.deadLetters();
            assertThat(letters).extracting(d -> d.getSourceTopic() + " " + d.getErrorType() + ": " + d.getReason())
                    .containsExactly(
                            "notify.whatsapp-request.v1 REQUEST_TOO_LARGE: text body has 1048576 characters; at most 4096",
                            "notify.whatsapp-request.v1 IMPLAUSIBLE_TIME: createdAt 9999-01-01T00:00:00Z is in the future",
                            "care.inbound.v1 FIELD_TOO_LONG: text is 1048576 characters long (at most 4096)",
                            "care.inbound.v1 IMPLAUSIBLE_TIME: receivedAt 9999-01-01T00:00:00Z is more than 60 minutes ahead of now",
                            "care.agent-reply.v1 FIELD_TOO_LONG: text is 1048576 characters long (at most 4096)",
                            "care.agent-reply.v1 IMPLAUSIBLE_TIME: writtenAt 9999-01-01T00:00:00Z is more than 60 minutes ahead of now");
            assertThat(letters).allSatisfy(d -> {
                assertThat(d.getStage()).isEqualTo("care");
                assertThat(d.getOriginalValue()).as("personal data, and a 1 MB copy would not be writable").isNull();
            });
            assertThat(care.config.metrics().count("dead-letter-inbound")).isEqualTo(2);
            assertThat(care.config.metrics().count("dead-letter-agent-reply")).isEqualTo(2);
            assertThat(care.config.metrics().count("dead-letter-whatsapp-request")).isEqualTo(2);

            assertThat(care.careRequests()).as("only the good traveller's acknowledgement").singleElement()
                    .satisfies(ack -> assertThat(ack.getRecipient()).isEqualTo(GOOD));
            CareHandoff handoff = care.handoffs().get(0);
            assertThat(handoff.getPhone()).isEqualTo(GOOD);
            assertThat(handoff.getFlights()).extracting(f -> f.getFlightKey() + " " + f.getStatus() + " " + f.getGate()
                            + " " + f.getEstimatedDeparture())
                    .containsExactlyInAnyOrder(
                            FLIGHT + " DELAYED D7 " + departure.plus(Duration.ofMinutes(45)),
                            HUGE_GATE_FLIGHT + " null null null",
                            FAR_FLIGHT + " null null null");
            assertThat(care.config.metrics().count("flight-skipped-field_too_long")).isPositive();
            assertThat(care.config.metrics().count("flight-skipped-implausible_time")).isPositive();
        }
    }

    @Test
    void shouldDeadLetterANumberThatIsNotE164AsTheOtherRolesWouldAndAnswerTheOthers() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00)) {
            // Each starts with "+", which is all care checked before: the rule is model's (InputRules.isE164).
            List<String> notE164 = List.of("+0612345678", "+31 6 1234 5678", "+316", "+31612345678x");
            for (String phone : notE164) {
                care.inbound(inbound("wamid." + phone).setFrom(phone).build());
                care.agentReply(reply("reply." + phone).setPhone(phone).build());
            }
            care.text(GOOD, "I need to change the name on my ticket");

            assertThat(care.deadLetters()).extracting(d -> d.getSourceTopic() + " " + d.getErrorType())
                    .containsExactly(
                            "care.inbound.v1 BAD_PHONE", "care.agent-reply.v1 BAD_REPLY",
                            "care.inbound.v1 BAD_PHONE", "care.agent-reply.v1 BAD_REPLY",
                            "care.inbound.v1 BAD_PHONE", "care.agent-reply.v1 BAD_REPLY",
                            "care.inbound.v1 BAD_PHONE", "care.agent-reply.v1 BAD_REPLY");
            assertThat(care.careRequests()).as("only the good traveller's acknowledgement").singleElement()
                    .satisfies(ack -> assertThat(ack.getRecipient()).isEqualTo(GOOD));
        }
    }

    private static WhatsAppRequest.Builder request(String messageId) {
        Instant now = TUESDAY_10_00.minus(Duration.ofHours(2));
        return WhatsAppRequest.newBuilder().setMessageId(messageId).setKind(MessageKind.GATE_CHANGE).setRecipient(POISONED)
                .setTemplateName("gate_change").setLanguage("en").setParameters(List.of()).setPriority(Priority.NORMAL)
                .setCreatedAt(now).setExpiresAt(now.plus(Duration.ofHours(3)))
                .setCorrelation(Correlation.newBuilder().setTravellerKey("XYZ999/1").setFlightKey(FLIGHT).build());
    }

    private static CareInboundMessage.Builder inbound(String wamid) {
        return CareInboundMessage.newBuilder().setWamid(wamid).setFrom(POISONED).setReceivedAt(TUESDAY_10_00)
                .setType(InboundType.TEXT).setText("Where is my gate?");
    }

    private static CareAgentReply.Builder reply(String replyId) {
        return CareAgentReply.newBuilder().setReplyId(replyId).setPhone(POISONED).setAgentId("desk-7")
                .setText("Gate D7.").setWrittenAt(TUESDAY_10_00).setCloseConversation(false);
    }
}
