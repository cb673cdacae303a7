package dev.appcare.sender;

import dev.appcare.avro.Correlation;
import dev.appcare.avro.DocumentHeader;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test requests with valid simulator templates. */
public final class Requests {
    private Requests() {
    }

    /** A gate_change request (4 body parameters) to {@code recipient} for {@code travellerKey}. */
    public static WhatsAppRequest.Builder gateChange(String messageId, String recipient, String travellerKey) {
        return WhatsAppRequest.newBuilder()
                .setMessageId(messageId)
                .setKind(MessageKind.GATE_CHANGE)
                .setRecipient(recipient)
                .setTemplateName("gate_change")
                .setLanguage("en")
                .setParameters(params("Anna", "KL1234", "D7", "14:05"))
                .setDocumentHeader(null)
                .setPriority(Priority.NORMAL)
                .setCreatedAt(Instant.now())
                .setExpiresAt(Instant.now().plus(Duration.ofHours(2)))
                .setSupersedes(null)
                .setCorrelation(Correlation.newBuilder().setTravellerKey(travellerKey)
                        .setFlightKey("KL1234/2026-11-23/AMS").setSourceTopic("flight.status.v1")
                        .setSourceEventId("evt-" + messageId).build());
    }

    /** A boarding_pass request (document header + 4 parameters). */
    public static WhatsAppRequest.Builder boardingPass(String messageId, String recipient, String travellerKey) {
        return gateChange(messageId, recipient, travellerKey)
                .setKind(MessageKind.BOARDING_PASS)
                .setTemplateName("boarding_pass")
                .setLanguage("nl")
                .setParameters(params("Anna", "KL1234", "12A", "13:35"))
                .setDocumentHeader(DocumentHeader.newBuilder().setLink("https://passes.example.com/ABC123-1.pdf")
                        .setFilename("boarding-pass-KL1234.pdf").build());
    }

    public static List<TemplateParameter> params(String... values) {
        List<TemplateParameter> list = new ArrayList<>();
        for (String v : values) {
            list.add(TemplateParameter.newBuilder().setName(null).setValue(v).build());
        }
        return list;
    }
}
