package dev.appcare.notifier.rules;

import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.TravellerPreference;

/**
 * Rule N5, as the notifier applies it at emit time: a traveller gets a kind of message only while opted
 * in to it. Earlier-departure and back-on-time messages are corrections of a delay and go to travellers
 * who opted in to {@link MessageKind#DELAY} (as the {@code MessageKind} contract says).
 */
public final class Consent {
    private Consent() {
    }

    public static boolean allows(TravellerPreference preference, MessageKind kind) {
        return preference != null
                && preference.getStatus() == OptInStatus.OPTED_IN
                && preference.getKinds().contains(consentKind(kind));
    }

    /** The kind a traveller opts in to that covers {@code kind}. */
    public static MessageKind consentKind(MessageKind kind) {
        return switch (kind) {
            case EARLIER_DEPARTURE, BACK_ON_TIME -> MessageKind.DELAY;
            default -> kind;
        };
    }
}
