package dev.appcare.sender;

import dev.appcare.model.topics.Topics;

/**
 * The names of the topics the sender reads and writes: the contract's names from {@link Topics}, with an
 * optional suffix ({@code sender.topic-suffix}) so that tests sharing one broker, or two environments
 * sharing one cluster, keep apart. Production leaves the suffix empty.
 */
public record SenderTopics(String requests, String statuses, String deadLetters, String ledger, String preferences,
                           String careInbound, String webhookEvents) {

    public static SenderTopics contract() {
        return withSuffix("");
    }

    public static SenderTopics withSuffix(String suffix) {
        String s = suffix == null ? "" : suffix;
        return new SenderTopics(
                Topics.WHATSAPP_REQUEST.name() + s,
                Topics.WHATSAPP_STATUS.name() + s,
                Topics.WHATSAPP_REQUEST_DLQ.name() + s,
                Topics.SENDER_LEDGER.name() + s,
                Topics.TRAVELLER_PREFERENCE.name() + s,
                Topics.CARE_INBOUND.name() + s,
                Topics.WEBHOOK_EVENTS.name() + s);
    }
}
