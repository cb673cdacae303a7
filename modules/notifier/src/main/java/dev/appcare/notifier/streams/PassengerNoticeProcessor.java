package dev.appcare.notifier.streams;

import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.notifier.avro.PassengerMemory;
import dev.appcare.notifier.avro.PassengerNotice;
import dev.appcare.notifier.avro.BudgetState;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.avro.PendingUpdate;
import dev.appcare.notifier.rules.CheckInReminder;
import dev.appcare.notifier.rules.DecisionReason;
import dev.appcare.notifier.rules.Decisions;
import dev.appcare.notifier.rules.ExpiryPolicy;
import dev.appcare.notifier.rules.MessageBudget;
import dev.appcare.notifier.rules.MessageFamily;
import dev.appcare.model.MessageIds;
import dev.appcare.notifier.rules.NotificationPlanner;
import dev.appcare.notifier.rules.NotificationPlanner.Plan;
import dev.appcare.notifier.rules.NotificationPlanner.PlannedMessage;
import dev.appcare.notifier.rules.NotificationPlanner.Withheld;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The traveller side of the fan-out: a flight changed and this passenger is on it. Consent, phone and
 * language are read here, at emit time, from the traveller's current preference (N5); what to say is
 * decided against what this passenger was last told ({@code passenger-memory}, N2, N6) by the
 * {@link NotificationPlanner}; the requests are keyed by the recipient's phone so that one recipient's
 * messages stay in order. Every notice also leaves decision records (N11), keyed by flight: each request
 * made, and each message withheld with its reason.
 *
 * <p>The message budget (N12, {@link MessageBudget}) is kept here too, per traveller and flight
 * ({@code message-budget}): an update it holds back is stored, merged with the ones after it, and sent as
 * one message by a wall-clock punctuation when it is due ({@code budget-due}, keyed by due time, so the
 * punctuation reads only what is due). Both stores have changelogs: a held-back update survives a restart,
 * and the wall clock, not any record's timestamp, decides when it goes. When it goes, consent is read again
 * (an opt-out or erasure in between stops it, N5).
 *
 * <p>A notice marked as the check-in opening (N13, {@link CheckInReminder}) is not a flight change: it
 * becomes one {@code checkin_open} request, outside the budget, unless the passenger has no consent or already
 * has a boarding pass (checked in).
 */
final class PassengerNoticeProcessor implements Processor<String, PassengerNotice, String, SpecificRecord> {
    private final PassengerMessaging messaging;
    private final String sourceTopic;
    private final Duration retention;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, TravellerPreference> preferences;
    private KeyValueStore<String, PassengerMemory> memories;
    private KeyValueStore<String, BudgetState> budgets;
    private KeyValueStore<String, String> due;
    private final MessageBudget budget;

    PassengerNoticeProcessor(PassengerMessaging messaging, String sourceTopic, Duration retention, MessageBudget budget) {
        this.budget = budget;
        this.messaging = messaging;
        this.sourceTopic = sourceTopic;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.preferences = context.getStateStore(NotifierTopology.PREFERENCES_STORE);
        this.memories = context.getStateStore(NotifierTopology.PASSENGER_MEMORY_STORE);
        this.budgets = context.getStateStore(NotifierTopology.BUDGET_STORE);
        this.due = context.getStateStore(NotifierTopology.BUDGET_DUE_STORE);
        context.schedule(StateRetention.SWEEP_INTERVAL, PunctuationType.STREAM_TIME, streamTime -> {
            StateRetention.sweep(memories, streamTime, context.currentSystemTimeMs(), retention, StateRetention::afterBar);
            StateRetention.sweep(budgets, streamTime, context.currentSystemTimeMs(), retention, StateRetention::afterBar);
        });
        context.schedule(budget.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::sendDue);
    }

    @Override
    public void process(Record<String, PassengerNotice> record) {
        if (record.headers().lastHeader(FlightFanOutProcessor.CHECKIN_HEADER) != null) {
            Headers headers = new RecordHeaders(record.headers().toArray());
            headers.remove(FlightFanOutProcessor.CHECKIN_HEADER); // internal marker: not for the request topic
            remindCheckIn(record.withHeaders(headers));
            return;
        }
        PassengerNotice notice = record.value();
        TravellerPreference preference = preferences.get(notice.getTravellerKey());
        DecisionReason refused = PassengerMessaging.refusal(preference, notice.getFlight().getScheduledDeparture());
        if (refused != null) {
            switch (refused) {
                // A recycled booking reference: the preference belongs to an earlier booking whose life ended.
                case BOOKING_LIFE_OVER -> skip(record, "booking-life-over", refused, "the preference belongs to an earlier booking");
                case NO_PREFERENCE -> skip(record, "no-preference", refused, "no WhatsApp opt-in");
                default -> skip(record, "opted-out", refused, "opted out");
            }
            return;
        }
        String memoryKey = notice.getTravellerKey() + "|" + notice.getFlight().getFlightKey();
        Plan plan = messaging.planner().plan(notice.getFlight(), notice.getTravellerKey(), memories.get(memoryKey),
                kind -> messaging.allowed(preference, kind));
        if (plan.isEmpty()) {
            messaging.metrics().skipped("nothing-to-tell");
        }
        // Every request is built before anything is remembered or sent: if building one fails, the passenger
        // has not been told anything, and the record is dead-lettered as a whole.
        List<WhatsAppRequest> built = new ArrayList<>(plan.messages().size());
        for (PlannedMessage message : plan.messages()) {
            built.add(messaging.requests().flightRequest(message, notice.getFlight(), notice.getGivenName(),
                    notice.getFamilyName(), preference, sourceTopic));
        }
        if (!plan.isEmpty()) {
            memories.put(memoryKey, plan.memory());
        }
        for (Withheld withheld : plan.withheld()) {
            decide(record, DecisionOutcome.SUPPRESSED, withheld.reason(), withheld.detail(), withheld.kind(), null);
        }
        if (built.isEmpty()) {
            return;
        }
        // N12: the messages of one event are one update, sent or held back together.
        FlightView flight = notice.getFlight();
        Instant now = flight.getEventTime();
        BudgetState state = budgets.get(memoryKey);
        List<Instant> sent = new ArrayList<>(MessageBudget.recent(state == null ? List.of() : state.getSentAt(), now));
        PendingUpdate pending = state == null ? null : state.getPending();
        MessageBudget.Verdict verdict = budget.decide(plan.messages().stream().map(PlannedMessage::kind).toList(),
                ExpiryPolicy.currentDeparture(flight), now, sent, pending == null ? null : pending.getDueAt());
        if (verdict.send()) {
            if (pending != null) { // only urgent news overtakes a held-back update: it carries the newer state
                due.delete(dueKey(pending.getDueAt(), memoryKey));
                decide(record, DecisionOutcome.SUPPRESSED, DecisionReason.MERGED, pending.getUpdates()
                        + " held-back update(s) overtaken by urgent news", MessageKind.valueOf(pending.getKind()), null);
                messaging.metrics().budget("overtaken");
                pending = null;
            }
            for (WhatsAppRequest request : built) {
                context.forward(record.withKey(request.getRecipient()).withValue(request));
                messaging.metrics().request(request.getKind());
                decide(record, DecisionOutcome.REQUESTED, verdict.reason(), null, request.getKind(), request.getMessageId());
            }
            sent.add(now);
        } else {
            PendingUpdate held = hold(pending, plan.messages(), notice, verdict.dueAt(), now);
            if (pending != null) {
                due.delete(dueKey(pending.getDueAt(), memoryKey));
            }
            due.put(dueKey(held.getDueAt(), memoryKey), memoryKey);
            pending = held;
            for (PlannedMessage message : plan.messages()) {
                decide(record, DecisionOutcome.HELD_BACK, verdict.reason(), "until " + held.getDueAt() + ", merged as "
                        + held.getKind() + " (" + held.getUpdates() + " update(s))", message.kind(), message.messageId());
            }
            messaging.metrics().budget("held-" + verdict.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        budgets.put(memoryKey, new BudgetState(sent, pending));
    }

    /** N13: check-in opened for this passenger's flight. */
    private void remindCheckIn(Record<String, PassengerNotice> record) {
        PassengerNotice notice = record.value();
        FlightView flight = notice.getFlight();
        TravellerPreference preference = preferences.get(notice.getTravellerKey());
        DecisionReason refused = PassengerMessaging.refusal(preference, flight.getScheduledDeparture());
        if (refused == null) {
            refused = CheckInReminder.forPassenger(messaging.allowed(preference, MessageKind.CHECKIN_OPEN),
                    memories.get(notice.getTravellerKey() + "|" + flight.getFlightKey()));
        }
        if (refused != null) {
            messaging.metrics().skipped("checkin-" + refused.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            decide(record, DecisionOutcome.SUPPRESSED, refused, "no check-in reminder", MessageKind.CHECKIN_OPEN, null);
            return;
        }
        Instant departure = ExpiryPolicy.currentDeparture(flight);
        String id = CheckInReminder.messageId(flight.getFlightKey(), notice.getTravellerKey());
        WhatsAppRequest request = messaging.requests().flightRequest(new PlannedMessage(MessageKind.CHECKIN_OPEN, id, null, departure,
                ExpiryPolicy.expiresAt(MessageKind.CHECKIN_OPEN, flight, departure)), flight, notice.getGivenName(),
                notice.getFamilyName(), preference, sourceTopic);
        context.forward(record.withKey(request.getRecipient()).withValue(request));
        messaging.metrics().request(MessageKind.CHECKIN_OPEN);
        decide(record, DecisionOutcome.REQUESTED, DecisionReason.CHECKIN_OPEN, null, MessageKind.CHECKIN_OPEN, id);
    }

    /** {@code pending} (may be null) with this event's messages merged in: the latest state, one message. */
    private static PendingUpdate hold(PendingUpdate pending, List<PlannedMessage> messages, PassengerNotice notice,
                                      Instant dueAt, Instant now) {
        MessageKind kind = null;
        Instant departure = pending == null ? ExpiryPolicy.currentDeparture(notice.getFlight()) : pending.getDeparture();
        String timingSupersedes = pending == null ? null : pending.getTimingSupersedes();
        String gateSupersedes = pending == null ? null : pending.getGateSupersedes();
        for (PlannedMessage message : messages) {
            kind = MessageBudget.merged(kind == null ? (pending == null ? message.kind() : MessageKind.valueOf(pending.getKind()))
                    : kind, message.kind());
            if (MessageFamily.of(message.kind()) == MessageFamily.GATE) {
                gateSupersedes = pending == null || pending.getGateSupersedes() == null ? message.supersedes() : gateSupersedes;
            } else {
                departure = message.departure();
                timingSupersedes = pending == null || pending.getTimingSupersedes() == null ? message.supersedes() : timingSupersedes;
            }
        }
        return new PendingUpdate(kind.name(), departure, timingSupersedes, gateSupersedes,
                pending == null ? now : pending.getHeldSince(), dueAt, pending == null ? 1 : pending.getUpdates() + 1,
                notice.getGivenName(), notice.getFamilyName(), notice.getFlight());
    }

    /** Wall-clock punctuation: every held-back update whose time has come goes out as one message. */
    private void sendDue(long wallClock) {
        Instant now = Instant.ofEpochMilli(wallClock);
        for (KeyValue<String, String> entry : dueBy(due, wallClock)) {
            due.delete(entry.key);
            BudgetState state = budgets.get(entry.value);
            if (state == null || state.getPending() == null) {
                continue; // erased, swept or overtaken meanwhile
            }
            PendingUpdate pending = state.getPending();
            List<Instant> sent = new ArrayList<>(MessageBudget.recent(state.getSentAt(), now));
            Instant later = budget.dueAt(sent, now);
            if (later != null) { // a message went out meanwhile (urgent): wait for the budget again
                due.put(dueKey(later, entry.value), entry.value);
                budgets.put(entry.value, new BudgetState(sent, PendingUpdate.newBuilder(pending).setDueAt(later).build()));
                continue;
            }
            if (sendMerged(entry.value, pending, now)) {
                sent.add(now);
            }
            budgets.put(entry.value, new BudgetState(sent, null));
        }
    }

    private boolean sendMerged(String memoryKey, PendingUpdate pending, Instant now) {
        String traveller = StateRetention.beforeBar(memoryKey);
        FlightView flight = pending.getFlight();
        MessageKind kind = MessageKind.valueOf(pending.getKind());
        TravellerPreference preference = preferences.get(traveller);
        Instant departure = kind == MessageKind.GATE_CHANGE ? ExpiryPolicy.currentDeparture(flight) : pending.getDeparture();
        Instant expiresAt = ExpiryPolicy.expiresAt(kind, flight, departure);
        DecisionReason refused = PassengerMessaging.refusal(preference, flight.getScheduledDeparture());
        if (refused == null) {
            refused = !messaging.allowed(preference, kind) ? DecisionReason.NO_CONSENT
                    : !expiresAt.isAfter(now) ? DecisionReason.BORN_EXPIRED : null;
        }
        if (refused != null) {
            timerDecision(now, traveller, flight, DecisionOutcome.SUPPRESSED, refused, "held-back " + kind
                    + " not sent when due", kind, null);
            messaging.metrics().budget("dropped");
            return false;
        }
        String id = MessageIds.derive(kind, flight.getEventId(), traveller);
        String supersedes = MessageFamily.of(kind) == MessageFamily.GATE ? pending.getGateSupersedes() : pending.getTimingSupersedes();
        WhatsAppRequest request = messaging.requests().flightRequest(new PlannedMessage(kind, id, supersedes, departure, expiresAt),
                flight, pending.getGivenName(), pending.getFamilyName(), preference, sourceTopic);
        context.forward(new Record<String, SpecificRecord>(request.getRecipient(), request, now.toEpochMilli()));
        messaging.metrics().request(kind);
        messaging.metrics().budget("sent-merged");
        timerDecision(now, traveller, flight, DecisionOutcome.REQUESTED, DecisionReason.MERGED, pending.getUpdates()
                + " update(s) merged, held back since " + pending.getHeldSince(), kind, id);
        return true;
    }

    private void timerDecision(Instant now, String traveller, FlightView flight, DecisionOutcome outcome,
                               DecisionReason reason, String detail, MessageKind kind, String messageId) {
        context.forward(new Record<String, SpecificRecord>(flight.getFlightKey(), Decisions.passenger(now,
                flight.getFlightKey(), traveller, flight.getEventId(), outcome, reason, detail, kind, messageId),
                now.toEpochMilli()));
    }

    /** The entries of a store keyed by {@link #dueKey} that are due at {@code wallClock}, in time order. */
    static List<KeyValue<String, String>> dueBy(KeyValueStore<String, String> due, long wallClock) {
        List<KeyValue<String, String>> ready = new ArrayList<>();
        try (KeyValueIterator<String, String> entries = due.all()) { // ordered by due time: stop at the first not due
            while (entries.hasNext()) {
                KeyValue<String, String> entry = entries.next();
                if (Long.parseLong(entry.key.substring(0, entry.key.indexOf('|'))) > wallClock) {
                    break;
                }
                ready.add(entry);
            }
        }
        return ready;
    }

    /** Key of {@code budget-due} and {@code checkin-due}: the due time, zero-padded so that the store's byte order is time order. */
    static String dueKey(Instant dueAt, String memoryKey) {
        return String.format("%013d|%s", dueAt.toEpochMilli(), memoryKey);
    }

    private void skip(Record<String, PassengerNotice> record, String metric, DecisionReason reason, String detail) {
        messaging.metrics().skipped(metric);
        decide(record, DecisionOutcome.SUPPRESSED, reason, detail, null, null);
    }

    private void decide(Record<String, PassengerNotice> record, DecisionOutcome outcome, DecisionReason reason,
                        String detail, MessageKind kind, String messageId) {
        FlightView flight = record.value().getFlight();
        context.forward(record.withKey(flight.getFlightKey()).withValue(Decisions.passenger(Instant.ofEpochMilli(record.timestamp()),
                flight.getFlightKey(), record.value().getTravellerKey(), flight.getEventId(), outcome, reason, detail,
                kind, messageId)));
    }
}
