package dev.appcare.sender.cloudapi;

/**
 * What the sender does with the answer to one send call (rule S3). The class decides, never the HTTP
 * status alone: Meta's guidance is to act on {@code error.code}.
 */
public enum ErrorClass {
    /** 2xx with a wamid: WhatsApp took the message. */
    ACCEPTED,
    /** 130429 throughput, 131056 pair rate, 131048 spam rate, 4/80007 API rate: retry later, with backoff. */
    THROTTLED,
    /** 1, 2, 131000, 133004, HTTP 5xx, or the call never reached WhatsApp: retry with backoff until expiry. */
    TEMPORARY,
    /** The message itself is wrong or cannot be delivered (100, 131026, 131047, 131050, 132xxx ...): dead-letter it. */
    TERMINAL,
    /**
     * The account or token is unusable (190 expired token, 368 blocked, 131031 locked, permissions): every
     * further call would fail the same way. Pause all sending, report unhealthy, keep every request.
     */
    SUSPEND,
    /**
     * 131057, the business number is in maintenance mode (e.g. its throughput is being upgraded): nothing
     * is wrong with the message or the account. Pause that number for a while, keep the request, retry.
     */
    NUMBER_PAUSED,
    /**
     * The request was sent but no answer came (response timeout, connection lost mid-call): WhatsApp may
     * or may not have accepted it. See {@link dev.appcare.sender.SendPipeline} for what the sender does.
     */
    IN_DOUBT
}
