package dev.appcare.care.streams;

import static dev.appcare.care.streams.CareDriver.AMSTERDAM;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.ConversationState;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.InboundType;
import dev.appcare.avro.MediaReference;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.WhatsAppRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Care's topology end to end in the driver: what goes in, exactly what comes out. */
class CareTopologyTest {
    private static final String PHONE = "+31612345678";
    /** A Tuesday without holidays. */
    private static final Instant TUESDAY_23_00 = LocalDateTime.parse("2026-11-24T23:00").atZone(AMSTERDAM).toInstant();
    private static final Instant TUESDAY_10_00 = LocalDateTime.parse("2026-11-24T10:00").atZone(AMSTERDAM).toInstant();
    private static final String FLIGHT = "KL1001/2026-11-24/AMS";

    @Test
    void shouldAcknowledgeADutchQuestionAfterHoursWithTheFaqAnswerAndNoHandoff() {
        try (CareDriver care = new CareDriver(TUESDAY_23_00)) {
            String wamid = care.text(PHONE, "Hoeveel bagage mag ik meenemen?");

            List<WhatsAppRequest> replies = care.careRequests();
            assertThat(replies).hasSize(1);
            WhatsAppRequest ack = replies.get(0);
            assertThat(ack.getRecipient()).isEqualTo(PHONE);
            assertThat(ack.getLanguage()).isEqualTo("nl");
            assertThat(ack.getText()).isEqualTo("""
                    Bedankt voor je bericht. Onze medewerkers zijn bereikbaar ma–vr 08:00–22:00, za–zo 09:00–18:00 (Amsterdam tijd). We antwoorden vanaf woensdag 08:00.
                    Misschien helpt dit al:
                    • Economy: 1 ingecheckte koffer tot 23 kg en 1 stuk handbagage tot 12 kg. https://appcare.example/nl/bagage
                    Zo gaan we om met je gegevens: https://appcare.example/nl/privacy""");
            assertThat(ack.getCorrelation().getSourceEventId()).isEqualTo(wamid);
            assertThat(ack.getCorrelation().getTravellerKey()).as("an unknown number").isNull();
            assertThat(ack.getExpiresAt()).isEqualTo(TUESDAY_23_00.plus(Duration.ofHours(1)));
            assertThat(care.handoffs()).as("the FAQ answered it").isEmpty();
            assertThat(care.config.metrics().count("ack-after-hours")).isEqualTo(1);
            assertThat(care.config.metrics().count("faq-answered")).isEqualTo(1);
        }
    }

    @Test
    void shouldHandOffAt10WithTheTravellersFlightsAndWhatTheyWereSentThenDeliverTheAgentsText() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00.minus(Duration.ofHours(2)))) {
            Instant departure = LocalDateTime.parse("2026-11-24T14:05").atZone(AMSTERDAM).toInstant();
            care.booked("ABC123/1", FLIGHT);
            care.flight(FLIGHT, FlightStatus.DELAYED, departure, departure.plus(Duration.ofMinutes(45)), "D7");
            care.sent(PHONE, "ABC123/1", FLIGHT, "en_US", MessageKind.GATE_CHANGE, "gate_change");
            care.clock.set(TUESDAY_10_00);

            String wamid = care.text(PHONE, "I need to change the name on my ticket");

            WhatsAppRequest ack = care.careRequests().get(0);
            assertThat(ack.getLanguage()).as("the preference en_US, answered in en").isEqualTo("en");
            assertThat(ack.getCorrelation().getTravellerKey()).isEqualTo("ABC123/1");
            assertThat(ack.getText()).isEqualTo("""
                    Thanks for your message. An agent is available now and usually answers within 30 minutes.
                    Complex questions can take longer.
                    How we handle your data: https://appcare.example/en/privacy""");
            List<CareHandoff> handoffs = care.handoffs();
            assertThat(handoffs).hasSize(1);
            CareHandoff handoff = handoffs.get(0);
            assertThat(handoff.getPhone()).isEqualTo(PHONE);
            assertThat(handoff.getState()).isEqualTo(ConversationState.WAITING_ON_AGENT);
            assertThat(handoff.getReason()).isEqualTo("no-faq-match");
            assertThat(handoff.getAgentsAvailable()).isTrue();
            assertThat(handoff.getTravellerKeys()).containsExactly("ABC123/1");
            assertThat(handoff.getLanguage()).isEqualTo("en");
            assertThat(handoff.getLanguageSource()).isEqualTo("preference");
            assertThat(handoff.getOpenedAt()).isEqualTo(TUESDAY_10_00);
            assertThat(handoff.getFlights()).singleElement().satisfies(f -> {
                assertThat(f.getFlightKey()).isEqualTo(FLIGHT);
                assertThat(f.getStatus()).isEqualTo("DELAYED");
                assertThat(f.getGate()).isEqualTo("D7");
                assertThat(f.getScheduledDeparture()).isEqualTo(departure);
                assertThat(f.getEstimatedDeparture()).isEqualTo(departure.plus(Duration.ofMinutes(45)));
                assertThat(f.getDepartureTimeZone()).isEqualTo("Europe/Amsterdam");
            });
            assertThat(handoff.getSent()).extracting(s -> s.getKind() + ":" + s.getTemplateName())
                    .startsWith("GATE_CHANGE:gate_change");
            assertThat(handoff.getInbound()).singleElement().satisfies(n -> {
                assertThat(n.getWamid()).isEqualTo(wamid);
                assertThat(n.getText()).isEqualTo("I need to change the name on my ticket");
            });

            care.clock.advance(Duration.ofMinutes(20));
            care.agentReply(PHONE, "reply-1", "Hi Anna, I have changed the name. You will get a new confirmation.", false);

            List<WhatsAppRequest> answers = care.careRequests();
            assertThat(answers).singleElement().satisfies(answer -> {
                assertThat(answer.getText()).isEqualTo("Hi Anna, I have changed the name. You will get a new confirmation.");
                assertThat(answer.getTemplateName()).isEmpty();
                assertThat(answer.getRecipient()).isEqualTo(PHONE);
                assertThat(answer.getExpiresAt()).isEqualTo(TUESDAY_10_00.plus(Duration.ofHours(24)));
            });
            assertThat(care.handoffs()).singleElement().satisfies(h -> {
                assertThat(h.getState()).isEqualTo(ConversationState.ANSWERED);
                assertThat(h.getConversationId()).isEqualTo(handoff.getConversationId());
                assertThat(h.getSent()).extracting(s -> s.getKind()).contains("CARE_REPLY"); // the acknowledgement
            });
        }
    }

    @Test
    void shouldSendTheFollowUpTemplateAfter24HoursAndTheHeldAnswerOnceTheTravellerReplies() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00)) {
            care.text(PHONE, "I need to change the name on my ticket");
            care.careRequests();
            care.handoffs();

            care.clock.advance(Duration.ofHours(25));
            care.agentReply(PHONE, "reply-2", "The name is changed.", false);

            WhatsAppRequest followUp = care.careRequests().get(0);
            assertThat(followUp.getText()).isNull();
            assertThat(followUp.getTemplateName()).isEqualTo("care_follow_up");
            assertThat(followUp.getLanguage()).isEqualTo("en");
            assertThat(care.config.metrics().count("agent-reply-template")).isEqualTo(1);

            care.clock.advance(Duration.ofMinutes(30));
            care.text(PHONE, "ok?");

            assertThat(care.careRequests()).singleElement().satisfies(answer -> {
                assertThat(answer.getText()).isEqualTo("The name is changed.");
                assertThat(answer.getCorrelation().getSourceEventId()).isEqualTo("reply-2");
            });
        }
    }

    @Test
    void shouldHandOffAPhotoWithItsMediaReferenceNeverItsBytes() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00)) {
            String wamid = care.inbound(PHONE, InboundType.IMAGE, "Mijn koffer is zo aangekomen",
                    MediaReference.newBuilder().setId("1234567890").setMimeType("image/jpeg").setSha256("abc=").build());

            CareHandoff handoff = care.handoffs().get(0);
            assertThat(handoff.getReason()).isEqualTo("media");
            assertThat(handoff.getInbound()).singleElement().satisfies(n -> {
                assertThat(n.getWamid()).isEqualTo(wamid);
                assertThat(n.getType()).isEqualTo("IMAGE");
                assertThat(n.getMediaId()).isEqualTo("1234567890");
                assertThat(n.getMediaMimeType()).isEqualTo("image/jpeg");
            });
            WhatsAppRequest ack = care.careRequests().get(0);
            assertThat(ack.getLanguage()).as("detected from the caption").isEqualTo("nl");
            assertThat(ack.getText()).contains("Ingewikkelde vragen kunnen langer duren.");
        }
    }

    @Test
    void shouldAnswerOneMessageOnceAndNotRepeatTheAcknowledgementWhileAnAgentHasIt() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00)) {
            var message = dev.appcare.avro.CareInboundMessage.newBuilder().setWamid("wamid.same").setFrom(PHONE)
                    .setReceivedAt(TUESDAY_10_00).setType(InboundType.TEXT).setText("I need to change the name on my ticket").build();
            care.inbound(message);
            care.inbound(message); // the webhook delivered it twice
            care.clock.advance(Duration.ofMinutes(2));
            care.text(PHONE, "It is for my daughter");

            assertThat(care.careRequests()).as("one acknowledgement").hasSize(1);
            List<CareHandoff> handoffs = care.handoffs();
            assertThat(handoffs).hasSize(2);
            assertThat(handoffs.get(1).getReason()).isEqualTo("follow-up");
            assertThat(handoffs.get(1).getInbound()).hasSize(2);
            assertThat(care.config.metrics().count("inbound-duplicate")).isEqualTo(1);
            assertThat(care.config.metrics().count("ack-quiet")).isEqualTo(1);
        }
    }

    @Test
    void shouldDeadLetterUnreadableInputAndCarryOn() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00)) {
            care.rawInbound(PHONE, new byte[] {1, 2, 3});
            care.text(PHONE, "Hoeveel bagage mag ik meenemen?");

            assertThat(care.deadLetters()).singleElement().satisfies(d -> {
                assertThat(d.getStage()).isEqualTo("care");
                assertThat(d.getSourceTopic()).isEqualTo("care.inbound.v1");
                assertThat(d.getErrorType()).isEqualTo("BAD_MAGIC_BYTE");
            });
            assertThat(care.careRequests()).hasSize(1);
        }
    }

    @Test
    void shouldForgetConversationsAndHistoriesAfterTheRetention() {
        try (CareDriver care = new CareDriver(TUESDAY_10_00)) {
            care.sent(PHONE, "ABC123/1", FLIGHT, "nl", MessageKind.GATE_CHANGE, "gate_change");
            care.text(PHONE, "Hoeveel bagage mag ik meenemen?");
            assertThat(care.driver.getKeyValueStore(CareTopology.CONVERSATIONS_STORE).get(PHONE)).isNotNull();

            care.clock.advance(Duration.ofDays(8));
            care.driver.advanceWallClockTime(Duration.ofMinutes(11));

            assertThat(care.driver.getKeyValueStore(CareTopology.CONVERSATIONS_STORE).get(PHONE)).isNull();
            assertThat(care.driver.getKeyValueStore(CareTopology.PHONE_HISTORY_STORE).get(PHONE)).isNull();
        }
    }

    @Test
    void shouldDeleteTheStateOfAnErasedTravellersNumberAtTheSecondSweepAndKeepOthers() {
        String otherPhone = "+447400123456";
        try (CareDriver care = new CareDriver(TUESDAY_10_00)) {
            care.optedIn("ABC123/1", PHONE);
            care.optedIn("KEEP01/1", otherPhone);
            care.sent(PHONE, "ABC123/1", FLIGHT, "nl", MessageKind.GATE_CHANGE, "gate_change");
            care.sent(otherPhone, "KEEP01/1", FLIGHT, "en_GB", MessageKind.GATE_CHANGE, "gate_change");
            care.text(PHONE, "Hoeveel bagage mag ik meenemen?");
            care.text(otherPhone, "How much luggage may I bring?");
            care.sweep();
            care.sweep();
            assertThat(care.driver.getKeyValueStore(CareTopology.CONVERSATIONS_STORE).get(PHONE)).as("not erased").isNotNull();
            assertThat(care.driver.getKeyValueStore(CareTopology.PHONE_HISTORY_STORE).get(PHONE)).isNotNull();

            care.erased("ABC123/1");
            care.sweep();
            assertThat(care.driver.getKeyValueStore(CareTopology.PHONE_HISTORY_STORE).get(PHONE))
                    .as("one look is not enough: the preference may be on its way").isNotNull();
            care.sweep();

            assertThat(care.driver.getKeyValueStore(CareTopology.CONVERSATIONS_STORE).get(PHONE)).isNull();
            assertThat(care.driver.getKeyValueStore(CareTopology.PHONE_HISTORY_STORE).get(PHONE)).isNull();
            assertThat(care.driver.getKeyValueStore(CareTopology.TRAVELLERS_STORE).get("ABC123/1")).isNull();
            assertThat(care.driver.getKeyValueStore(CareTopology.CONVERSATIONS_STORE).get(otherPhone)).isNotNull();
            assertThat(care.driver.getKeyValueStore(CareTopology.PHONE_HISTORY_STORE).get(otherPhone)).isNotNull();
            assertThat(care.config.metrics().count("state-erased")).isEqualTo(1);
        }
    }
}
