package dev.appcare.care.streams;

import dev.appcare.care.CareConfig;
import dev.appcare.care.rules.FlightFact;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What care knows about a phone number while it answers it, as the inbound and agent-reply processors
 * read and write it: the number's conversation ({@code care-conversations}), what AppCare sent it
 * ({@code care-phone-history}, written by {@link SentHistoryProcessor}) and the booked flights of the
 * travellers that history names ({@link TravellerContext}). One instance per processor, opened in its
 * {@link #init}.
 */
final class CareState {
    private final TravellerContext travellers;
    private KeyValueStore<String, Conversation> conversations;
    private KeyValueStore<String, PhoneHistory> histories;

    CareState(CareConfig config) {
        this.travellers = new TravellerContext(config.serdeConfig(), config.metrics());
    }

    void init(ProcessorContext<?, ?> context) {
        this.conversations = context.getStateStore(CareTopology.CONVERSATIONS_STORE);
        this.histories = context.getStateStore(CareTopology.PHONE_HISTORY_STORE);
        travellers.init(context);
    }

    /** The number's conversation, or null when it has none. */
    Conversation conversation(String phone) {
        return conversations.get(phone);
    }

    /** What AppCare sent the number; empty when it sent it nothing (or that was longer ago than the retention). */
    PhoneHistory history(String phone) {
        PhoneHistory history = histories.get(phone);
        return history == null ? PhoneHistory.empty() : history;
    }

    void put(String phone, Conversation conversation) {
        conversations.put(phone, conversation);
    }

    /** Every active segment of the travellers the history names, with the flight's last known status. */
    List<FlightFact> flights(PhoneHistory history) {
        return travellers.flights(history.travellerKeys());
    }

    /**
     * Rule C6: deletes the conversations and histories whose last activity is before {@code before} (epoch
     * milliseconds); true when it deleted any.
     */
    boolean expire(long before) {
        List<String> expired = phonesWhere(conversations, conversation -> conversation.lastActivityAt() < before);
        expired.forEach(conversations::delete);
        List<String> old = phonesWhere(histories, history -> history.updatedAt() < before);
        old.forEach(histories::delete);
        return !expired.isEmpty() || !old.isEmpty();
    }

    /** The numbers whose history names a traveller for whom {@code test} holds. */
    Set<String> phonesNaming(Predicate<String> test) {
        return new HashSet<>(phonesWhere(histories, history -> history.travellerKeys().stream().anyMatch(test)));
    }

    /** Deletes everything care holds about the number: its history and its conversation. */
    void erase(String phone) {
        histories.delete(phone);
        conversations.delete(phone);
    }

    /** The keys whose value passes {@code test}, collected before any is deleted (a store is not changed while iterated). */
    private static <V> List<String> phonesWhere(KeyValueStore<String, V> store, Predicate<V> test) {
        List<String> phones = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> entry = all.next();
                if (test.test(entry.value)) {
                    phones.add(entry.key);
                }
            }
        }
        return phones;
    }
}
