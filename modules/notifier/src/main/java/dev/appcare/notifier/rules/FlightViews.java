package dev.appcare.notifier.rules;

import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.notifier.avro.FlightView;

/** The parts of a (validated) flight-status event that the notifier keeps and sends on. */
public final class FlightViews {
    private FlightViews() {
    }

    public static FlightView of(FlightStatusEvent event) {
        return FlightView.newBuilder()
                .setFlightKey(event.getFlightKey())
                .setFlight(event.getCarrier() + event.getFlightNumber())
                .setEventId(event.getEventId())
                .setSequence(event.getSequence())
                .setEventTime(event.getEventTime())
                .setStatus(event.getStatus().name())
                .setDepartureAirport(event.getDeparture().getAirport())
                .setDepartureTimeZone(event.getDeparture().getTimeZone())
                .setScheduledDeparture(event.getDeparture().getScheduled())
                .setEstimatedDeparture(event.getDeparture().getEstimated())
                .setActualDeparture(event.getDeparture().getActual())
                .setGate(event.getDeparture().getGate())
                .setArrivalAirport(event.getArrival().getAirport())
                .setScheduledArrival(event.getArrival().getScheduled())
                .setEstimatedArrival(event.getArrival().getEstimated())
                .setDiversionAirport(event.getDiversion() == null ? null : event.getDiversion().getAirport())
                .build();
    }
}
