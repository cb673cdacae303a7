package dev.appcare.sender;

import dev.appcare.sender.cloudapi.CloudApiClient;

/**
 * Everything the sender holds per business number: its token source and Cloud API client, its own
 * pacer (ceiling), its suspension (190/368 pause all of <em>its</em> sending), its maintenance pause
 * (131057 while WhatsApp upgrades its throughput: not an error, the request waits and is retried) and
 * the messaging limit of its portfolio (shared with the portfolio's other numbers).
 */
final class NumberChannel implements AutoCloseable {
    final BusinessNumber number;
    final TokenSource token;
    final CloudApiClient api;
    final Pacer pacer;
    final Suspension suspension;
    final MessagingLimit limit;
    /** The token version the dispatcher last saw (a change ends a 190 pause at once); dispatcher thread only. */
    long seenTokenVersion;
    private volatile long pausedUntil;
    private volatile String pauseReason;

    NumberChannel(BusinessNumber number, TokenSource token, CloudApiClient api, Pacer pacer, Suspension suspension,
                  MessagingLimit limit) {
        this.number = number;
        this.token = token;
        this.api = api;
        this.pacer = pacer;
        this.suspension = suspension;
        this.limit = limit;
        this.seenTokenVersion = token.version();
    }

    String name() {
        return number.name();
    }

    /** Whether the dispatcher may start a call through this number now (a probe counts while suspended). */
    boolean open(long now) {
        return now >= pausedUntil && (!suspension.active() || suspension.probeDue(now)) && pacer.available();
    }

    /** When {@link #open} may turn true (a guess, to sleep no longer than needed); epoch ms. */
    long reopensAt(long now) {
        if (now < pausedUntil) {
            return pausedUntil;
        }
        if (suspension.active()) {
            return Math.max(now + 1, suspension.probeAt());
        }
        return now + Math.max(1, pacer.nanosUntilAvailable() / 1_000_000);
    }

    /** 131057: the number is in maintenance; nothing goes through it until {@code until}. */
    void pauseUntil(long until, String reason) {
        pausedUntil = Math.max(pausedUntil, until);
        pauseReason = reason;
    }

    boolean paused(long now) {
        return now < pausedUntil;
    }

    String describe(long now) {
        if (suspension.active()) {
            return name() + ": " + suspension.describe();
        }
        return paused(now) ? name() + ": paused until " + java.time.Instant.ofEpochMilli(pausedUntil) + " (" + pauseReason + ")"
                : name() + ": sending";
    }

    @Override
    public void close() {
        api.close();
    }
}
