package dev.appcare.care.streams;

import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareConfig;
import dev.appcare.care.rules.CareInputLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Remembers, per phone number, what AppCare sent it (notifications and care's own replies), which
 * travellers the requests named and the language of their preference: the "what AppCare sent them"
 * part of an agent's context (rule C3) and the traveller's language for care's replies (rule C1).
 */
final class SentHistoryProcessor implements Processor<String, byte[], String, Object> {
    static final int MAX_SENT = 10;
    static final int MAX_TRAVELLERS = 9;

    private final CareConfig config;
    private final CareInputs<WhatsAppRequest> inputs;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, PhoneHistory> histories;

    SentHistoryProcessor(CareConfig config) {
        this.config = config;
        this.inputs = new CareInputs<>(WhatsAppRequest.class, config.serdeConfig(), config.metrics(), config.clock(),
                "whatsapp-request");
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.histories = context.getStateStore(CareTopology.PHONE_HISTORY_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        inputs.decode(context, record).ifPresent(request -> {
            if (inputs.refused(context, record, CareInputLimits.sentRequest(request, config.clock().instant()))) {
                return;
            }
            String phone = request.getRecipient();
            PhoneHistory history = histories.get(phone);
            histories.put(phone, add(history == null ? PhoneHistory.empty() : history, request,
                    config.clock().instant().minus(config.stateRetention())));
            config.metrics().event("sent-remembered");
        });
    }

    static PhoneHistory add(PhoneHistory history, WhatsAppRequest request, Instant dropBefore) {
        String travellerKey = request.getCorrelation() == null ? null : request.getCorrelation().getTravellerKey();
        List<String> travellers = new ArrayList<>(history.travellerKeys());
        String language = history.language();
        if (travellerKey != null) {
            travellers.remove(travellerKey);
            travellers.add(travellerKey); // most recent last
            while (travellers.size() > MAX_TRAVELLERS) {
                travellers.remove(0);
            }
            language = request.getLanguage();
        }
        List<PhoneHistory.Sent> sent = new ArrayList<>(history.sent().stream()
                .filter(s -> !s.messageId().equals(request.getMessageId()))
                .filter(s -> s.at() >= dropBefore.toEpochMilli()).toList());
        sent.add(new PhoneHistory.Sent(request.getMessageId(), request.getKind().name(),
                request.getText() == null ? request.getTemplateName() : null, request.getText(),
                request.getCorrelation() == null ? null : request.getCorrelation().getFlightKey(),
                request.getCreatedAt().toEpochMilli()));
        while (sent.size() > MAX_SENT) {
            sent.remove(0);
        }
        return new PhoneHistory(travellers, language, sent, Math.max(history.updatedAt(), request.getCreatedAt().toEpochMilli()));
    }
}
