package dev.appcare.optin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.templates.TemplateCatalogue;
import java.time.Instant;

/**
 * The JSON representation of a preference in responses (documented in openapi.yaml as {@code Preference}).
 *
 * @param json      makes the nodes
 * @param catalogue resolves the preference's locale to its template language
 */
record PreferenceJson(ObjectMapper json, TemplateCatalogue catalogue) {

    ObjectNode toJson(TravellerPreference preference) {
        ObjectNode node = json.createObjectNode();
        node.put("travellerKey", preference.getTravellerKey());
        node.put("phone", preference.getPhoneE164());
        node.put("locale", preference.getLocale());
        node.put("templateLanguage", catalogue.resolveLanguage(preference.getLocale()));
        node.put("status", preference.getStatus().name());
        ArrayNode kinds = node.putArray("kinds");
        for (MessageKind kind : preference.getKinds()) {
            kinds.add(kind.name());
        }
        ObjectNode consent = node.putObject("consent");
        consent.put("givenAt", instant(preference.getConsent().getGivenAt()));
        consent.put("channel", preference.getConsent().getChannel());
        consent.put("textVersion", preference.getConsent().getTextVersion());
        node.put("optedOutAt", instant(preference.getOptedOutAt()));
        node.put("optOutSource", preference.getOptOutSource());
        node.put("updatedAt", instant(preference.getUpdatedAt()));
        return node;
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
