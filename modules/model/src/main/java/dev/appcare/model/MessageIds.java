package dev.appcare.model;

import dev.appcare.avro.MessageKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic message ids (rule N4): the id is a hash of what the message is about, so processing
 * the same input again (a republished event, a replay, a reprocess after a crash) yields the same id
 * and the sender's ledger recognises it.
 */
public final class MessageIds {
    private MessageIds() {
    }

    /**
     * @param kind         kind of message
     * @param about        what triggered it, stable across re-deliveries: e.g. the source event id, or
     *                     for a delay the flight key and the new estimate
     * @param travellerKey who it is for
     * @return {@code <kind>-<32 hex chars>}, e.g. {@code delay-3f2a...}; readable in logs, fixed length
     */
    public static String derive(MessageKind kind, String about, String travellerKey) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // Separators that cannot occur in the parts keep ("a|b","c") and ("a","b|c") apart.
            sha.update((kind.name() + '\u001f' + about + '\u001f' + travellerKey).getBytes(StandardCharsets.UTF_8));
            return kind.name().toLowerCase().replace('_', '-') + "-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
