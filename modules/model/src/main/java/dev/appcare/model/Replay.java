package dev.appcare.model;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers that mark a record written again by operations ({@code appcare ops redrive}) rather than
 * by live traffic, part of the topic contract of {@code notify.whatsapp-request.v1}:
 * <ul>
 *   <li>{@value #HEADER}: {@code redrive} (a dead letter sent back) or {@code reprocess} (an input
 *       window processed again);</li>
 *   <li>{@value #ORIGIN_HEADER}: where the record was copied from, {@code topic/partition/offset}.</li>
 * </ul>
 * The sender runs marked records after every live one (replayed work never starves live messages), and
 * lets a redrive override a DROPPED ledger entry (never an ACCEPTED or in-doubt one).
 */
public final class Replay {
    public static final String HEADER = "appcare.replay";
    public static final String ORIGIN_HEADER = "appcare.replay.origin";

    /** Why a record was written again. */
    public enum Kind {
        REDRIVE, REPROCESS;

        public String headerValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Replay() {
    }

    /** The replay kind a record carries; empty for live records (and for unknown header values). */
    public static Optional<Kind> kindOf(Headers headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Header header = headers.lastHeader(HEADER);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        String value = new String(header.value(), StandardCharsets.UTF_8).trim();
        for (Kind kind : Kind.values()) {
            if (kind.headerValue().equalsIgnoreCase(value)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** The origin a replayed record carries ({@code topic/partition/offset}), if any. */
    public static Optional<String> originOf(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(ORIGIN_HEADER);
        return header == null || header.value() == null ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Marks {@code headers} as a replay of {@code kind} copied from {@code topic/partition/offset}. */
    public static Headers mark(Headers headers, Kind kind, String topic, int partition, long offset) {
        headers.remove(HEADER);
        headers.remove(ORIGIN_HEADER);
        headers.add(HEADER, kind.headerValue().getBytes(StandardCharsets.UTF_8));
        headers.add(ORIGIN_HEADER, origin(topic, partition, offset).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    public static String origin(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }
}
