package dev.appcare.whatsappsim;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Meta's webhook signature: {@code X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256 of the exact raw
 * body bytes, keyed with the app secret>}.
 */
public final class WebhookSigner {

    /** The header Meta sends the signature in. */
    public static final String HEADER = "X-Hub-Signature-256";

    private WebhookSigner() {
    }

    /** The hex digest only. */
    public static String hmacSha256Hex(String appSecret, byte[] rawBody) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(rawBody));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The full header value, {@code sha256=<hex>}. */
    public static String signatureHeader(String appSecret, byte[] rawBody) {
        return "sha256=" + hmacSha256Hex(appSecret, rawBody);
    }
}
