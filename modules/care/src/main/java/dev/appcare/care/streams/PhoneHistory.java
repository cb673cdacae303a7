package dev.appcare.care.streams;

import java.util.List;

/**
 * What AppCare sent to one phone number, in the {@code care-phone-history} store (key = phone), from
 * {@code notify.whatsapp-request.v1}: which travellers have the number (the requests name them), the
 * language their preference gave, and the last messages. Entries older than {@code care.state.retention}
 * are dropped.
 *
 * @param language the template language of the last request made for a known traveller, or null
 */
public record PhoneHistory(List<String> travellerKeys, String language, List<Sent> sent, long updatedAt) {

    /** One request AppCare made for this number. */
    public record Sent(String messageId, String kind, String templateName, String text, String flightKey, long at) {
    }

    public PhoneHistory {
        travellerKeys = travellerKeys == null ? List.of() : List.copyOf(travellerKeys);
        sent = sent == null ? List.of() : List.copyOf(sent);
    }

    /** The traveller the number last received a request for (the keys are kept most recent last), or null. */
    public String lastTravellerKey() {
        return travellerKeys.isEmpty() ? null : travellerKeys.get(travellerKeys.size() - 1);
    }

    public static PhoneHistory empty() {
        return new PhoneHistory(List.of(), null, List.of(), 0);
    }
}
