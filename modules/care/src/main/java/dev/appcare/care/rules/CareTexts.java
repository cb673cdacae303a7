package dev.appcare.care.rules;

import java.util.Map;
import java.util.Objects;

/**
 * Care's own wording in one language. Placeholders in braces: {@code {minutes}}, {@code {hours}},
 * {@code {zone}}, {@code {next}}, {@code {flight}}, {@code {date}}, {@code {status}}, {@code {time}},
 * {@code {gate}}, {@code {link}}.
 *
 * @param open         agents on duty: "... usually answers within {minutes} minutes."
 * @param closed       after hours: "... available {hours} ({zone} time). We will answer from {next}."
 * @param complex      complex questions take longer
 * @param faqIntro     before the FAQ answers
 * @param flightFact   a flight's facts instead of a generic answer
 * @param gate         the gate part of flightFact, when a gate is known
 * @param privacy      the privacy statement line of a conversation's first reply (rule C6)
 * @param stillWaiting a later message while an agent has the conversation
 * @param status       FlightStatus symbol -> words
 */
public record CareTexts(String open, String closed, String complex, String faqIntro, String flightFact, String gate,
                        String privacy, String stillWaiting, Map<String, String> status) {
    public CareTexts {
        Objects.requireNonNull(open, "open");
        Objects.requireNonNull(closed, "closed");
        Objects.requireNonNull(complex, "complex");
        Objects.requireNonNull(faqIntro, "faqIntro");
        Objects.requireNonNull(flightFact, "flightFact");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(privacy, "privacy");
        Objects.requireNonNull(stillWaiting, "stillWaiting");
        status = Map.copyOf(status);
    }

    static String fill(String text, Map<String, String> values) {
        String out = text;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", e.getValue() == null ? "" : e.getValue());
        }
        return out;
    }
}
