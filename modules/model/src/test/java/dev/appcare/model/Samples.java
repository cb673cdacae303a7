package dev.appcare.model;

import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import java.time.Instant;
import java.time.LocalDate;

/** Realistic records for tests. */
public final class Samples {
    private Samples() {
    }

    public static FlightStatusEvent kl1234Delayed() {
        return FlightStatusEvent.newBuilder()
                .setEventId("aidx-KL1234-20261123-0007")
                .setEventTime(Instant.parse("2026-11-23T07:41:12.345Z"))
                .setSequence(7)
                .setFlightKey(Keys.flightKey("KL", "1234", LocalDate.of(2026, 11, 23), "AMS"))
                .setCarrier("KL")
                .setFlightNumber("1234")
                .setOriginDate(LocalDate.of(2026, 11, 23))
                .setDeparture(FlightLegEnd.newBuilder()
                        .setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(Instant.parse("2026-11-23T09:05:00Z"))
                        .setEstimated(Instant.parse("2026-11-23T09:50:00Z"))
                        .setGate("D7").setTerminal("2").build())
                .setArrival(FlightLegEnd.newBuilder()
                        .setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(Instant.parse("2026-11-23T09:25:00Z"))
                        .setEstimated(Instant.parse("2026-11-23T10:10:00Z")).build())
                .setStatus(FlightStatus.DELAYED)
                .setSource("AIDX")
                .build();
    }
}
