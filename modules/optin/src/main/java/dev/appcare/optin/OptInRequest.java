package dev.appcare.optin;

import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import java.time.Instant;
import java.util.List;

/**
 * A validated opt-in or change (the body of {@code PUT /v1/travellers/{pnr}/{passengerId}/whatsapp}).
 *
 * @param phoneE164 the number normalised to E.164
 * @param locale    the traveller's locale in WhatsApp notation ({@code nl_BE}); always one the template
 *                  catalogue can serve
 * @param kinds     the kinds of message wanted, without duplicates, in the enum's order
 * @param consent   evidence of the consent (instants truncated to milliseconds, as Avro keeps them)
 */
record OptInRequest(String phoneE164, String locale, List<MessageKind> kinds, ConsentEvidence consent, Instant validUntil) {
    OptInRequest {
        kinds = List.copyOf(kinds);
    }

    /** Not bound to a booking's life (no last departure given). */
    OptInRequest(String phoneE164, String locale, List<MessageKind> kinds, ConsentEvidence consent) {
        this(phoneE164, locale, kinds, consent, null);
    }
}
