package dev.appcare.care.rules;

import dev.appcare.avro.Correlation;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.Priority;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.MessageIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Care's WhatsApp requests (rule C3). Inside the 24-hour window a free-form text ({@code text} set, sent
 * as {@code type: text}); outside it the {@code care_follow_up} template, which asks the traveller to
 * reply (their reply opens the window and care then delivers the held answer). Ids are deterministic
 * (rule N4): the same inbound message or agent reply processed again yields the same id, which the
 * sender's ledger sends once.
 */
public final class CareRequests {
    /** An acknowledgement is pointless once the traveller has waited this long for it. */
    public static final Duration ACK_USEFUL_FOR = Duration.ofHours(1);
    /** How long a follow-up template stays worth sending. */
    public static final Duration FOLLOW_UP_USEFUL_FOR = Duration.ofDays(3);

    private final String sourceInbound;
    private final String sourceAgentReply;
    private final String followUpTemplate;

    public CareRequests(String sourceInbound, String sourceAgentReply, String followUpTemplate) {
        this.sourceInbound = sourceInbound;
        this.sourceAgentReply = sourceAgentReply;
        this.followUpTemplate = followUpTemplate;
    }

    /** The acknowledgement of one inbound message: text, useful for an hour after it arrived (and never past the window). */
    public WhatsAppRequest acknowledgement(String phone, String wamid, Instant receivedAt, String language, String text,
                                           String travellerKey, Instant now) {
        Instant expires = min(receivedAt.plus(ACK_USEFUL_FOR), ServiceWindow.closesAt(receivedAt));
        return text(MessageIds.derive(MessageKind.CARE_REPLY, "ack|" + wamid, phone), phone, language, text,
                travellerKey, sourceInbound, wamid, now, expires);
    }

    /** An agent's answer as text, useful until the window closes. */
    public WhatsAppRequest agentText(String phone, String replyId, String language, String text, String travellerKey,
                                     Instant lastInbound, Instant now) {
        return text(MessageIds.derive(MessageKind.CARE_REPLY, "agent|" + replyId, phone), phone, language, text,
                travellerKey, sourceAgentReply, replyId, now, ServiceWindow.closesAt(lastInbound));
    }

    /** Outside the window: the follow-up template that invites the traveller to reply. */
    public WhatsAppRequest followUpTemplate(String phone, String replyId, String templateLanguage, String travellerKey,
                                            Instant now) {
        return base(MessageIds.derive(MessageKind.CARE_REPLY, "follow-up|" + replyId, phone), phone, templateLanguage,
                travellerKey, sourceAgentReply, replyId, now, now.plus(FOLLOW_UP_USEFUL_FOR))
                .setTemplateName(followUpTemplate)
                .build();
    }

    private WhatsAppRequest text(String messageId, String phone, String language, String text, String travellerKey,
                                 String sourceTopic, String sourceEventId, Instant now, Instant expires) {
        return base(messageId, phone, language, travellerKey, sourceTopic, sourceEventId, now, expires)
                .setTemplateName("")
                .setText(text)
                .build();
    }

    private static WhatsAppRequest.Builder base(String messageId, String phone, String language, String travellerKey,
                                                String sourceTopic, String sourceEventId, Instant now, Instant expires) {
        return WhatsAppRequest.newBuilder()
                .setMessageId(messageId)
                .setKind(MessageKind.CARE_REPLY)
                .setRecipient(phone)
                .setLanguage(language)
                .setParameters(List.of())
                .setPriority(Priority.NORMAL)
                .setCreatedAt(now)
                .setExpiresAt(expires)
                .setCorrelation(Correlation.newBuilder().setTravellerKey(travellerKey).setSourceTopic(sourceTopic)
                        .setSourceEventId(sourceEventId).build());
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
