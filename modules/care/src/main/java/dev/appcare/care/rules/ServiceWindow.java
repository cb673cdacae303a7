package dev.appcare.care.rules;

import java.time.Duration;
import java.time.Instant;

/**
 * WhatsApp's customer-service window (rule C3): free-form messages are delivered only within 24 hours of
 * the traveller's last message; outside it only a template may be sent (free-form text fails with 131047).
 */
public final class ServiceWindow {
    public static final Duration LENGTH = Duration.ofHours(24);

    private ServiceWindow() {
    }

    /** @param lastInbound when the traveller last wrote, or null if never */
    public static boolean isOpen(Instant lastInbound, Instant now) {
        return lastInbound != null && now.isBefore(closesAt(lastInbound));
    }

    public static Instant closesAt(Instant lastInbound) {
        return lastInbound.plus(LENGTH);
    }
}
