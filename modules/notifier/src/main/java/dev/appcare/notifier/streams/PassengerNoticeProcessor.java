package dev.appcare.notifier.streams;

import dev.appcare.avro.OptInStatus;
import dev.appcare.model.BookingLife;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.notifier.avro.PassengerMemory;
import dev.appcare.notifier.avro.PassengerNotice;
import dev.appcare.model.consent.Consent;
import dev.appcare.notifier.rules.NotificationPlanner;
import dev.appcare.notifier.rules.NotificationPlanner.Plan;
import dev.appcare.notifier.rules.NotificationPlanner.PlannedMessage;
import dev.appcare.notifier.rules.RequestFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The traveller side of the fan-out: a flight changed and this passenger is on it. Consent, phone and
 * language are read here, at emit time, from the traveller's current preference (N5); what to say is
 * decided against what this passenger was last told ({@code passenger-memory}, N2, N6) by the
 * {@link NotificationPlanner}; the requests are keyed by the recipient's phone so that one recipient's
 * messages stay in order.
 */
final class PassengerNoticeProcessor implements Processor<String, PassengerNotice, String, WhatsAppRequest> {
    private final NotificationPlanner planner;
    private final RequestFactory requests;
    private final NotifierMetrics metrics;
    private final String sourceTopic;
    private final Duration retention;
    private ProcessorContext<String, WhatsAppRequest> context;
    private KeyValueStore<String, TravellerPreference> preferences;
    private KeyValueStore<String, PassengerMemory> memories;

    PassengerNoticeProcessor(NotificationPlanner planner, RequestFactory requests, NotifierMetrics metrics,
                             String sourceTopic, Duration retention) {
        this.planner = planner;
        this.requests = requests;
        this.metrics = metrics;
        this.sourceTopic = sourceTopic;
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, WhatsAppRequest> context) {
        this.context = context;
        this.preferences = context.getStateStore(NotifierTopology.PREFERENCES_STORE);
        this.memories = context.getStateStore(NotifierTopology.PASSENGER_MEMORY_STORE);
        context.schedule(StateRetention.SWEEP_INTERVAL, PunctuationType.STREAM_TIME,
                streamTime -> StateRetention.sweep(memories, streamTime, context.currentSystemTimeMs(), retention, StateRetention::afterBar));
    }

    @Override
    public void process(Record<String, PassengerNotice> record) {
        PassengerNotice notice = record.value();
        TravellerPreference stored = preferences.get(notice.getTravellerKey());
        // A recycled booking reference: the preference belongs to an earlier booking whose life ended.
        TravellerPreference preference = stored == null || BookingLife.covers(stored, notice.getFlight().getScheduledDeparture())
                ? stored : null;
        if (stored != null && preference == null) {
            metrics.skipped("booking-life-over");
            return;
        }
        if (preference == null || preference.getStatus() != OptInStatus.OPTED_IN) {
            metrics.skipped(preference == null ? "no-preference" : "opted-out");
            return;
        }
        String memoryKey = notice.getTravellerKey() + "|" + notice.getFlight().getFlightKey();
        Plan plan = planner.plan(notice.getFlight(), notice.getTravellerKey(), memories.get(memoryKey),
                kind -> Consent.allows(preference, kind) && requests.supports(kind));
        if (plan.isEmpty()) {
            metrics.skipped("nothing-to-tell");
            return;
        }
        // Every request is built before anything is remembered or sent: if building one fails, the passenger
        // has not been told anything, and the record is dead-lettered as a whole.
        List<WhatsAppRequest> built = new ArrayList<>(plan.messages().size());
        for (PlannedMessage message : plan.messages()) {
            built.add(requests.flightRequest(message, notice.getFlight(), notice.getGivenName(),
                    notice.getFamilyName(), preference, sourceTopic));
        }
        memories.put(memoryKey, plan.memory());
        for (WhatsAppRequest request : built) {
            context.forward(record.withKey(request.getRecipient()).withValue(request));
            metrics.request(request.getKind());
        }
    }
}
