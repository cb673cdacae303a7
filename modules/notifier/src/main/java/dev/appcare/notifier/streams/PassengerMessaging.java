package dev.appcare.notifier.streams;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.model.BookingLife;
import dev.appcare.model.consent.Consent;
import dev.appcare.notifier.NotifierConfig;
import dev.appcare.notifier.rules.DecisionReason;
import dev.appcare.notifier.rules.DepartureTimeRule;
import dev.appcare.notifier.rules.NotificationPlanner;
import dev.appcare.notifier.rules.PriorityPolicy;
import dev.appcare.notifier.rules.RequestFactory;
import java.time.Instant;

/**
 * How the traveller side messages a passenger, shared by the processors that do
 * ({@link PassengerNoticeProcessor}, {@link BoardingPassProcessor}): what to say ({@code planner}), whether
 * this passenger may get a kind of message now (consent read at emit time, N5, and a template for the
 * kind), the request that says it ({@code requests}), and the counters ({@code metrics}). Built once per
 * topology; it holds no state of its own, so every task shares it. Public for the benchmark's design
 * variant ({@code RosterVariantTopology} in modules/bench), which messages passengers by the same rule so
 * that it sends exactly the requests this topology sends.
 *
 * @param planner  what a flight change is worth telling a passenger, given what they were told
 * @param requests the WhatsApp request for a planned message (template, language, priority)
 * @param metrics  the notifier's counters
 */
public record PassengerMessaging(NotificationPlanner planner, RequestFactory requests, NotifierMetrics metrics) {

    /**
     * As the notifier role builds it from its configuration: the planner with the delay threshold, the
     * requests from the template catalogue with the urgent window, and the configured counters.
     */
    public static PassengerMessaging from(NotifierConfig config) {
        return new PassengerMessaging(new NotificationPlanner(new DepartureTimeRule(config.delayThreshold())),
                new RequestFactory(config.catalogue(), new PriorityPolicy(config.urgentWindow())), config.metrics());
    }

    /**
     * Why a traveller gets nothing about a flight that departs (as scheduled) at {@code scheduledDeparture},
     * whatever the kind: no preference, the preference belongs to an earlier booking under the same
     * reference, or opted out. Null when the traveller may be messaged ({@link #allowed} says which kinds).
     */
    public static DecisionReason refusal(TravellerPreference preference, Instant scheduledDeparture) {
        return preference == null ? DecisionReason.NO_PREFERENCE
                : !BookingLife.covers(preference, scheduledDeparture) ? DecisionReason.BOOKING_LIFE_OVER
                : preference.getStatus() != OptInStatus.OPTED_IN ? DecisionReason.OPTED_OUT : null;
    }

    /**
     * Whether {@code preference} may get a message of {@code kind} now: the traveller consented to this kind
     * (N5: opted in and the kind among their kinds) and the catalogue has a template for it.
     */
    public boolean allowed(TravellerPreference preference, MessageKind kind) {
        return Consent.allows(preference, kind) && requests.supports(kind);
    }
}
