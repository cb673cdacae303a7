package dev.appcare.notifier.streams;

import dev.appcare.avro.TravellerPreference;
import dev.appcare.notifier.avro.BudgetState;
import dev.appcare.notifier.avro.PassengerMemory;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the traveller preference table, the only store that holds phone numbers. A tombstone is a GDPR
 * erasure: the preference goes, and so does everything remembered about what the traveller was told and
 * their message budget, held-back updates included (N12).
 * An opt-out is kept (it is evidence) and stops every message from then on. Forwards nothing: a
 * preference change never sends a flight message by itself.
 */
final class PreferenceProcessor implements Processor<String, TravellerPreference, Void, Void> {
    private static final StringSerializer KEYS = new StringSerializer();
    private KeyValueStore<String, TravellerPreference> preferences;
    private KeyValueStore<String, PassengerMemory> memories;
    private KeyValueStore<String, BudgetState> budgets;
    private KeyValueStore<String, String> due;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.preferences = context.getStateStore(NotifierTopology.PREFERENCES_STORE);
        this.memories = context.getStateStore(NotifierTopology.PASSENGER_MEMORY_STORE);
        this.budgets = context.getStateStore(NotifierTopology.BUDGET_STORE);
        this.due = context.getStateStore(NotifierTopology.BUDGET_DUE_STORE);
    }

    @Override
    public void process(Record<String, TravellerPreference> record) {
        if (record.value() != null) {
            preferences.put(record.key(), record.value());
            return;
        }
        preferences.delete(record.key());
        List<String> remembered = new ArrayList<>();
        try (KeyValueIterator<String, PassengerMemory> entries = memories.prefixScan(record.key() + "|", KEYS)) {
            entries.forEachRemaining(entry -> remembered.add(entry.key));
        }
        remembered.forEach(memories::delete);
        List<String> budgeted = new ArrayList<>();
        try (KeyValueIterator<String, BudgetState> entries = budgets.prefixScan(record.key() + "|", KEYS)) {
            entries.forEachRemaining(entry -> {
                budgeted.add(entry.key);
                if (entry.value.getPending() != null) {
                    due.delete(PassengerNoticeProcessor.dueKey(entry.value.getPending().getDueAt(), entry.key));
                }
            });
        }
        budgeted.forEach(budgets::delete);
    }
}
