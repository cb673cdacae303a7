package dev.appcare.notifier.streams;

import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PassengerNotice;
import dev.appcare.notifier.avro.RosterEntry;
import dev.appcare.notifier.rules.DecisionReason;
import dev.appcare.notifier.rules.Decisions;
import dev.appcare.notifier.rules.FlightChangeDetector;
import dev.appcare.notifier.rules.FlightViews;
import java.time.Instant;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The flight side of the fan-out (N1, N3). Per flight key, in the flight's partition:
 * <ol>
 *   <li>compare the event with the flight's applied state ({@code flight-state}): stale events are
 *       dropped, unchanged ones only advance the state;</li>
 *   <li>for a change, scan the flight's roster ({@code flight-roster}, keys {@code flightKey|travellerKey},
 *       a prefix scan reads exactly this flight's passengers) and forward one {@link PassengerNotice} per
 *       active passenger, keyed by traveller, towards the traveller side.</li>
 * </ol>
 * Booking changes only edit the roster ({@link RosterProcessor}); they never forward anything, so a
 * booking alone cannot send a flight message. Every event also gets one decision record (N11), keyed by
 * flight: announced to so many passengers, or suppressed as stale, duplicate or not notifiable.
 */
final class FlightFanOutProcessor implements Processor<String, FlightStatusEvent, String, SpecificRecord> {
    private static final StringSerializer KEYS = new StringSerializer();

    private final NotifierMetrics metrics;
    private final Duration retention;
    /** The input topic the events were read from (they reach this processor through a repartition topic). */
    private final String sourceTopic;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, FlightView> flightState;
    private KeyValueStore<String, RosterEntry> roster;

    FlightFanOutProcessor(NotifierMetrics metrics, Duration retention, String sourceTopic) {
        this.metrics = metrics;
        this.retention = retention;
        this.sourceTopic = sourceTopic;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.flightState = context.getStateStore(NotifierTopology.FLIGHT_STATE_STORE);
        this.roster = context.getStateStore(NotifierTopology.FLIGHT_ROSTER_STORE);
        context.schedule(StateRetention.SWEEP_INTERVAL, PunctuationType.STREAM_TIME, streamTime -> {
            StateRetention.sweep(flightState, streamTime, context.currentSystemTimeMs(), retention, key -> key);
            StateRetention.sweep(roster, streamTime, context.currentSystemTimeMs(), retention, StateRetention::beforeBar);
        });
    }

    @Override
    public void process(Record<String, FlightStatusEvent> record) {
        FlightView incoming = FlightViews.of(record.value());
        FlightView applied = flightState.get(record.key());
        switch (FlightChangeDetector.compare(applied, incoming)) {
            case STALE -> {
                metrics.staleEvent(sourceTopic);
                decide(record, Decisions.stale(at(record), applied, incoming));
            }
            case UNCHANGED -> {
                flightState.put(record.key(), incoming);
                decide(record, Decisions.flight(at(record), incoming, DecisionOutcome.SUPPRESSED, DecisionReason.NOTHING_NOTIFIABLE,
                        "status, departure, gate and diversion as before", null));
            }
            case CHANGED -> {
                flightState.put(record.key(), incoming);
                int passengers = fanOut(record, incoming);
                decide(record, Decisions.flight(at(record), incoming, DecisionOutcome.ANNOUNCED, DecisionReason.CHANGED,
                        "fanned out to " + passengers + " active passengers", passengers));
            }
        }
    }

    private static Instant at(Record<String, FlightStatusEvent> record) {
        return Instant.ofEpochMilli(record.timestamp());
    }

    private void decide(Record<String, FlightStatusEvent> record, SpecificRecord decision) {
        context.forward(record.withValue(decision));
    }

    /** Forwards one notice per active passenger and says how many. */
    private int fanOut(Record<String, FlightStatusEvent> record, FlightView flight) {
        int reached = 0;
        try (KeyValueIterator<String, RosterEntry> passengers = roster.prefixScan(record.key() + "|", KEYS)) {
            while (passengers.hasNext()) {
                KeyValue<String, RosterEntry> passenger = passengers.next();
                RosterEntry entry = passenger.value;
                PassengerNotice notice = new PassengerNotice(entry.getTravellerKey(), entry.getGivenName(),
                        entry.getFamilyName(), flight);
                context.forward(record.withKey(entry.getTravellerKey()).withValue(notice));
                reached++;
            }
        }
        return reached;
    }
}
