package dev.appcare.whatsappsim;

import java.time.Instant;

/**
 * One webhook POST the simulator made (or gave up on), as kept in the bounded delivery log.
 *
 * @param kind        {@code status} or {@code inbound}
 * @param messageId   the wamid the webhook is about
 * @param status      sent / delivered / read / failed for status webhooks, the message type for inbound
 * @param attempts    POST attempts made (retries on non-2xx or connection errors)
 * @param lastHttpStatus the receiver's last HTTP status, or 0 when the connection failed
 * @param delivered   true if the receiver answered 2xx
 * @param duplicate   true if this POST was a deliberate duplicate of an earlier one
 * @param finishedAt  when the last attempt finished
 * @param body        the exact JSON body that was signed and posted
 * @param signature   the {@code X-Hub-Signature-256} header value sent with it
 */
public record WebhookDelivery(String kind, String messageId, String status, int attempts, int lastHttpStatus,
                              boolean delivered, boolean duplicate, Instant finishedAt, String body,
                              String signature) {
}
