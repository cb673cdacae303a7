package dev.appcare.whatsappsim;

import java.time.Duration;
import java.util.Objects;

/**
 * What an injected failure does to a send request. Create with the factory methods and install with
 * {@link FaultInjector} ({@code simulator.faults()}).
 *
 * <ul>
 *   <li>{@link #error(int)} / {@link #error(int, int)}: answer at once with that Graph error code
 *       (HTTP status from Meta's table unless given), nothing is sent.</li>
 *   <li>{@link #serverError()} (500 / 131000), {@link #serviceUnavailable()} (503 / 2),
 *       {@link #expiredToken()} (401 / 190), {@link #blockedAccount()} (403 / 368).</li>
 *   <li>{@link #hang(Duration)}: no answer for that long (longer than the sender's timeout), then
 *       503 / 2; nothing is sent.</li>
 *   <li>{@link #hangThenAccept(Duration)}: the message IS accepted (recorded, webhooks follow) but the
 *       answer is held back that long: the ambiguous "timed out, but Meta sent it" case.</li>
 *   <li>{@link #asyncFailure(int)}: HTTP 200 with a wamid, then a {@code failed} status webhook with that
 *       error code (how 131026 undeliverable, 131047, 131049 ... really arrive).</li>
 * </ul>
 */
public final class Fault {

    /** The kinds of fault. */
    public enum Kind { ERROR, HANG, HANG_THEN_ACCEPT, ASYNC_FAILURE }

    private final Kind kind;
    private final int code;
    private final int httpStatus;
    private final Duration hold;

    private Fault(Kind kind, int code, int httpStatus, Duration hold) {
        this.kind = kind;
        this.code = code;
        this.httpStatus = httpStatus;
        this.hold = hold;
    }

    /** Answer with this Graph error code and the HTTP status Meta uses for it. */
    public static Fault error(int code) {
        return new Fault(Kind.ERROR, code, GraphErrors.spec(code).httpStatus(), Duration.ZERO);
    }

    /** Answer with this Graph error code and this HTTP status. */
    public static Fault error(int code, int httpStatus) {
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("An error needs a 4xx or 5xx HTTP status: " + httpStatus);
        }
        return new Fault(Kind.ERROR, code, httpStatus, Duration.ZERO);
    }

    /** HTTP 500, code 131000 "Something went wrong". */
    public static Fault serverError() {
        return error(GraphErrors.SOMETHING_WENT_WRONG, 500);
    }

    /** HTTP 503, code 2 "Service temporarily unavailable". */
    public static Fault serviceUnavailable() {
        return error(GraphErrors.API_SERVICE, 503);
    }

    /** HTTP 401, code 190 (subcode 463): the access token has expired. */
    public static Fault expiredToken() {
        return error(GraphErrors.ACCESS_TOKEN, 401);
    }

    /** HTTP 403, code 368: the business account is temporarily blocked for policy violations. */
    public static Fault blockedAccount() {
        return error(GraphErrors.ACCOUNT_BLOCKED, 403);
    }

    /** Hold the request without an answer for {@code hold}, then answer 503 / 2; nothing is sent. */
    public static Fault hang(Duration hold) {
        return new Fault(Kind.HANG, GraphErrors.API_SERVICE, 503, requirePositive(hold));
    }

    /** Accept and send the message, but hold the 200 answer back for {@code hold}. */
    public static Fault hangThenAccept(Duration hold) {
        return new Fault(Kind.HANG_THEN_ACCEPT, 0, 200, requirePositive(hold));
    }

    /** Accept (200 + wamid), then report a {@code failed} status webhook with this error code. */
    public static Fault asyncFailure(int code) {
        return new Fault(Kind.ASYNC_FAILURE, code, 200, Duration.ZERO);
    }

    private static Duration requirePositive(Duration d) {
        Objects.requireNonNull(d, "hold");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("hold must be positive");
        }
        return d;
    }

    public Kind kind() {
        return kind;
    }

    /** The Graph error code (for ERROR and ASYNC_FAILURE; 2 for HANG). */
    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public Duration hold() {
        return hold;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ERROR -> "error " + code + " (HTTP " + httpStatus + ")";
            case HANG -> "hang " + hold.toMillis() + " ms then 503/2";
            case HANG_THEN_ACCEPT -> "accept, answer after " + hold.toMillis() + " ms";
            case ASYNC_FAILURE -> "accept, then failed webhook " + code;
        };
    }
}
