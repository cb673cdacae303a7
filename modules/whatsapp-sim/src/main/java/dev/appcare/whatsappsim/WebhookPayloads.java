package dev.appcare.whatsappsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * Builds webhook bodies in the Cloud API envelope:
 * {@code {"object":"whatsapp_business_account","entry":[{"id":<WABA>,"changes":[{"value":{...},"field":"messages"}]}]}}
 * with {@code value.statuses[]} for message statuses and {@code value.contacts[]} + {@code value.messages[]}
 * for inbound messages (shapes as in Meta's published examples, see /work/shared/samples).
 */
record WebhookPayloads(ObjectMapper mapper, String wabaId, String displayPhoneNumber) {

    static final String ERROR_CODES_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

    /** A status webhook ({@code sent}, {@code delivered}, {@code read} or {@code failed} with errorCode). */
    byte[] status(SentMessage m, String status, Instant at, Integer errorCode) {
        ObjectNode root = envelope();
        ObjectNode value = value(root, m.phoneNumberId());
        ObjectNode s = value.putArray("statuses").addObject();
        s.put("id", m.wamid());
        s.put("status", status);
        s.put("timestamp", Long.toString(at.getEpochSecond()));
        s.put("recipient_id", m.waId());
        if (m.bizOpaqueCallbackData() != null) {
            s.put("biz_opaque_callback_data", m.bizOpaqueCallbackData());
        }
        if ("failed".equals(status)) {
            int code = errorCode != null ? errorCode : GraphErrors.UNDELIVERABLE;
            GraphErrors.Spec spec = GraphErrors.spec(code);
            ObjectNode e = s.putArray("errors").addObject();
            e.put("code", code);
            e.put("title", spec.title());
            e.put("message", spec.title());
            e.putObject("error_data").put("details", spec.details());
            e.put("href", ERROR_CODES_HREF);
        } else if ("template".equals(m.type())) {
            // Per-message pricing (PMP, since July 2025); utility templates are billable.
            ObjectNode pricing = s.putObject("pricing");
            pricing.put("billable", true);
            pricing.put("pricing_model", "PMP");
            pricing.put("type", "regular");
            pricing.put("category", "utility");
        }
        return bytes(root);
    }

    /** An inbound text message from a user. */
    byte[] inboundText(String phoneNumberId, String fromWaId, String profileName, String wamid, Instant at,
                       String text) {
        ObjectNode root = envelope();
        ObjectNode msg = inboundMessage(root, phoneNumberId, fromWaId, profileName);
        stamp(msg, fromWaId, wamid, at);
        msg.putObject("text").put("body", text);
        msg.put("type", "text");
        return bytes(root);
    }

    /**
     * An inbound photo, video, voice note or document: WhatsApp sends a media object with the media id
     * (fetched later through {@code GET /{media-id}}), MIME type, SHA-256, and a caption or file name.
     */
    byte[] inboundMedia(String phoneNumberId, String fromWaId, String profileName, String wamid, Instant at,
                        String type, String mediaId, String mimeType, String caption, String filename) {
        ObjectNode root = envelope();
        ObjectNode msg = inboundMessage(root, phoneNumberId, fromWaId, profileName);
        stamp(msg, fromWaId, wamid, at);
        msg.put("type", type);
        ObjectNode media = msg.putObject(type);
        if (caption != null) {
            media.put("caption", caption);
        }
        if (filename != null) {
            media.put("filename", filename);
        }
        media.put("mime_type", mimeType);
        media.put("sha256", sha256Base64(mediaId));
        media.put("id", mediaId);
        return bytes(root);
    }

    private static String sha256Base64(String seed) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A tap on a template quick-reply button (type {@code button}), replying to contextWamid. */
    byte[] inboundButton(String phoneNumberId, String fromWaId, String profileName, String wamid, Instant at,
                         String buttonText, String payload, String contextWamid) {
        ObjectNode root = envelope();
        ObjectNode msg = inboundMessage(root, phoneNumberId, fromWaId, profileName);
        if (contextWamid != null) {
            ObjectNode ctx = msg.putObject("context");
            ctx.put("from", displayPhoneNumber);
            ctx.put("id", contextWamid);
        }
        stamp(msg, fromWaId, wamid, at);
        msg.put("type", "button");
        ObjectNode button = msg.putObject("button");
        button.put("payload", payload);
        button.put("text", buttonText);
        return bytes(root);
    }

    private ObjectNode envelope() {
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "whatsapp_business_account");
        return root;
    }

    private ObjectNode value(ObjectNode root, String phoneNumberId) {
        ArrayNode entries = root.putArray("entry");
        ObjectNode entry = entries.addObject();
        entry.put("id", wabaId);
        ObjectNode change = entry.putArray("changes").addObject();
        ObjectNode value = change.putObject("value");
        value.put("messaging_product", "whatsapp");
        ObjectNode metadata = value.putObject("metadata");
        metadata.put("display_phone_number", displayPhoneNumber);
        metadata.put("phone_number_id", phoneNumberId);
        change.put("field", "messages");
        return value;
    }

    /** {@code messages[0]} of an inbound webhook under root, after its metadata and the user's contact. */
    private ObjectNode inboundMessage(ObjectNode root, String phoneNumberId, String fromWaId, String profileName) {
        ObjectNode value = value(root, phoneNumberId);
        contact(value, fromWaId, profileName);
        return value.putArray("messages").addObject();
    }

    private static void stamp(ObjectNode msg, String fromWaId, String wamid, Instant at) {
        msg.put("from", fromWaId);
        msg.put("id", wamid);
        msg.put("timestamp", Long.toString(at.getEpochSecond()));
    }

    private static void contact(ObjectNode value, String waId, String profileName) {
        ObjectNode c = value.putArray("contacts").addObject();
        c.putObject("profile").put("name", profileName);
        c.put("wa_id", waId);
    }

    private byte[] bytes(ObjectNode root) {
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
