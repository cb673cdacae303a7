package dev.appcare.whatsappsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;

/**
 * Checks a {@code POST /{version}/{phone-number-id}/messages} body the way the Cloud API does: the JSON,
 * the envelope every message shares ({@code messaging_product}, {@code to}, {@code biz_opaque_callback_data})
 * and plain text messages; template messages go to {@link TemplateMessageValidator}. Throws a
 * {@link GraphApiError} with Meta's code for the first problem found.
 */
final class SendRequestValidator {

    static final int MAX_BIZ_OPAQUE_LENGTH = 512;

    /** A send request that passed validation. */
    record ValidSend(String to, String waId, String type, ApprovedTemplates.Template template, String templateName,
                     String language, List<String> bodyParameters, String documentLink, String documentId,
                     String documentFilename, String textBody, String bizOpaqueCallbackData) {
    }

    private final ObjectMapper mapper;

    SendRequestValidator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Parses the raw body; anything but a JSON object is error 100. */
    JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw GraphApiError.invalidParameter("The parameter messaging_product is required.");
        }
        try {
            JsonNode node = mapper.readTree(body);
            if (node == null || !node.isObject()) {
                throw GraphApiError.invalidParameter("The request body must be a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw GraphApiError.invalidParameter("The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw GraphApiError.invalidParameter("The request body could not be read.");
        }
    }

    ValidSend validate(JsonNode req, ApprovedTemplates catalog) {
        JsonNode product = req.get("messaging_product");
        if (product == null || product.isNull()) {
            throw GraphApiError.invalidParameter("The parameter messaging_product is required.");
        }
        if (!product.isTextual() || !"whatsapp".equals(product.asText())) {
            throw GraphApiError.invalidParameter(
                    "Param messaging_product must be one of {WHATSAPP} - got \"" + product.asText() + "\".");
        }
        JsonNode recipientType = req.get("recipient_type");
        if (recipientType != null && !"individual".equals(recipientType.asText())) {
            throw GraphApiError.invalidParameter(
                    "Param recipient_type must be one of {INDIVIDUAL} - got \"" + recipientType.asText() + "\".");
        }
        JsonNode toNode = req.get("to");
        if (toNode == null || toNode.isNull() || toNode.asText().isBlank()) {
            throw GraphApiError.invalidParameter("The parameter to is required.");
        }
        String to = toNode.asText();
        String waId = PhoneNumbers.recipientDigits(to);
        if (!toNode.isTextual() || waId == null) {
            throw GraphApiError.invalidParameter(
                    "Param to must be a phone number in E.164 form (digits, optionally with a leading +) - got \""
                            + to + "\".");
        }
        String bizOpaque = null;
        JsonNode opaque = req.get("biz_opaque_callback_data");
        if (opaque != null && !opaque.isNull()) {
            if (!opaque.isTextual()) {
                throw GraphApiError.invalidParameter("Param biz_opaque_callback_data must be a string.");
            }
            bizOpaque = opaque.asText();
            if (bizOpaque.length() > MAX_BIZ_OPAQUE_LENGTH) {
                throw GraphApiError.invalidParameter("Param biz_opaque_callback_data must be at most "
                        + MAX_BIZ_OPAQUE_LENGTH + " characters long.");
            }
        }
        String type = req.path("type").asText("text");
        return switch (type) {
            case "template" -> TemplateMessageValidator.validate(req, catalog, to, waId, bizOpaque);
            case "text" -> validateText(req, to, waId, bizOpaque);
            default -> throw GraphApiError.of(GraphErrors.PARAMETER_VALUE_INVALID,
                    "Message type " + type + " is not supported by the simulator (template and text are).");
        };
    }

    private ValidSend validateText(JsonNode req, String to, String waId, String bizOpaque) {
        JsonNode body = req.path("text").get("body");
        if (body == null || !body.isTextual() || body.asText().isEmpty()) {
            throw GraphApiError.missing("The parameter text['body'] is required.");
        }
        return new ValidSend(to, waId, "text", null, null, null, List.of(), null, null, null, body.asText(),
                bizOpaque);
    }
}
