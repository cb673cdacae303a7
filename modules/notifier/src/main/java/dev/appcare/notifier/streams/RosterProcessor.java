package dev.appcare.notifier.streams;

import dev.appcare.notifier.avro.RosterEntry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the passengers-by-flight roster: an active segment is (re)written under
 * {@code flightKey|travellerKey}, a cancelled segment or a tombstone removes it. Forwards nothing.
 */
final class RosterProcessor implements Processor<String, RosterEntry, Void, Void> {
    private KeyValueStore<String, RosterEntry> roster;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.roster = context.getStateStore(NotifierTopology.FLIGHT_ROSTER_STORE);
    }

    @Override
    public void process(Record<String, RosterEntry> record) {
        RosterEntry entry = record.value();
        String key = entry.getFlightKey() + "|" + entry.getTravellerKey();
        if (entry.getActive()) {
            roster.put(key, entry);
        } else {
            roster.delete(key);
        }
    }
}
