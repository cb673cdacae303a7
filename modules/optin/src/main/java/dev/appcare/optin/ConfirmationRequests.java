package dev.appcare.optin;

import dev.appcare.avro.Correlation;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.MessageIds;
import dev.appcare.model.templates.TemplateCatalogue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The WhatsApp message that confirms a new opt-in (template {@code optin_confirmation}, as WhatsApp's
 * opt-in practice expects), sent to the number that was opted in.
 *
 * <p>Its message id is derived from what it confirms (traveller, number and the consent's time), so a
 * retried call, or a second instance racing the first, yields the same id and the sender sends it once.
 */
final class ConfirmationRequests {
    private final TemplateCatalogue catalogue;
    private final TemplateCatalogue.Template template;
    private final Duration timeToLive;
    private final String preferenceTopic;

    ConfirmationRequests(TemplateCatalogue catalogue, Duration timeToLive, String preferenceTopic) {
        this.catalogue = catalogue;
        this.template = catalogue.template(MessageKind.OPTIN_CONFIRMATION).orElseThrow(() ->
                new IllegalStateException("the template catalogue has no template for OPTIN_CONFIRMATION"));
        this.timeToLive = timeToLive;
        this.preferenceTopic = preferenceTopic;
    }

    WhatsAppRequest confirmationOf(TravellerKey traveller, TravellerPreference optIn, Instant now) {
        Instant createdAt = now.truncatedTo(ChronoUnit.MILLIS);
        List<TemplateParameter> parameters = template.orderedValues(Map.of("bookingReference", traveller.pnr())).stream()
                .map(value -> new TemplateParameter(null, value))
                .toList();
        return WhatsAppRequest.newBuilder()
                .setMessageId(messageId(optIn))
                .setKind(MessageKind.OPTIN_CONFIRMATION)
                .setRecipient(optIn.getPhoneE164())
                .setTemplateName(template.name())
                .setLanguage(catalogue.resolveLanguage(optIn.getLocale()))
                .setParameters(parameters)
                .setDocumentHeader(null)
                .setPriority(Priority.NORMAL)
                .setCreatedAt(createdAt)
                .setExpiresAt(createdAt.plus(timeToLive))
                .setSupersedes(null)
                .setCorrelation(Correlation.newBuilder()
                        .setTravellerKey(optIn.getTravellerKey())
                        .setFlightKey(null)
                        .setSourceTopic(preferenceTopic)
                        .setSourceEventId(null)
                        .build())
                .build();
    }

    /** Same traveller, number and consent time: same id. */
    static String messageId(TravellerPreference optIn) {
        String about = "optin:" + optIn.getPhoneE164() + "@" + optIn.getConsent().getGivenAt().toEpochMilli();
        return MessageIds.derive(MessageKind.OPTIN_CONFIRMATION, about, optIn.getTravellerKey());
    }
}
