package dev.appcare.care.streams;

import dev.appcare.avro.ConversationState;
import java.util.List;

/**
 * One phone number's conversation, in the {@code care-conversations} store (key = phone). Times are epoch
 * milliseconds. Holds the inbound messages (text, media ids) an agent needs; it is deleted
 * {@code care.state.retention} after its last activity (rule C6).
 *
 * @param pendingReply    an agent's answer held because the window was closed (sent as soon as the traveller writes)
 * @param replyIds        agent replies already handled (a repeat is not sent twice)
 */
public record Conversation(String conversationId, ConversationState state, long openedAt, long lastInboundAt,
                           long lastActivityAt, long lastAckAt, String language, String languageSource,
                           List<Note> inbound, List<String> replyIds, String pendingReply, String pendingReplyId) {

    /** One inbound message of the conversation. */
    public record Note(String wamid, long receivedAt, String type, String text, String mediaId, String mediaMimeType,
                       String mediaFilename) {
    }

    public Conversation {
        inbound = inbound == null ? List.of() : List.copyOf(inbound);
        replyIds = replyIds == null ? List.of() : List.copyOf(replyIds);
    }
}
