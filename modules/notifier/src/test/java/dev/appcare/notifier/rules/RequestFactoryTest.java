package dev.appcare.notifier.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.rules.NotificationPlanner.PlannedMessage;
import dev.appcare.notifier.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestFactoryTest {
    private final RequestFactory factory = new RequestFactory(TemplateCatalogue.loadDefault(), new PriorityPolicy(Duration.ofHours(3)));
    private final TravellerPreference preference = Fixtures.optedIn("ABC123/1", "+31612345678", "fr_CA", Fixtures.ALL_KINDS);

    @Test
    void shouldGreetByGivenNameThenFamilyNameThenANeutralWord() {
        assertThat(RequestFactory.greeting("Jane", "Doe")).isEqualTo("Jane");
        assertThat(RequestFactory.greeting(" ", "Doe")).isEqualTo("Doe");
        assertThat(RequestFactory.greeting(null, null)).isEqualTo("traveller");
    }

    @Test
    void shouldReadTheGivenNameOffAnIataPassengerName() {
        assertThat(RequestFactory.givenNameOnPass("DOE/JANE MRS")).isEqualTo("Jane");
        assertThat(RequestFactory.givenNameOnPass("VAN DER BERG/PIETER")).isEqualTo("Pieter");
        assertThat(RequestFactory.givenNameOnPass("DOE")).isNull();
        assertThat(RequestFactory.givenNameOnPass("DOE/")).isNull();
    }

    @Test
    void shouldCleanWhatWhatsAppRefusesInParameters() {
        assertThat(RequestFactory.clean(" Jane\nMarie\t  Doe     Jr ")).isEqualTo("Jane Marie   Doe Jr");
    }

    @Test
    void shouldRenderAFlightRequestInTheFallbackLanguage() {
        FlightView flight = FlightViews.of(Fixtures.gate(Fixtures.flight(1), "D7").build());
        PlannedMessage message = new PlannedMessage(MessageKind.GATE_CHANGE, "gate-change-1", "gate-change-0",
                flight.getScheduledDeparture(), flight.getScheduledDeparture());

        WhatsAppRequest request = factory.flightRequest(message, flight, null, "Doe", preference, "flight.status.v1");

        assertThat(request.getLanguage()).isEqualTo("fr");
        assertThat(request.getParameters()).extracting(TemplateParameter::getValue).containsExactly("Doe", "KL1234", "D7", "10:00");
        assertThat(request.getParameters()).extracting(TemplateParameter::getName).containsOnlyNulls();
        assertThat(request.getSupersedes()).isEqualTo("gate-change-0");
        assertThat(request.getMessageId()).isEqualTo("gate-change-1");
        assertThat(factory.supports(MessageKind.GATE_CHANGE)).isTrue();
    }

    @Test
    void shouldRefuseAKindTheCatalogueHasNoTemplateFor() {
        // (An empty template map trips TemplateCatalogue's EnumMap copy; one unrelated template will do.)
        TemplateCatalogue empty = new TemplateCatalogue("en", Set.of("en"), Map.of(), Map.of(MessageKind.OPTIN_CONFIRMATION,
                new TemplateCatalogue.Template("optin_confirmation", List.of("bookingReference"), false)));
        RequestFactory none = new RequestFactory(empty, new PriorityPolicy(Duration.ofHours(3)));
        FlightView flight = FlightViews.of(Fixtures.flight(1).build());
        PlannedMessage message = new PlannedMessage(MessageKind.DELAY, "id", null, flight.getScheduledDeparture(),
                flight.getScheduledDeparture());

        assertThat(none.supports(MessageKind.DELAY)).isFalse();
        assertThatThrownBy(() -> none.flightRequest(message, flight, "Jane", null, preference, "t"))
                .hasMessageContaining("no template for DELAY");
    }

    @Test
    void shouldOfferEveryParameterTheCatalogueAsksFor() {
        TemplateCatalogue catalogue = TemplateCatalogue.loadDefault();
        FlightView flight = FlightViews.of(Fixtures.diverted(Fixtures.gate(Fixtures.flight(1), "D7"), "BRU", "Europe/Brussels").build());
        for (MessageKind kind : List.of(MessageKind.DELAY, MessageKind.EARLIER_DEPARTURE, MessageKind.BACK_ON_TIME,
                MessageKind.CANCELLATION, MessageKind.GATE_CHANGE, MessageKind.BOARDING, MessageKind.DIVERSION)) {
            PlannedMessage message = new PlannedMessage(kind, "id", null, flight.getScheduledDeparture(),
                    flight.getScheduledDeparture());
            WhatsAppRequest request = factory.flightRequest(message, flight, "Jane", null, preference, "t");
            assertThat(request.getParameters()).as(kind.name())
                    .hasSize(catalogue.template(kind).orElseThrow().parameterNames().size());
        }
    }
}
