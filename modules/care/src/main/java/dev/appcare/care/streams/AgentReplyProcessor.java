package dev.appcare.care.streams;

import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.ConversationState;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareConfig;
import dev.appcare.care.rules.CareInputLimits;
import dev.appcare.care.rules.CareRequests;
import dev.appcare.care.rules.ConversationRules;
import dev.appcare.care.rules.LanguageChoice;
import dev.appcare.care.rules.ServiceWindow;
import dev.appcare.model.DeadLetterType;
import dev.appcare.model.rules.InputRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * An agent's answer (rule C3): free-form text while the traveller's last message is less than 24 hours
 * old; otherwise the {@code care_follow_up} template, with the answer held in the conversation until the
 * traveller replies to it (which opens the window; {@link InboundProcessor} then sends the answer). The
 * conversation becomes ANSWERED (or CLOSED), and the agent desk gets the updated hand-off record.
 */
final class AgentReplyProcessor implements Processor<String, byte[], String, Object> {
    static final int MAX_REPLY_IDS = 50;

    private final CareConfig config;
    private final CareInputs<CareAgentReply> inputs;
    private final CareRequests requests;
    private final LanguageChoice languages;
    private final CareState careState;
    private ProcessorContext<String, Object> context;

    AgentReplyProcessor(CareConfig config) {
        this.config = config;
        this.inputs = new CareInputs<>(CareAgentReply.class, config.serdeConfig(), config.metrics(), config.clock(), "agent-reply");
        this.requests = CareTopology.requests(config);
        this.languages = config.settings().languageChoice();
        this.careState = new CareState(config);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        careState.init(context);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Optional<CareAgentReply> decoded = inputs.decode(context, record);
        if (decoded.isEmpty()) {
            return;
        }
        CareAgentReply reply = decoded.get();
        if (inputs.refused(context, record, CareInputLimits.agentReply(reply, config.clock().instant()))) {
            return;
        }
        if (!InputRules.isE164(reply.getPhone()) || reply.getText().isBlank()) {
            inputs.deadLetter(context, record, DeadLetterType.BAD_REPLY, "an agent reply needs an E.164 phone and a text");
            return;
        }
        String phone = reply.getPhone();
        Instant now = config.clock().instant();
        Conversation before = careState.conversation(phone);
        if (before != null && before.replyIds().contains(reply.getReplyId())) {
            config.metrics().event("agent-reply-duplicate");
            return;
        }
        PhoneHistory history = careState.history(phone);
        String travellerKey = history.lastTravellerKey();
        LanguageChoice.Choice language = before != null ? new LanguageChoice.Choice(before.language(), before.languageSource())
                : languages.choose(history.language(), null);
        Instant lastInbound = before == null || before.lastInboundAt() == 0 ? null : Instant.ofEpochMilli(before.lastInboundAt());

        String pendingReply = null;
        String pendingReplyId = null;
        WhatsAppRequest request;
        if (ServiceWindow.isOpen(lastInbound, now)) {
            request = requests.agentText(phone, reply.getReplyId(), language.language(), reply.getText(), travellerKey,
                    lastInbound, now);
            config.metrics().event("agent-reply-text");
        } else {
            request = requests.followUpTemplate(phone, reply.getReplyId(),
                    config.catalogue().resolveLanguage(language.language()), travellerKey, now);
            pendingReply = reply.getText();
            pendingReplyId = reply.getReplyId();
            config.metrics().event("agent-reply-template");
        }
        context.forward(new Record<String, Object>(phone, request, record.timestamp()), CareTopology.REQUEST_SINK);

        ConversationState state = ConversationRules.next(before == null ? null : before.state(), reply.getCloseConversation()
                ? ConversationRules.Trigger.AGENT_CLOSE : ConversationRules.Trigger.AGENT_REPLY);
        List<String> replyIds = new ArrayList<>(before == null ? List.of() : before.replyIds());
        replyIds.add(reply.getReplyId());
        while (replyIds.size() > MAX_REPLY_IDS) {
            replyIds.remove(0);
        }
        Conversation after = new Conversation(
                before != null ? before.conversationId() : InboundProcessor.conversationId(phone, "agent|" + reply.getReplyId()),
                state, before != null ? before.openedAt() : now.toEpochMilli(), before == null ? 0 : before.lastInboundAt(),
                now.toEpochMilli(), before == null ? 0 : before.lastAckAt(), language.language(), language.source(),
                before == null ? List.of() : before.inbound(), replyIds, pendingReply, pendingReplyId);
        careState.put(phone, after);
        context.forward(new Record<String, Object>(phone, TravellerContext.handoff(phone, after, history, "agent-replied",
                config.settings().marketFor(phone).availability(now).open(),
                careState.flights(history)), record.timestamp()), CareTopology.HANDOFF_SINK);
    }
}
