package dev.appcare.app;

import static dev.appcare.app.IncidentHarness.await;
import static dev.appcare.app.IncidentHarness.flightEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.rules.CheckInReminder;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.SentMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The check-in reminder (N13) end to end on the real broker: notifier, sender and the WhatsApp simulator.
 * Two opted-in travellers on a flight; one already has a boarding pass (checked in). The notifier is
 * stopped and started again between scheduling the reminder and check-in opening (the opening lives in the
 * {@code checkin-due} store and its changelog); when the wall clock reaches it, {@code checkin_open} reaches
 * the traveller who has not checked in, once, and not the other. The lead is 2 h instead of 30 h and the
 * flight leaves 2 h 90 s from now, so that check-in opens 90 s into the test: the test waits for that
 * (Await), it never sleeps.
 */
@IntegrationTest
class CheckInReminderIT {
    private static final String ANNE = "CHECKIN/1";
    private static final String ANNE_PHONE = "+31620000401";
    private static final String BOB = "CHECKIN/2";
    private static final String BOB_PHONE = "+31620000402";
    private static final Map<String, String> SETTINGS = Map.of("notifier.checkin.lead", "PT2H",
            "notifier.checkin.check-interval", "PT1S", "notifier.budget.spacing", "PT0S");

    @Test
    void shouldRemindOnlyTheTravellerWhoHasNotCheckedInOnceAcrossARestart(RealInfrastructure infra) throws Exception {
        try (IncidentHarness h = new IncidentHarness(infra, 2, b -> { }, Map.of())) {
            h.startNotifier(SETTINGS);
            h.startSender();
            String flight = IncidentHarness.flightKey("4401");
            h.book(ANNE, flight);
            h.book(BOB, flight);
            h.optIn(ANNE, ANNE_PHONE);
            h.optIn(BOB, BOB_PHONE);
            h.awaitNotifierTookIn();
            Instant departure = Instant.now().plus(Duration.ofHours(2).plusSeconds(90)).truncatedTo(ChronoUnit.SECONDS);
            Instant opens = departure.minus(Duration.ofHours(2));

            h.send(Topics.BOARDING_PASS, BOB, boardingPass(BOB, flight, departure));
            h.send(Topics.FLIGHT_STATUS, flight, flightEvent("checkin-1", flight, 1, departure, null, "D7",
                    FlightStatus.SCHEDULED));
            await("the reminder scheduled and Bob's boarding pass sent", Duration.ofSeconds(60), () ->
                    flightDecisions(h, DecisionOutcome.HELD_BACK).size() == 1
                            && h.sim.acceptedFor(BOB_PHONE).stream().anyMatch(m -> m.templateName().equals("boarding_pass")));
            assertThat(flightDecisions(h, DecisionOutcome.HELD_BACK)).extracting(NotifierDecision::getDetail)
                    .containsExactly("check-in opens " + opens);
            assertThat(Instant.now()).as("the restart below must happen before check-in opens").isBefore(opens);

            // The notifier goes down while the reminder waits, and comes back.
            h.stopNotifier();
            h.startNotifier(SETTINGS);

            await("check-in opened: Anne reminded, Bob found checked in", Duration.ofSeconds(240), () ->
                    checkInMessages(h, ANNE_PHONE).size() == 1 && flightDecisions(h, DecisionOutcome.ANNOUNCED).size() == 1
                            && passengerDecisions(h, BOB).size() == 1);
            SentMessage reminder = checkInMessages(h, ANNE_PHONE).get(0);
            assertThat(reminder.bodyParameters()).containsExactly("Test", "KL4401", "AMS",
                    dev.appcare.notifier.rules.LocalTimeFormatter.time(departure, IncidentHarness.AMS, null, "en"));
            assertThat(checkInMessages(h, BOB_PHONE)).as("Bob checked in").isEmpty();
            assertThat(flightDecisions(h, DecisionOutcome.ANNOUNCED)).extracting(NotifierDecision::getPassengers)
                    .containsExactly(2);
            assertThat(passengerDecisions(h, ANNE)).extracting(d -> d.getOutcome() + " " + d.getReason() + " " + d.getMessageId())
                    .containsExactly("REQUESTED CHECKIN_OPEN " + CheckInReminder.messageId(flight, ANNE));
            assertThat(passengerDecisions(h, BOB)).extracting(d -> d.getOutcome() + " " + d.getReason())
                    .containsExactly("SUPPRESSED CHECKED_IN");
            assertThat(flightDecisions(h, DecisionOutcome.HELD_BACK)).as("scheduled once, kept across the restart").hasSize(1);
        }
    }

    private static BoardingPassIssued boardingPass(String traveller, String flight, Instant departure) {
        return BoardingPassIssued.newBuilder().setEventId("checkin-pass-" + traveller).setEventTime(Instant.now())
                .setTravellerKey(traveller).setFlightKey(flight).setIssueSequence(1).setPassengerName("DOE/BOB")
                .setSeat("14C").setBoardingTime(departure.minus(Duration.ofMinutes(40))).setGate("D7")
                .setDepartureAirport("AMS").setDepartureTimeZone("Europe/Amsterdam").setScheduledDeparture(departure)
                .setDocumentUrl("https://passes.example.com/checkin-2.pdf")
                .setBarcodeData("M1DOE/BOB             ECHECKI AMSLHRKL 4401 327Y014C0001 100").setBarcodeFormat("PDF417")
                .build();
    }

    private static List<SentMessage> checkInMessages(IncidentHarness h, String phone) {
        return h.sim.acceptedFor(phone).stream().filter(m -> m.templateName().equals("checkin_open")).toList();
    }

    private static List<NotifierDecision> checkInDecisions(IncidentHarness h) {
        return h.values(Topics.NOTIFIER_DECISION).stream().filter(d -> d.getKind() == MessageKind.CHECKIN_OPEN).toList();
    }

    private static List<NotifierDecision> flightDecisions(IncidentHarness h, DecisionOutcome outcome) {
        return checkInDecisions(h).stream().filter(d -> d.getTravellerKey() == null && d.getOutcome() == outcome).toList();
    }

    private static List<NotifierDecision> passengerDecisions(IncidentHarness h, String traveller) {
        return checkInDecisions(h).stream().filter(d -> traveller.equals(d.getTravellerKey())).toList();
    }
}
