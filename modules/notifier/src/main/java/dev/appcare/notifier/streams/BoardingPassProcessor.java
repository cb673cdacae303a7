package dev.appcare.notifier.streams;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.DecisionOutcome;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.notifier.avro.PassengerMemory;
import dev.appcare.notifier.rules.DecisionReason;
import dev.appcare.notifier.rules.Decisions;
import dev.appcare.notifier.rules.NotificationPlanner.Plan;
import dev.appcare.notifier.rules.NotificationPlanner.PlannedMessage;
import dev.appcare.notifier.rules.NotificationPlanner.Withheld;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Boarding passes (N8): keyed by traveller like the preferences, so they meet them without a
 * repartition. A pass is sent when it is newer (issueSequence) than the last one sent to the passenger
 * for that flight; a re-issue supersedes the earlier pass. Each pass leaves a decision record (N11), keyed
 * by flight: requested, or suppressed and why.
 */
final class BoardingPassProcessor implements Processor<String, BoardingPassIssued, String, SpecificRecord> {
    private final PassengerMessaging messaging;
    private final String sourceTopic;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, TravellerPreference> preferences;
    private KeyValueStore<String, PassengerMemory> memories;

    BoardingPassProcessor(PassengerMessaging messaging, String sourceTopic) {
        this.messaging = messaging;
        this.sourceTopic = sourceTopic;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.preferences = context.getStateStore(NotifierTopology.PREFERENCES_STORE);
        this.memories = context.getStateStore(NotifierTopology.PASSENGER_MEMORY_STORE);
    }

    @Override
    public void process(Record<String, BoardingPassIssued> record) {
        BoardingPassIssued pass = record.value();
        TravellerPreference preference = preferences.get(pass.getTravellerKey());
        DecisionReason refused = PassengerMessaging.refusal(preference, pass.getScheduledDeparture());
        boolean consented = refused == null && messaging.allowed(preference, MessageKind.BOARDING_PASS);
        String memoryKey = pass.getTravellerKey() + "|" + pass.getFlightKey();
        PassengerMemory memory = memories.get(memoryKey);
        Plan plan = messaging.planner().planBoardingPass(pass, memory, consented);
        if (plan.isEmpty()) {
            messaging.metrics().skipped(consented ? "stale-boarding-pass" : "no-consent");
            Withheld withheld = plan.withheld().get(0);
            DecisionReason reason = refused != null ? refused : withheld.reason();
            decide(record, DecisionOutcome.SUPPRESSED, reason, reason == withheld.reason() ? withheld.detail() : null, null);
            return;
        }
        List<WhatsAppRequest> built = new ArrayList<>(plan.messages().size());
        for (PlannedMessage message : plan.messages()) {
            built.add(messaging.requests().boardingPassRequest(message, pass, preference, sourceTopic));
        }
        memories.put(memoryKey, plan.memory());
        for (WhatsAppRequest request : built) {
            context.forward(record.withKey(request.getRecipient()).withValue(request));
            messaging.metrics().request(request.getKind());
            decide(record, DecisionOutcome.REQUESTED, DecisionReason.MATERIAL_CHANGE, null, request.getMessageId());
        }
    }

    private void decide(Record<String, BoardingPassIssued> record, DecisionOutcome outcome, DecisionReason reason,
                        String detail, String messageId) {
        BoardingPassIssued pass = record.value();
        context.forward(record.withKey(pass.getFlightKey()).withValue(Decisions.passenger(Instant.ofEpochMilli(record.timestamp()),
                pass.getFlightKey(), pass.getTravellerKey(), pass.getEventId(), outcome, reason, detail,
                MessageKind.BOARDING_PASS, messageId)));
    }
}
