package dev.appcare.care.streams;

import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.ConversationState;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.care.CareConfig;
import dev.appcare.care.rules.CareInputLimits;
import dev.appcare.care.rules.CareRequests;
import dev.appcare.care.rules.ConversationRules;
import dev.appcare.care.rules.FaqMatcher;
import dev.appcare.care.rules.FlightFact;
import dev.appcare.care.rules.HandoffRules;
import dev.appcare.care.rules.LanguageChoice;
import dev.appcare.care.rules.ReplyComposer;
import dev.appcare.care.rules.ServiceHours;
import dev.appcare.care.rules.ServiceWindow;
import dev.appcare.model.DeadLetterType;
import dev.appcare.model.rules.InputRules;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One inbound traveller message: the acknowledgement (rules C1, C2, C6), the conversation's state, the
 * hand-off to agents with context (rules C3, C5), and an agent's held answer once the traveller's message
 * has opened the window again. Also deletes conversations and histories past the retention (C6), on a
 * wall-clock schedule.
 */
final class InboundProcessor implements Processor<String, byte[], String, Object> {
    static final int MAX_NOTES = 20;

    private final CareConfig config;
    private final CareInputs<CareInboundMessage> inputs;
    private final LanguageChoice languages;
    private final FaqMatcher faq;
    private final HandoffRules handoffs;
    private final ReplyComposer composer;
    private final CareRequests requests;
    private final CareState careState;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> travellersPresent;
    /** Numbers whose history named an absent traveller at the last sweep: erased if still so at the next. */
    private Set<String> erasureSuspects = Set.of();

    InboundProcessor(CareConfig config) {
        this.config = config;
        this.inputs = new CareInputs<>(CareInboundMessage.class, config.serdeConfig(), config.metrics(), config.clock(), "inbound");
        this.languages = config.settings().languageChoice();
        this.faq = config.settings().faqMatcher();
        this.handoffs = config.settings().handoffRules();
        this.composer = new ReplyComposer(config.flightHorizon());
        this.requests = CareTopology.requests(config);
        this.careState = new CareState(config);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        careState.init(context);
        this.travellersPresent = context.getStateStore(CareTopology.TRAVELLERS_STORE);
        context.schedule(config.sweepInterval(), PunctuationType.WALL_CLOCK_TIME, wallClock -> sweep());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Optional<CareInboundMessage> decoded = inputs.decode(context, record);
        if (decoded.isEmpty()) {
            return;
        }
        CareInboundMessage message = decoded.get();
        if (inputs.refused(context, record, CareInputLimits.inbound(message, config.clock().instant()))) {
            return;
        }
        if (!InputRules.isE164(message.getFrom())) {
            inputs.deadLetter(context, record, DeadLetterType.BAD_PHONE, "the sender is not an E.164 number");
            return;
        }
        String phone = message.getFrom();
        Instant now = config.clock().instant();
        Conversation before = careState.conversation(phone);
        if (before != null && before.inbound().stream().anyMatch(n -> n.wamid().equals(message.getWamid()))) {
            config.metrics().event("inbound-duplicate");
            return;
        }
        PhoneHistory history = careState.history(phone);
        boolean fresh = ConversationRules.startsNew(before == null ? null : before.state(),
                before == null ? null : Instant.ofEpochMilli(before.lastActivityAt()), now, config.conversationIdle());
        LanguageChoice.Choice language = fresh
                ? languages.choose(history.language(), message.getText())
                : new LanguageChoice.Choice(before.language(), before.languageSource());
        ConversationState previous = fresh ? null : before.state();
        List<FaqMatcher.Match> matches = faq.match(language.language(), message.getText());
        Optional<String> reason = handoffs.reason(message.getMedia() != null, message.getText(), language.language(),
                matches, previous);
        ConversationState state = ConversationRules.next(previous,
                reason.isPresent() ? ConversationRules.Trigger.NEEDS_AGENT : ConversationRules.Trigger.SELF_SERVED);
        ServiceHours hours = config.settings().marketFor(phone);
        ServiceHours.Availability availability = hours.availability(now);
        List<FlightFact> flights = careState.flights(history);
        String travellerKey = history.lastTravellerKey();
        Instant receivedAt = message.getReceivedAt();
        boolean inWindow = ServiceWindow.isOpen(receivedAt, now);

        String pendingReply = before == null ? null : before.pendingReply();
        String pendingReplyId = before == null ? null : before.pendingReplyId();
        boolean answered = false;
        if (pendingReply != null && inWindow) {
            // The follow-up template asked them to reply: this is that reply, so the answer goes now.
            forward(record, requests.agentText(phone, pendingReplyId, language.language(), pendingReply, travellerKey,
                    receivedAt, now));
            config.metrics().event("agent-reply-delivered-after-follow-up");
            pendingReply = null;
            pendingReplyId = null;
            answered = true;
            state = ConversationRules.next(state, ConversationRules.Trigger.AGENT_REPLY);
        }

        long lastAck = fresh ? 0 : before.lastAckAt();
        boolean ackDue = fresh || !matches.isEmpty() || lastAck + config.ackQuiet().toMillis() <= now.toEpochMilli();
        if (!answered && ackDue && inWindow) {
            String text = composer.acknowledgement(language.language(), config.settings().texts().get(language.language()),
                    hours, availability, reason.isPresent(), matches, flights,
                    fresh ? config.settings().privacy().get(language.language()) : null, now);
            forward(record, requests.acknowledgement(phone, message.getWamid(), receivedAt, language.language(), text,
                    travellerKey, now));
            lastAck = now.toEpochMilli();
            config.metrics().event(availability.open() ? "ack-agents-available" : "ack-after-hours");
            if (!matches.isEmpty()) {
                config.metrics().event("faq-answered");
            }
        } else if (!inWindow) {
            config.metrics().event("ack-outside-window"); // a message older than 24 h, e.g. replayed: no free-form answer
        } else if (!answered) {
            config.metrics().event("ack-quiet"); // an agent has it; the last acknowledgement was moments ago
        }

        List<Conversation.Note> notes = new ArrayList<>(fresh ? List.of() : before.inbound());
        notes.add(new Conversation.Note(message.getWamid(), receivedAt.toEpochMilli(), message.getType().name(),
                message.getText(), message.getMedia() == null ? null : message.getMedia().getId(),
                message.getMedia() == null ? null : message.getMedia().getMimeType(),
                message.getMedia() == null ? null : message.getMedia().getFilename()));
        while (notes.size() > MAX_NOTES) {
            notes.remove(0);
        }
        Conversation after = new Conversation(
                fresh ? conversationId(phone, message.getWamid()) : before.conversationId(), state,
                fresh ? receivedAt.toEpochMilli() : before.openedAt(),
                Math.max(before == null ? 0 : before.lastInboundAt(), receivedAt.toEpochMilli()),
                now.toEpochMilli(), lastAck, language.language(), language.source(), notes,
                fresh || before == null ? List.of() : before.replyIds(), pendingReply, pendingReplyId);
        careState.put(phone, after);
        config.metrics().event("inbound-" + message.getType().name().toLowerCase(java.util.Locale.ROOT));
        if (reason.isPresent()) {
            config.metrics().event("handoff-" + reason.get());
            context.forward(new Record<String, Object>(phone, TravellerContext.handoff(phone, after, history, reason.get(),
                    availability.open(), flights), record.timestamp()), CareTopology.HANDOFF_SINK);
        }
    }

    private void forward(Record<String, byte[]> cause, WhatsAppRequest request) {
        context.forward(new Record<String, Object>(request.getRecipient(), request, cause.timestamp()), CareTopology.REQUEST_SINK);
    }

    /** Deterministic: the same first message always opens the same conversation id (replays stay consistent). */
    static String conversationId(String phone, String firstWamid) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((phone + '\u001f' + firstWamid).getBytes(StandardCharsets.UTF_8));
            return "conv-" + HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Rule C6: nothing about a conversation or a number outlives the retention after its last activity. */
    private void sweep() {
        if (careState.expire(config.clock().instant().minus(config.stateRetention()).toEpochMilli())) {
            config.metrics().event("state-expired");
        }
        sweepErased();
    }

    /**
     * Erasure: a number whose history names a traveller without a preference (erased: the tombstone on
     * traveller.preference.v1) loses its history and its conversation, whoever else shares the number.
     * Confirmed at a second sweep, so a preference still on its way to the global store is not taken
     * for an erasure.
     */
    private void sweepErased() {
        Set<String> suspects = careState.phonesNaming(traveller -> travellersPresent.get(traveller) == null);
        List<String> erased = suspects.stream().filter(erasureSuspects::contains).sorted().toList();
        for (String phone : erased) {
            careState.erase(phone);
            config.metrics().event("state-erased");
        }
        suspects.removeAll(erased);
        erasureSuspects = suspects;
    }
}
