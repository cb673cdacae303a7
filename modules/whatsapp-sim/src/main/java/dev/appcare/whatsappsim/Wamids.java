package dev.appcare.whatsappsim;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Meta-like wamids: "wamid." + base64 of a small binary record holding the recipient and an 18-hex-digit
 * id (here a random per-simulator prefix plus a counter), so ids are unique across simulator restarts.
 */
final class Wamids {

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    Wamids() {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        this.prefix = HexFormat.of().withUpperCase().formatHex(random);
    }

    String next(String waId) {
        String count = Long.toHexString(counter.incrementAndGet() & 0xFF_FFFF_FFFFL).toUpperCase(Locale.ROOT);
        String id = prefix + "0".repeat(10 - count.length()) + count;
        byte[] digits = waId.getBytes(StandardCharsets.US_ASCII);
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        byte[] raw = new byte[3 + digits.length + 6 + idBytes.length + 1];
        int i = 0;
        raw[i++] = 0x1C;
        raw[i++] = 0x18;
        raw[i++] = (byte) digits.length;
        System.arraycopy(digits, 0, raw, i, digits.length);
        i += digits.length;
        raw[i++] = 0x15;
        raw[i++] = 0x02;
        raw[i++] = 0x00;
        raw[i++] = 0x11;
        raw[i++] = 0x18;
        raw[i++] = (byte) idBytes.length;
        System.arraycopy(idBytes, 0, raw, i, idBytes.length);
        return "wamid." + Base64.getEncoder().encodeToString(raw);
    }
}
