package dev.appcare.sender.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appcare.avro.CareInboundMessage;
import dev.appcare.avro.InboundType;
import dev.appcare.avro.MediaReference;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One inbound {@code messages[]} entry of a verified webhook as a {@code care.inbound.v1} record (rule C5:
 * photos and videos reach the agent as media ids, never as bytes, never in a log). Kept apart from the
 * status and STOP handling so that the webhook's other work does not change when care's needs do.
 */
public final class InboundForCare {
    private InboundForCare() {
    }

    /**
     * @param value   the change's {@code value} (for the profile name and the receiving phone-number-id)
     * @param message one entry of {@code value.messages}
     * @param now     used when the message carries no timestamp
     * @return empty when the entry names no sender or no id (nothing a conversation could be keyed by)
     */
    public static Optional<CareInboundMessage> map(JsonNode value, JsonNode message, Instant now) {
        String from = text(message.get("from"));
        String wamid = text(message.get("id"));
        if (from == null || wamid == null || from.replaceAll("[^0-9]", "").isEmpty()) {
            return Optional.empty();
        }
        String phone = "+" + from.replaceAll("[^0-9]", "");
        long seconds = message.path("timestamp").asLong(0);
        String type = message.path("type").asText("").toLowerCase(Locale.ROOT);
        JsonNode mediaNode = switch (type) {
            case "image", "video", "document", "audio", "sticker" -> message.path(type);
            default -> null;
        };
        MediaReference media = mediaNode == null || text(mediaNode.get("id")) == null ? null
                : MediaReference.newBuilder()
                        .setId(text(mediaNode.get("id")))
                        .setMimeType(text(mediaNode.get("mime_type")))
                        .setSha256(text(mediaNode.get("sha256")))
                        .setFilename(text(mediaNode.get("filename")))
                        .build();
        String text = mediaNode != null ? text(mediaNode.get("caption")) : WebhookProcessor.replyText(message);
        return Optional.of(CareInboundMessage.newBuilder()
                .setWamid(wamid)
                .setFrom(phone)
                .setReceivedAt(seconds > 0 ? Instant.ofEpochSecond(seconds) : now)
                .setType(type(type))
                .setText(text)
                .setMedia(media)
                .setProfileName(profileName(value, from))
                .setContextWamid(text(message.path("context").get("id")))
                .setPhoneNumberId(text(value.path("metadata").get("phone_number_id")))
                .build());
    }

    private static InboundType type(String type) {
        return switch (type) {
            case "text" -> InboundType.TEXT;
            case "button" -> InboundType.BUTTON;
            case "interactive" -> InboundType.INTERACTIVE;
            case "image" -> InboundType.IMAGE;
            case "video" -> InboundType.VIDEO;
            case "document" -> InboundType.DOCUMENT;
            case "audio" -> InboundType.AUDIO;
            case "sticker" -> InboundType.STICKER;
            case "location" -> InboundType.LOCATION;
            default -> InboundType.OTHER;
        };
    }

    private static String profileName(JsonNode value, String from) {
        for (JsonNode contact : value.path("contacts")) {
            if (from.equals(contact.path("wa_id").asText())) {
                return text(contact.path("profile").get("name"));
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.asText().isEmpty() ? null : node.asText();
    }
}
