package dev.appcare.whatsappsim;

import java.util.Map;

/**
 * Counters since start (or the last {@link WhatsAppSimulator#reset()}).
 *
 * @param accepted           send requests answered 200
 * @param rejected           send requests answered with an error
 * @param rejectionsByCode   rejected requests per Graph error code
 * @param injectedFaults     requests that got an injected fault (errors, hangs, async failures)
 * @param inbound            simulated inbound user messages
 * @param webhooks           webhook POST counters
 */
public record SimulatorStats(long accepted, long rejected, Map<Integer, Long> rejectionsByCode, long injectedFaults,
                             long inbound, WebhookStats webhooks) {

    /**
     * @param posted            POST attempts (including retries and duplicates)
     * @param delivered         POSTs the receiver answered 2xx
     * @param failedAttempts    POSTs answered non-2xx or failed to connect
     * @param gaveUp            webhooks dropped after the last retry
     * @param duplicates        deliberate duplicate webhooks
     * @param skippedWithoutUrl webhooks not posted because no callback URL was configured
     * @param pending           message chains with webhooks still to post
     */
    public record WebhookStats(long posted, long delivered, long failedAttempts, long gaveUp, long duplicates,
                               long skippedWithoutUrl, int pending) {
    }
}
