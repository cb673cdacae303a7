package dev.appcare.model.topics;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.CareAgentReply;
import dev.appcare.avro.CareHandoff;
import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.DeadLetter;
import dev.appcare.avro.DeliveryStatus;
import dev.appcare.avro.ErasureAuditRecord;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.NotifierDecision;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SendLedgerEntry;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WebhookEventClaim;
import dev.appcare.avro.WhatsAppRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every topic of AppCare's public contract, in one typed place. Code refers to these constants, never
 * to topic-name strings; the README's contract table is checked against this list by a test.
 */
public final class Topics {
    private static final int DEFAULT_PARTITIONS = 6;
    private static final Optional<Duration> WEEK = Optional.of(Duration.ofDays(7));
    private static final Optional<Duration> MONTH = Optional.of(Duration.ofDays(30));
    private static final Optional<Duration> FOREVER = Optional.empty();
    /** Evidence of erasures: kept a year, so the privacy officer can answer for the past twelve months. */
    private static final Optional<Duration> YEAR = Optional.of(Duration.ofDays(365));
    /** Time-retained topics with phone numbers or names: half the erasure bound ({@link ErasureBound}). */
    private static final Optional<Duration> BOUND = Optional.of(ErasureBound.DEFAULT.personalDataRetention());
    private static final boolean PERSONAL = true;

    public static final TopicSpec<FlightStatusEvent> FLIGHT_STATUS = new TopicSpec<>(
            "flight.status.v1", "flight key, e.g. KL1234/2026-11-23/AMS", FlightStatusEvent.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, WEEK,
            "airline operations systems (AIDX feed)", "notifier");

    public static final TopicSpec<BoardingPassIssued> BOARDING_PASS = new TopicSpec<>(
            "flight.boarding-pass.v1", "traveller key, e.g. ABC123/1", BoardingPassIssued.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "departure control system", "notifier", PERSONAL);

    public static final TopicSpec<PassengerSegment> PASSENGER_SEGMENT = new TopicSpec<>(
            "booking.passenger-segment.v1", "traveller key|flight key, e.g. ABC123/1|KL1234/2026-11-23/AMS",
            PassengerSegment.class, DEFAULT_PARTITIONS, CleanupPolicy.COMPACT, FOREVER,
            "reservation system", "notifier", PERSONAL);

    public static final TopicSpec<TravellerPreference> TRAVELLER_PREFERENCE = new TopicSpec<>(
            "traveller.preference.v1", "traveller key, e.g. ABC123/1", TravellerPreference.class,
            DEFAULT_PARTITIONS, CleanupPolicy.COMPACT, FOREVER,
            "opt-in API; sender (STOP replies)", "notifier, sender, opt-in API", PERSONAL);

    public static final TopicSpec<WhatsAppRequest> WHATSAPP_REQUEST = new TopicSpec<>(
            "notify.whatsapp-request.v1", "recipient phone in E.164, e.g. +31612345678", WhatsAppRequest.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "notifier; opt-in API (confirmations); ops (replays)", "sender", PERSONAL);

    public static final TopicSpec<DeadLetter> WHATSAPP_REQUEST_DLQ = new TopicSpec<>(
            "notify.whatsapp-request.dlq.v1", "recipient phone in E.164", DeadLetter.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "sender (terminal WhatsApp errors)", "ops (redrive), people", PERSONAL);

    public static final TopicSpec<DeliveryStatus> WHATSAPP_STATUS = new TopicSpec<>(
            "notify.whatsapp-status.v1", "messageId", DeliveryStatus.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, MONTH,
            "sender (its decisions and WhatsApp webhooks)", "ops (audit), dashboards");

    public static final TopicSpec<DeadLetter> NOTIFIER_DLQ = new TopicSpec<>(
            "notify.notifier.dlq.v1", "the bad record's original key", DeadLetter.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, MONTH,
            "notifier (input it cannot process)", "ops, people");

    /** Booking references (traveller keys) but no phone or name: retained like the requests it explains. */
    public static final TopicSpec<NotifierDecision> NOTIFIER_DECISION = new TopicSpec<>(
            "notify.notifier-decision.v1", "flight key, e.g. KL1234/2026-11-23/AMS", NotifierDecision.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "notifier (each decision: announced, suppressed, requested, held back, and why)", "ops (trace)", PERSONAL);

    public static final TopicSpec<SendLedgerEntry> SENDER_LEDGER = new TopicSpec<>(
            "sender.ledger.v1", "messageId", SendLedgerEntry.class,
            DEFAULT_PARTITIONS, CleanupPolicy.COMPACT, FOREVER,
            "sender", "sender (on start), ops (audit)");

    /**
     * Webhook events the senders applied, so that Meta's retries (for days, to any instance, after any
     * restart) are applied once. No phone number: the key is a digest of the event's ids. Kept a week,
     * the window of Meta's retries.
     */
    public static final TopicSpec<WebhookEventClaim> WEBHOOK_EVENTS = new TopicSpec<>(
            "sender.webhook-event.v1", "SHA-256 (hex) of a webhook event's identity (status: messageId, status, wamid, "
            + "error code; inbound message: wamid)", WebhookEventClaim.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, WEEK,
            "sender (webhook dedup)", "sender (on start)");

    public static final TopicSpec<CareInboundMessage> CARE_INBOUND = new TopicSpec<>(
            "care.inbound.v1", "sender's phone in E.164, e.g. +31612345678", CareInboundMessage.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "sender (WhatsApp webhook: every inbound message but STOP)", "care", PERSONAL);

    public static final TopicSpec<CareHandoff> CARE_HANDOFF = new TopicSpec<>(
            "care.handoff.v1", "traveller's phone in E.164", CareHandoff.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "care (conversations that need a person, with context)", "agent desk", PERSONAL);

    public static final TopicSpec<CareAgentReply> CARE_AGENT_REPLY = new TopicSpec<>(
            "care.agent-reply.v1", "traveller's phone in E.164", CareAgentReply.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "agent desk", "care", PERSONAL);

    public static final TopicSpec<DeadLetter> CARE_DLQ = new TopicSpec<>(
            "care.dlq.v1", "the bad record's original key", DeadLetter.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, BOUND,
            "care (input it cannot process)", "ops, people", PERSONAL);

    /**
     * Who erased which traveller, when: no phone number, no name (the key is the erased traveller key).
     * Written in the erasure's own transaction, so it exists exactly when the erasure does.
     */
    public static final TopicSpec<ErasureAuditRecord> ERASURE_AUDIT = new TopicSpec<>(
            "privacy.erasure-audit.v1", "the erased traveller key, e.g. ABC123/1", ErasureAuditRecord.class,
            DEFAULT_PARTITIONS, CleanupPolicy.DELETE, YEAR,
            "opt-in API (with each erasure)", "privacy officer");

    /** All topics, in the order of the data flow. */
    public static final List<TopicSpec<?>> ALL = List.of(
            FLIGHT_STATUS, BOARDING_PASS, PASSENGER_SEGMENT, TRAVELLER_PREFERENCE,
            WHATSAPP_REQUEST, WHATSAPP_STATUS, WHATSAPP_REQUEST_DLQ, NOTIFIER_DLQ, NOTIFIER_DECISION, SENDER_LEDGER,
            WEBHOOK_EVENTS, CARE_INBOUND, CARE_HANDOFF, CARE_AGENT_REPLY, CARE_DLQ, ERASURE_AUDIT);

    private Topics() {
    }

    /** The contract's names, as they are in production. */
    public static TopicNames contract() {
        return withSuffix("");
    }

    /**
     * The contract's names with {@code suffix} appended to each ({@code "-test"} gives {@code flight.status.v1-test}),
     * for a test or an environment that shares a cluster; {@code ""} or null for none.
     */
    public static TopicNames withSuffix(String suffix) {
        return new TopicNames(suffix);
    }

    /**
     * Whether records of {@code topic} may hold a phone number or a name: false only for contract topics
     * known to hold neither (also under a suffix, {@code flight.status.v1-test}); true for anything else,
     * internal topics included. Dead letters keep a bad record's bytes only when this is false.
     */
    public static boolean mayHoldPersonalData(String topic) {
        return topic == null || ALL.stream().filter(t -> !t.personalData()).noneMatch(t -> topic.startsWith(t.name()));
    }

    public static Optional<TopicSpec<?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
