package dev.appcare.notifier.rules;

import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static dev.appcare.notifier.testing.Fixtures.gate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.model.consent.Consent;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.rules.NotificationPlanner.Plan;
import dev.appcare.notifier.rules.NotificationPlanner.PlannedMessage;
import dev.appcare.notifier.testing.Fixtures;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class NotificationPlannerTest {
    private static final String TRAVELLER = "ABC123/1";
    private static final Predicate<MessageKind> EVERYTHING = kind -> true;
    private final NotificationPlanner planner = new NotificationPlanner(new DepartureTimeRule(Duration.ofMinutes(15)));

    private static FlightView view(FlightStatusEvent.Builder event) {
        return FlightViews.of(event.build());
    }

    @Test
    void shouldPlanADelayWithADeterministicIdAndRememberWhatWasTold() {
        FlightView flight = view(estimate(flight(1), 20));

        Plan plan = planner.plan(flight, TRAVELLER, null, EVERYTHING);

        assertThat(plan.messages()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MessageKind.DELAY);
            assertThat(m.messageId()).isEqualTo(MessageIds.derive(MessageKind.DELAY, flight.getEventId(), TRAVELLER));
            assertThat(m.supersedes()).isNull();
            assertThat(m.departure()).isEqualTo(flight.getEstimatedDeparture());
        });
        assertThat(plan.memory().getToldDeparture()).isEqualTo(flight.getEstimatedDeparture());
        assertThat(plan.memory().getLastSequence()).isEqualTo(1);
        assertThat(plan.memory().getLastMessageIds()).containsEntry("TIMING", plan.messages().get(0).messageId());
    }

    @Test
    void shouldGiveTheSameIdsForTheSameInput() {
        FlightView flight = view(gate(estimate(flight(1), 20), "D7"));
        assertThat(planner.plan(flight, TRAVELLER, null, EVERYTHING))
                .isEqualTo(planner.plan(flight, TRAVELLER, null, EVERYTHING));
    }

    @Test
    void shouldPlanNothingForAnEventThePassengerAlreadyHeardAbout() {
        Plan first = planner.plan(view(estimate(flight(3), 20)), TRAVELLER, null, EVERYTHING);

        Plan again = planner.plan(view(gate(estimate(flight(3), 60), "D1")), TRAVELLER, first.memory(), EVERYTHING);

        assertThat(again.isEmpty()).isTrue();
        assertThat(again.memory()).isSameAs(first.memory());
    }

    @Test
    void shouldOnlyPlanConsentedKindsAndOnlyRememberWhatWasSent() {
        Set<MessageKind> gateOnly = EnumSet.of(MessageKind.GATE_CHANGE);
        Plan plan = planner.plan(view(gate(estimate(flight(1), 30), "D7")), TRAVELLER, null, gateOnly::contains);

        assertThat(plan.messages()).extracting(PlannedMessage::kind).containsExactly(MessageKind.GATE_CHANGE);
        assertThat(plan.memory().getToldDeparture()).isNull();
        assertThat(plan.memory().getToldGate()).isEqualTo("D7");
    }

    @Test
    void shouldCoverEarlierAndBackOnTimeByTheDelayConsent() {
        Predicate<MessageKind> delays = kind -> Consent.consentKind(kind) == MessageKind.DELAY;
        Plan delayed = planner.plan(view(estimate(flight(1), 30)), TRAVELLER, null, delays);
        Plan back = planner.plan(view(estimate(flight(2), 0)), TRAVELLER, delayed.memory(), delays);

        assertThat(back.messages()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MessageKind.BACK_ON_TIME);
            assertThat(m.supersedes()).isEqualTo(delayed.messages().get(0).messageId());
        });
        assertThat(back.memory().getToldDeparture()).isNull();
    }

    @Test
    void shouldNotPlanAMessageThatIsBornExpired() {
        FlightView lateGate = view(gate(flight(1), "D7").setEventTime(Fixtures.SCHEDULED.plusSeconds(60)));

        Plan plan = planner.plan(lateGate, TRAVELLER, null, EVERYTHING);

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.memory()).isNull();
    }

    @Test
    void shouldPlanNothingOnceTheFlightHasGone() {
        for (FlightStatus status : new FlightStatus[] {FlightStatus.GATE_CLOSED, FlightStatus.DEPARTED, FlightStatus.ARRIVED}) {
            assertThat(planner.plan(view(gate(estimate(flight(1), 40), "D7").setStatus(status)), TRAVELLER, null, EVERYTHING)
                    .isEmpty()).as(status.name()).isTrue();
        }
    }

    @Test
    void shouldPlanOneCancellationAndOneDiversionPerAirport() {
        Plan cancelled = planner.plan(view(flight(1).setStatus(FlightStatus.CANCELLED)), TRAVELLER, null, EVERYTHING);
        assertThat(cancelled.messages()).extracting(PlannedMessage::kind).containsExactly(MessageKind.CANCELLATION);
        assertThat(planner.plan(view(flight(2).setStatus(FlightStatus.CANCELLED)), TRAVELLER, cancelled.memory(), EVERYTHING)
                .isEmpty()).isTrue();

        Plan bru = planner.plan(view(Fixtures.diverted(flight(1), "BRU", "Europe/Brussels")), TRAVELLER, null, EVERYTHING);
        Plan bruAgain = planner.plan(view(Fixtures.diverted(flight(2), "BRU", "Europe/Brussels")), TRAVELLER, bru.memory(), EVERYTHING);
        Plan lgg = planner.plan(view(Fixtures.diverted(flight(3), "LGG", "Europe/Brussels")), TRAVELLER, bru.memory(), EVERYTHING);
        assertThat(bru.messages()).extracting(PlannedMessage::kind).containsExactly(MessageKind.DIVERSION);
        assertThat(bruAgain.isEmpty()).isTrue();
        assertThat(lgg.messages()).singleElement()
                .satisfies(m -> assertThat(m.supersedes()).isEqualTo(bru.messages().get(0).messageId()));
    }

    @Test
    void shouldSendAGateChangeDuringBoarding() {
        Plan boarding = planner.plan(view(gate(flight(1), "D7").setStatus(FlightStatus.BOARDING)), TRAVELLER, null, EVERYTHING);
        Plan moved = planner.plan(view(gate(flight(2), "D9").setStatus(FlightStatus.BOARDING)), TRAVELLER, boarding.memory(), EVERYTHING);

        assertThat(boarding.messages()).extracting(PlannedMessage::kind).containsExactly(MessageKind.BOARDING);
        assertThat(moved.messages()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(MessageKind.GATE_CHANGE);
            assertThat(m.supersedes()).isEqualTo(boarding.messages().get(0).messageId());
        });
    }

    @Test
    void shouldSendANewerBoardingPassOnlyAndSupersedeTheOlder() {
        BoardingPassIssued first = Fixtures.boardingPass(TRAVELLER, 1).build();
        BoardingPassIssued second = Fixtures.boardingPass(TRAVELLER, 2).build();

        Plan one = planner.planBoardingPass(first, null, true);
        Plan two = planner.planBoardingPass(second, one.memory(), true);

        assertThat(one.messages()).singleElement().satisfies(m -> assertThat(m.messageId())
                .isEqualTo(MessageIds.derive(MessageKind.BOARDING_PASS, first.getEventId(), TRAVELLER)));
        assertThat(two.messages()).singleElement()
                .satisfies(m -> assertThat(m.supersedes()).isEqualTo(one.messages().get(0).messageId()));
        assertThat(planner.planBoardingPass(first, two.memory(), true).isEmpty()).isTrue();
        assertThat(planner.planBoardingPass(second, two.memory(), true).isEmpty()).isTrue();
        assertThat(planner.planBoardingPass(first, null, false).isEmpty()).isTrue();
    }

    @Test
    void shouldReadAnUnknownStatusSymbolAsUnknown() {
        FlightView view = FlightView.newBuilder(view(flight(1))).setStatus("TAXIING").build();
        assertThat(NotificationPlanner.status(view)).isEqualTo(FlightStatus.UNKNOWN);
    }

    @Test
    void shouldKeepFamiliesApart() {
        assertThat(MessageFamily.of(MessageKind.DELAY)).isEqualTo(MessageFamily.TIMING);
        assertThat(MessageFamily.of(MessageKind.CANCELLATION)).isEqualTo(MessageFamily.TIMING);
        assertThat(MessageFamily.of(MessageKind.BOARDING)).isEqualTo(MessageFamily.GATE);
        assertThat(MessageFamily.of(MessageKind.BOARDING_PASS)).isEqualTo(MessageFamily.BOARDING_PASS);
        assertThat(MessageFamily.of(MessageKind.OPTIN_CONFIRMATION)).isEqualTo(MessageFamily.OTHER);
    }
}
