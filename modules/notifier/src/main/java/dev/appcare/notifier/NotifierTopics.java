package dev.appcare.notifier;

import dev.appcare.model.topics.Topics;
import java.util.List;
import java.util.Objects;

/**
 * The topics the notifier reads and writes. Always the contract's names ({@link Topics}); an optional
 * suffix gives a whole set of its own to a test or to an environment that shares a cluster
 * ({@code flight.status.v1-staging}), with the schema subjects following along.
 */
public record NotifierTopics(String flightStatus, String boardingPass, String passengerSegment,
                             String travellerPreference, String whatsappRequest, String deadLetters,
                             String decisions) {

    public NotifierTopics {
        Objects.requireNonNull(flightStatus);
        Objects.requireNonNull(boardingPass);
        Objects.requireNonNull(passengerSegment);
        Objects.requireNonNull(travellerPreference);
        Objects.requireNonNull(whatsappRequest);
        Objects.requireNonNull(deadLetters);
        Objects.requireNonNull(decisions);
    }

    /** The contract's topics, as they are in production. */
    public static NotifierTopics contract() {
        return withSuffix("");
    }

    /** The contract's topics with {@code suffix} appended to every name ({@code ""} for none). */
    public static NotifierTopics withSuffix(String suffix) {
        return new NotifierTopics(
                Topics.FLIGHT_STATUS.name() + suffix,
                Topics.BOARDING_PASS.name() + suffix,
                Topics.PASSENGER_SEGMENT.name() + suffix,
                Topics.TRAVELLER_PREFERENCE.name() + suffix,
                Topics.WHATSAPP_REQUEST.name() + suffix,
                Topics.NOTIFIER_DLQ.name() + suffix,
                Topics.NOTIFIER_DECISION.name() + suffix);
    }

    public List<String> inputs() {
        return List.of(flightStatus, boardingPass, passengerSegment, travellerPreference);
    }

    public List<String> all() {
        return List.of(flightStatus, boardingPass, passengerSegment, travellerPreference, whatsappRequest, deadLetters,
                decisions);
    }
}
