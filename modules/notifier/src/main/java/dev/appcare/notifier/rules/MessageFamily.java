package dev.appcare.notifier.rules;

import dev.appcare.avro.MessageKind;

/**
 * Messages that replace one another (rule N6): a new message names the last message of its family for
 * the same passenger and flight in {@code supersedes}, and the sender drops that one if it is still unsent.
 *
 * <ul>
 *   <li>{@link #TIMING}: delay, earlier departure, back on time, cancellation. The latest departure news
 *       makes older departure news wrong; a cancellation makes an unsent delay pointless.</li>
 *   <li>{@link #GATE}: gate change and boarding. "Boarding at D7" replaces an unsent "your gate is D7";
 *       a gate change during boarding replaces the boarding message that named the old gate.</li>
 *   <li>{@link #DIVERSION}, {@link #BOARDING_PASS}: a new one replaces the previous one.</li>
 * </ul>
 */
public enum MessageFamily {
    TIMING, GATE, DIVERSION, BOARDING_PASS, OTHER;

    public static MessageFamily of(MessageKind kind) {
        return switch (kind) {
            case DELAY, EARLIER_DEPARTURE, BACK_ON_TIME, CANCELLATION -> TIMING;
            case GATE_CHANGE, BOARDING -> GATE;
            case DIVERSION -> DIVERSION;
            case BOARDING_PASS -> BOARDING_PASS;
            default -> OTHER;
        };
    }
}
