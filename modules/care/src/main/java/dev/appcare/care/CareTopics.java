package dev.appcare.care;

import dev.appcare.model.topics.Topics;
import java.util.List;

/**
 * The topics care reads and writes: the contract's names from {@link Topics}, with an optional suffix
 * ({@code care.topics.suffix}) so tests sharing one broker keep apart. Production leaves it empty.
 *
 * @param inbound          care.inbound.v1: what travellers write (from the sender's webhook)
 * @param agentReply       care.agent-reply.v1: agents' answers
 * @param whatsappRequest  notify.whatsapp-request.v1: read (what AppCare sent each number) and written (care's replies)
 * @param flightStatus     flight.status.v1: the flights' current status (a global store)
 * @param passengerSegment booking.passenger-segment.v1: who is booked on which flight (a global store)
 * @param handoff          care.handoff.v1: conversations for the agent desk
 * @param deadLetters      care.dlq.v1: input care cannot process
 * @param preference       traveller.preference.v1: which travellers exist (a global store); an erased
 *                         traveller's phone-keyed state is deleted
 */
public record CareTopics(String inbound, String agentReply, String whatsappRequest, String flightStatus,
                         String passengerSegment, String handoff, String deadLetters, String preference) {

    public static CareTopics contract() {
        return withSuffix("");
    }

    public static CareTopics withSuffix(String suffix) {
        String s = suffix == null ? "" : suffix;
        return new CareTopics(Topics.CARE_INBOUND.name() + s, Topics.CARE_AGENT_REPLY.name() + s,
                Topics.WHATSAPP_REQUEST.name() + s, Topics.FLIGHT_STATUS.name() + s,
                Topics.PASSENGER_SEGMENT.name() + s, Topics.CARE_HANDOFF.name() + s, Topics.CARE_DLQ.name() + s,
                Topics.TRAVELLER_PREFERENCE.name() + s);
    }

    /** Keyed by phone and read by the same tasks: must have the same partition count. */
    public List<String> phoneKeyed() {
        return List.of(inbound, agentReply, whatsappRequest);
    }
}
