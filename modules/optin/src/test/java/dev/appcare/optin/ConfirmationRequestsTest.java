package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.ConsentEvidence;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfirmationRequestsTest {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final TravellerKey TRAVELLER = TravellerKey.of("ABC123", "1");
    private final ConfirmationRequests confirmations =
            new ConfirmationRequests(TemplateCatalogue.loadDefault(), Duration.ofHours(24), "traveller.preference.v1");

    private static TravellerPreference optIn(String phone, String locale, Instant givenAt) {
        return PreferenceRules.optIn(TRAVELLER.key(), null, new OptInRequest(phone, locale, List.of(MessageKind.DELAY),
                new ConsentEvidence(givenAt, "booking-web", "v3")), T0).next();
    }

    @Test
    void shouldBuildTheConfirmationRequest() {
        WhatsAppRequest request = confirmations.confirmationOf(TRAVELLER, optIn("+31612345678", "nl_NL", T0), T0.plusMillis(1));

        assertThat(request).isEqualTo(WhatsAppRequest.newBuilder()
                .setMessageId(MessageIds.derive(MessageKind.OPTIN_CONFIRMATION, "optin:+31612345678@" + T0.toEpochMilli(), "ABC123/1"))
                .setKind(MessageKind.OPTIN_CONFIRMATION)
                .setRecipient("+31612345678")
                .setTemplateName("optin_confirmation")
                .setLanguage("nl")
                .setParameters(List.of(new TemplateParameter(null, "ABC123")))
                .setDocumentHeader(null)
                .setPriority(Priority.NORMAL)
                .setCreatedAt(T0.plusMillis(1))
                .setExpiresAt(T0.plusMillis(1).plus(Duration.ofHours(24)))
                .setSupersedes(null)
                .setCorrelation(new Correlation("ABC123/1", null, "traveller.preference.v1", null))
                .build());
    }

    @Test
    void shouldGiveTheSameOptInTheSameIdWhenRetried() {
        WhatsAppRequest first = confirmations.confirmationOf(TRAVELLER, optIn("+31612345678", "nl_NL", T0), T0);
        WhatsAppRequest retry = confirmations.confirmationOf(TRAVELLER, optIn("+31612345678", "nl_NL", T0), T0.plusSeconds(30));

        assertThat(retry.getMessageId()).isEqualTo(first.getMessageId()).startsWith("optin-confirmation-");
    }

    @Test
    void shouldGiveANewConsentOrNumberANewId() {
        String first = ConfirmationRequests.messageId(optIn("+31612345678", "nl_NL", T0));

        assertThat(ConfirmationRequests.messageId(optIn("+31612345678", "nl_NL", T0.plusSeconds(1)))).isNotEqualTo(first);
        assertThat(ConfirmationRequests.messageId(optIn("+447400123456", "nl_NL", T0))).isNotEqualTo(first);
    }

    @ParameterizedTest
    @CsvSource({"nl_BE, nl", "en_AU, en_GB", "pt, pt_BR", "pt_PT, pt_PT", "en_CA, en_US", "de_CH, de"})
    void shouldWriteInTheTravellersLanguage(String locale, String language) {
        assertThat(confirmations.confirmationOf(TRAVELLER, optIn("+31612345678", locale, T0), T0).getLanguage()).isEqualTo(language);
    }
}
