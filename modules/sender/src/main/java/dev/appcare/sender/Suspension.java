package dev.appcare.sender;

import java.time.Duration;

/**
 * Sending paused because the token or the account is unusable (190 expired token, 368 blocked account,
 * ...; rule S3). While suspended nothing is sent except one <em>probe</em> now and then: the next real
 * request, with all the usual ledger care. A probe that gets anything but another token/account error
 * resumes sending; a changed token (token file rewritten) makes the next probe due at once. Requests
 * wait meanwhile (their offsets uncommitted, the consumer paused by backpressure): nothing is lost, and
 * requests that expire while waiting are dropped as expired.
 *
 * <p>Thread-safe (synchronized); read often, changed rarely.
 */
final class Suspension {
    private final Duration firstProbe;
    private final Duration maxProbe;
    private boolean active;
    private int code;
    private String reason;
    private long since;
    private long probeAt;
    private int probes;
    private String probeMessageId;

    Suspension(Duration firstProbe, Duration maxProbe) {
        this.firstProbe = firstProbe;
        this.maxProbe = maxProbe;
    }

    synchronized void suspend(int code, String reason, long now) {
        if (!active) {
            active = true;
            since = now;
            probes = 0;
        }
        this.code = code;
        this.reason = reason;
        probeMessageId = null;
        long wait = Math.min(maxProbe.toMillis(), firstProbe.toMillis() << Math.min(probes, 20));
        probeAt = now + wait;
        probes++;
    }

    synchronized boolean active() {
        return active;
    }

    /** Whether the dispatcher may send one probe now. */
    synchronized boolean probeDue(long now) {
        return active && probeMessageId == null && now >= probeAt;
    }

    synchronized long probeAt() {
        return probeAt;
    }

    synchronized void probeStarted(String messageId) {
        probeMessageId = messageId;
    }

    /** An attempt of {@code messageId} got an answer that is not a token/account error. */
    synchronized boolean onHealthyAnswer(String messageId) {
        if (active && messageId.equals(probeMessageId)) {
            active = false;
            probeMessageId = null;
            return true;
        }
        return false;
    }

    /** The probe could not tell (not sent, in doubt): probe again soon. */
    synchronized void probeInconclusive(String messageId, long now) {
        if (active && messageId.equals(probeMessageId)) {
            probeMessageId = null;
            probeAt = now + firstProbe.toMillis();
        }
    }

    /** The token changed: try it at once. */
    synchronized void probeNow(long now) {
        if (active) {
            probeAt = now;
        }
    }

    synchronized String describe() {
        return active ? "sending paused since " + java.time.Instant.ofEpochMilli(since) + ": WhatsApp " + code
                + " " + reason + "; next probe at " + java.time.Instant.ofEpochMilli(probeAt) : "sending";
    }

    synchronized int code() {
        return code;
    }
}
