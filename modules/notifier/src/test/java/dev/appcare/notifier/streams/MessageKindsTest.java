package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.ARRIVAL;
import static dev.appcare.notifier.testing.Fixtures.FLIGHT_KEY;
import static dev.appcare.notifier.testing.Fixtures.SCHEDULED;
import static dev.appcare.notifier.testing.Fixtures.boardingPass;
import static dev.appcare.notifier.testing.Fixtures.diverted;
import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.gate;
import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DocumentHeader;
import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.notifier.testing.NotifierDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each kind of message end to end through the topology: template, parameters (airport-local times),
 * language, priority, expiry and supersession (N6-N9). KL1234 leaves Amsterdam at 10:00 local (09:00 UTC).
 */
class MessageKindsTest {
    private final NotifierDriver notifier = new NotifierDriver();

    @BeforeEach
    void board() {
        notifier.book(travellerKey(1), FLIGHT_KEY, "Jane");
        notifier.preference(optedIn(travellerKey(1), phone(1), "en", Fixtures.ALL_KINDS));
    }

    @AfterEach
    void close() {
        notifier.close();
    }

    @Test
    void shouldSendADelayWithTheNewAndTheScheduledLocalTime() {
        FlightStatusEvent event = estimate(flight(1), 20).build();
        notifier.flight(event);

        WhatsAppRequest request = single();
        assertThat(request.getKind()).isEqualTo(MessageKind.DELAY);
        assertThat(request.getTemplateName()).isEqualTo("flight_delay");
        assertThat(request.getLanguage()).isEqualTo("en");
        assertThat(values(request)).containsExactly("Jane", "KL1234", "AMS", "10:20", "10:00");
        assertThat(request.getRecipient()).isEqualTo(phone(1));
        assertThat(request.getMessageId()).isEqualTo(MessageIds.derive(MessageKind.DELAY, event.getEventId(), travellerKey(1)));
        assertThat(request.getPriority()).isEqualTo(Priority.NORMAL);
        assertThat(request.getCreatedAt()).isEqualTo(event.getEventTime());
        assertThat(request.getExpiresAt()).isEqualTo(SCHEDULED.plus(Duration.ofMinutes(20)));
        assertThat(request.getSupersedes()).isNull();
        assertThat(request.getDocumentHeader()).isNull();
        assertThat(request.getCorrelation()).isEqualTo(new Correlation(travellerKey(1), FLIGHT_KEY, "flight.status.v1", event.getEventId()));
    }

    @Test
    void shouldSendAnEarlierDepartureAsUrgentCloseToDeparture() {
        notifier.flight(estimate(flight(1), -30));

        WhatsAppRequest request = single();
        assertThat(request.getKind()).isEqualTo(MessageKind.EARLIER_DEPARTURE);
        assertThat(request.getTemplateName()).isEqualTo("flight_earlier");
        assertThat(values(request)).containsExactly("Jane", "KL1234", "AMS", "09:30", "10:00");
        assertThat(request.getPriority()).isEqualTo(Priority.URGENT);
        assertThat(request.getExpiresAt()).isEqualTo(SCHEDULED.minus(Duration.ofMinutes(30)));
    }

    @Test
    void shouldSendBackOnTimeSupersedingTheDelay() {
        notifier.flight(estimate(flight(1), 40));
        WhatsAppRequest delay = single();

        notifier.flight(estimate(flight(2), 0));

        WhatsAppRequest backOnTime = single();
        assertThat(backOnTime.getKind()).isEqualTo(MessageKind.BACK_ON_TIME);
        assertThat(backOnTime.getTemplateName()).isEqualTo("flight_back_on_time");
        assertThat(values(backOnTime)).containsExactly("Jane", "KL1234", "AMS", "10:00");
        assertThat(backOnTime.getSupersedes()).isEqualTo(delay.getMessageId());
        assertThat(backOnTime.getExpiresAt()).isEqualTo(SCHEDULED);
    }

    @Test
    void shouldSendACancellationOnceSupersedingTheLastDepartureNews() {
        notifier.flight(estimate(flight(1), 40));
        WhatsAppRequest delay = single();

        notifier.flight(estimate(flight(2), 40).setStatus(FlightStatus.CANCELLED).setEventTime(SCHEDULED.minus(Duration.ofHours(1))));
        notifier.flight(estimate(flight(3), 90).setStatus(FlightStatus.CANCELLED).setEventTime(SCHEDULED.minus(Duration.ofMinutes(50))));

        WhatsAppRequest cancellation = single();
        assertThat(cancellation.getKind()).isEqualTo(MessageKind.CANCELLATION);
        assertThat(cancellation.getTemplateName()).isEqualTo("flight_cancelled");
        assertThat(values(cancellation)).containsExactly("Jane", "KL1234", "AMS", "23 Nov 2026");
        assertThat(cancellation.getPriority()).isEqualTo(Priority.URGENT);
        assertThat(cancellation.getExpiresAt()).isEqualTo(SCHEDULED.plus(Duration.ofHours(24)));
        assertThat(cancellation.getSupersedes()).isEqualTo(delay.getMessageId());
    }

    @Test
    void shouldSendAGateAssignmentAndAGateChangeThatSupersedesIt() {
        notifier.flight(gate(flight(1), "D7"));
        WhatsAppRequest first = single();
        notifier.flight(gate(flight(2), "D7")); // nothing new
        assertThat(notifier.takeRequests()).isEmpty();

        notifier.flight(gate(estimate(flight(3), 10), "D9").setEventTime(SCHEDULED.minus(Duration.ofHours(2))));

        WhatsAppRequest second = single();
        assertThat(first.getKind()).isEqualTo(MessageKind.GATE_CHANGE);
        assertThat(first.getTemplateName()).isEqualTo("gate_change");
        assertThat(values(first)).containsExactly("Jane", "KL1234", "D7", "10:00");
        assertThat(values(second)).containsExactly("Jane", "KL1234", "D9", "10:10");
        assertThat(second.getSupersedes()).isEqualTo(first.getMessageId());
        assertThat(second.getPriority()).isEqualTo(Priority.URGENT);
        assertThat(second.getExpiresAt()).isEqualTo(SCHEDULED.plus(Duration.ofMinutes(10)));
    }

    @Test
    void shouldSendAGateAssignedADayAheadAsNormal() {
        notifier.flight(gate(flight(1), "D7").setEventTime(SCHEDULED.minus(Duration.ofHours(24))));

        assertThat(single().getPriority()).isEqualTo(Priority.NORMAL);
    }

    @Test
    void shouldSendBoardingOnceNamingTheGateAndSupersedingTheGateMessage() {
        notifier.flight(gate(flight(1), "D7"));
        WhatsAppRequest gateChange = single();

        notifier.flight(gate(flight(2), "D7").setStatus(FlightStatus.BOARDING));
        notifier.flight(gate(flight(3), "D7").setStatus(FlightStatus.BOARDING));

        WhatsAppRequest boarding = single();
        assertThat(boarding.getKind()).isEqualTo(MessageKind.BOARDING);
        assertThat(boarding.getTemplateName()).isEqualTo("boarding_started");
        assertThat(values(boarding)).containsExactly("Jane", "KL1234", "D7");
        assertThat(boarding.getPriority()).isEqualTo(Priority.URGENT);
        assertThat(boarding.getSupersedes()).isEqualTo(gateChange.getMessageId());
        assertThat(boarding.getExpiresAt()).isEqualTo(SCHEDULED);
    }

    @Test
    void shouldSendNoGateChangeAfterDeparture() {
        notifier.flight(gate(flight(1), "D7"));
        single();

        notifier.flight(gate(flight(2), "D8").setStatus(FlightStatus.DEPARTED));
        FlightStatusEvent.Builder late = gate(flight(3), "D9").setEventTime(SCHEDULED.plus(Duration.ofMinutes(5)));
        notifier.flight(late);

        assertThat(notifier.takeRequests()).isEmpty();
    }

    @Test
    void shouldSendADiversion() {
        notifier.flight(diverted(flight(1), "BRU", "Europe/Brussels"));

        WhatsAppRequest diversion = single();
        assertThat(diversion.getKind()).isEqualTo(MessageKind.DIVERSION);
        assertThat(diversion.getTemplateName()).isEqualTo("flight_diverted");
        assertThat(values(diversion)).containsExactly("Jane", "KL1234", "BRU");
        assertThat(diversion.getPriority()).isEqualTo(Priority.URGENT);
        assertThat(diversion.getExpiresAt()).isEqualTo(ARRIVAL.plus(Duration.ofHours(6)));
    }

    @Test
    void shouldSendTheBoardingPassWithItsDocumentHeaderAndSupersedeItWhenReissued() {
        BoardingPassIssued first = boardingPass(travellerKey(1), 1).build();
        notifier.boardingPass(first);
        WhatsAppRequest pass = single();

        assertThat(pass.getKind()).isEqualTo(MessageKind.BOARDING_PASS);
        assertThat(pass.getTemplateName()).isEqualTo("boarding_pass");
        assertThat(values(pass)).containsExactly("Jane", "KL1234", "12A", "09:20");
        assertThat(pass.getDocumentHeader()).isEqualTo(new DocumentHeader(first.getDocumentUrl(),
                "boarding-pass-KL1234-2026-11-23.pdf"));
        assertThat(pass.getPriority()).isEqualTo(Priority.NORMAL);
        assertThat(pass.getExpiresAt()).isEqualTo(SCHEDULED.plus(Duration.ofHours(2)));
        assertThat(pass.getCorrelation().getSourceTopic()).isEqualTo("flight.boarding-pass.v1");

        BoardingPassIssued reissued = boardingPass(travellerKey(1), 2).setSeat("3C").build();
        notifier.boardingPass(reissued);
        notifier.boardingPass(first); // republished old pass

        WhatsAppRequest second = single();
        assertThat(values(second)).containsExactly("Jane", "KL1234", "3C", "09:20");
        assertThat(second.getSupersedes()).isEqualTo(pass.getMessageId());
        assertThat(second.getDocumentHeader().getLink()).isEqualTo(reissued.getDocumentUrl());
    }

    @Test
    void shouldSendABoardingPassIssuedMoreThanADayAheadAsBulk() {
        notifier.boardingPass(boardingPass(travellerKey(1), 1).setEventTime(SCHEDULED.minus(Duration.ofHours(30)))
                .setSeat(null).setBoardingTime(null).build());

        WhatsAppRequest pass = single();
        assertThat(pass.getPriority()).isEqualTo(Priority.BULK);
        assertThat(values(pass)).containsExactly("Jane", "KL1234", "-", "-");
    }

    @Test
    void shouldNotSendABoardingPassWithoutConsent() {
        notifier.preference(optedIn(travellerKey(1), phone(1), "en", List.of(MessageKind.DELAY)));

        notifier.boardingPass(boardingPass(travellerKey(1), 1).build());

        assertThat(notifier.takeRequests()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"nl_BE, nl", "en-AU, en_GB", "pt, pt_BR", "pt_PT, pt_PT", "xx, en", "de, de", "EN_us, en_US"})
    void shouldChooseTheTemplateLanguageWithFallback(String locale, String language) {
        notifier.preference(optedIn(travellerKey(1), phone(1), locale, Fixtures.ALL_KINDS));

        notifier.flight(estimate(flight(1), 20));

        assertThat(single().getLanguage()).isEqualTo(language);
    }

    @Test
    void shouldShowTimesInTheDepartureAirportsLocalTimeWithTheDayWhenItChanges() {
        String flightKey = "KL642/2026-11-23/JFK";
        Instant scheduled = Instant.parse("2026-11-23T22:30:00Z"); // 17:30 in New York
        notifier.book(travellerKey(2), flightKey, "Joe");
        notifier.preference(optedIn(travellerKey(2), phone(2), "nl", Fixtures.ALL_KINDS));
        FlightStatusEvent.Builder event = flight(flightKey, 1)
                .setEventTime(scheduled.minus(Duration.ofHours(2)))
                .setDeparture(FlightLegEnd.newBuilder().setAirport("JFK").setTimeZone("America/New_York")
                        .setScheduled(scheduled).setEstimated(scheduled.plus(Duration.ofHours(8))).build())
                .setArrival(Fixtures.leg("AMS", "Europe/Amsterdam", scheduled.plus(Duration.ofHours(7))))
                .setStatus(FlightStatus.DELAYED);

        notifier.flight(event);

        WhatsAppRequest delay = single();
        assertThat(delay.getLanguage()).isEqualTo("nl");
        assertThat(values(delay)).containsExactly("Joe", "KL642", "JFK", "01:30 (24 nov)", "17:30");
    }

    private WhatsAppRequest single() {
        List<WhatsAppRequest> requests = notifier.takeRequestValues();
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static List<String> values(WhatsAppRequest request) {
        return request.getParameters().stream().map(TemplateParameter::getValue).toList();
    }
}
