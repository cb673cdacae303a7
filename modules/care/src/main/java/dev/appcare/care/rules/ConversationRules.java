package dev.appcare.care.rules;

import dev.appcare.avro.ConversationState;
import java.time.Duration;
import java.time.Instant;

/**
 * The conversation state machine (rule C3: every conversation that needs a person reaches one, and its
 * state is kept in Kafka):
 * <pre>
 *   (none|CLOSED) --self-served--> OPEN          --needs agent--> WAITING_ON_AGENT
 *   OPEN          --self-served--> OPEN          --needs agent--> WAITING_ON_AGENT
 *   WAITING_ON_AGENT --any inbound--> WAITING_ON_AGENT
 *   ANSWERED      --any inbound (a follow-up, see HandoffRules)--> WAITING_ON_AGENT
 *   any           --agent reply--> ANSWERED      --agent reply that closes--> CLOSED
 * </pre>
 * A conversation idle for longer than the idle limit counts as CLOSED: the next message starts a new one.
 */
public final class ConversationRules {

    public enum Trigger { SELF_SERVED, NEEDS_AGENT, AGENT_REPLY, AGENT_CLOSE }

    private ConversationRules() {
    }

    /** @param current the state, or null when there is no conversation */
    public static ConversationState next(ConversationState current, Trigger trigger) {
        return switch (trigger) {
            case AGENT_REPLY -> ConversationState.ANSWERED;
            case AGENT_CLOSE -> ConversationState.CLOSED;
            case NEEDS_AGENT -> ConversationState.WAITING_ON_AGENT;
            case SELF_SERVED -> current == ConversationState.WAITING_ON_AGENT
                    ? ConversationState.WAITING_ON_AGENT : ConversationState.OPEN;
        };
    }

    /** Whether an inbound message starts a new conversation. */
    public static boolean startsNew(ConversationState current, Instant lastActivity, Instant now, Duration idleLimit) {
        return current == null || current == ConversationState.CLOSED
                || lastActivity == null || lastActivity.plus(idleLimit).isBefore(now);
    }
}
