package dev.appcare.sender;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * WhatsApp's messaging limit of one business portfolio: how many unique users its numbers may start
 * conversations with (business-initiated, i.e. template messages) in a rolling 24 hours — a tier of
 * 250, 2,000, 10,000, 100,000 or unlimited, shared by all the portfolio's numbers.
 *
 * <p>This instance counts the recipients it contacted in the window (a recipient already in it costs
 * nothing more) against its share of the tier ({@link #share}: requests are keyed by recipient, so each
 * recipient lives on one request partition and the instances' sets are disjoint; an instance owning 2
 * of 6 partitions gets a third). {@link SendDecisions#room} decides; within {@code urgentReserve} of the
 * limit only URGENT requests start new conversations, NORMAL and BULK ones wait (and expire with their
 * reason if the room does not come in time). The count is held in memory: a restarted instance, or one
 * that was given a partition, starts counting those recipients from zero (docs/sender.md).
 *
 * <p>Thread-safe (synchronized): the dispatcher decides, gauges read.
 */
final class MessagingLimit {
    /** The tiers WhatsApp grants; {@link #UNLIMITED} for the last. */
    static final long UNLIMITED = -1;

    private final String portfolio;
    private final long tier;
    private final double urgentReserve;
    private final long windowMillis;
    /** Recipient → when this instance first contacted them in the window; insertion (= time) order. */
    private final LinkedHashMap<String, Long> contacted = new LinkedHashMap<>();
    private double share = 1.0;

    MessagingLimit(String portfolio, long tier, double urgentReserve, Duration window) {
        if (!(urgentReserve >= 0 && urgentReserve < 1)) {
            throw new IllegalArgumentException("sender.messaging-limit.urgent-reserve must be in [0, 1), got " + urgentReserve);
        }
        this.portfolio = portfolio;
        this.tier = tier;
        this.urgentReserve = urgentReserve;
        this.windowMillis = window.toMillis();
    }

    /** Parses a tier: 250, 2000, 10000, 100000 or unlimited (thousands separators allowed). */
    static long parseTier(String key, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT).replace(",", "").replace("_", "");
        if (v.equals("unlimited")) {
            return UNLIMITED;
        }
        return switch (v) {
            case "250", "2000", "10000", "100000" -> Long.parseLong(v);
            default -> throw new IllegalArgumentException(key + " must be one of WhatsApp's tiers 250, 2000, "
                    + "10000, 100000 or unlimited, got '" + value + "'");
        };
    }

    /**
     * Whether a request to {@code recipient} may be sent now; if so (and it starts a conversation) the
     * recipient is counted in the window from {@code now}.
     */
    synchronized SendDecisions.Room admit(String recipient, boolean businessInitiated, boolean urgent, long now) {
        prune(now);
        long limit = limit();
        SendDecisions.Room room = SendDecisions.room(businessInitiated, contacted.containsKey(recipient),
                contacted.size(), limit, reserve(limit), urgent);
        if (room != SendDecisions.Room.WAIT && businessInitiated && limit != UNLIMITED) {
            contacted.putIfAbsent(recipient, now);
        }
        return room;
    }

    /** When the oldest contact leaves the window (room frees up), or {@code now} if nothing is counted. */
    synchronized long roomAt(long now) {
        prune(now);
        return contacted.isEmpty() ? now : contacted.values().iterator().next() + windowMillis;
    }

    /** This instance's share of the tier: owned / total request partitions. */
    synchronized void share(int owned, int total) {
        share = owned <= 0 || total <= 0 ? 1.0 : Math.min(1.0, (double) owned / total);
    }

    synchronized int used() {
        return contacted.size();
    }

    /** This instance's limit now ({@link #UNLIMITED} for an unlimited tier). */
    synchronized long limit() {
        return tier == UNLIMITED ? UNLIMITED : (long) Math.floor(tier * share);
    }

    String portfolio() {
        return portfolio;
    }

    private long reserve(long limit) {
        return limit == UNLIMITED ? 0 : (long) Math.ceil(limit * urgentReserve);
    }

    private void prune(long now) {
        Iterator<Map.Entry<String, Long>> it = contacted.entrySet().iterator();
        while (it.hasNext() && it.next().getValue() + windowMillis <= now) {
            it.remove();
        }
    }
}
