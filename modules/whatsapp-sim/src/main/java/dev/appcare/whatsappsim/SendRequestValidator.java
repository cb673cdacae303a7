package dev.appcare.whatsappsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a {@code POST /{version}/{phone-number-id}/messages} body the way the Cloud API does for the
 * parts AppCare uses (template messages; plain text messages for completeness), and throws a
 * {@link GraphApiError} with Meta's code for the first problem found.
 */
final class SendRequestValidator {

    /** Digits with or without a leading +, 8–15 digits, no leading 0 (E.164). */
    private static final Pattern E164 = Pattern.compile("\\+?[1-9][0-9]{7,14}");
    /** WhatsApp language codes: {@code nl}, {@code en_US}, {@code pt_BR} (also 3-letter bases like {@code fil}). */
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");
    /** Meta refuses template text parameters with new lines, tabs or more than 4 consecutive spaces. */
    private static final Pattern BAD_PARAM_WHITESPACE = Pattern.compile("[\\n\\r\\t]| {5,}");
    private static final Set<String> BODY_PARAM_TYPES = Set.of("text", "currency", "date_time");
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

    /** The recipient's digits (wa_id form), or null when {@code to} is absent or not a plausible number. */
    static String recipientDigits(String to) {
        if (to == null) {
            return null;
        }
        String t = to.trim();
        if (!E164.matcher(t).matches()) {
            return null;
        }
        return t.startsWith("+") ? t.substring(1) : t;
    }

    /** Normalises a phone number given by a test or an admin call to wa_id digits (keeps only digits). */
    static String digitsOnly(String phone) {
        return phone == null ? "" : phone.replaceAll("[^0-9]", "");
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
        String waId = recipientDigits(to);
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
            case "template" -> validateTemplate(req, catalog, to, waId, bizOpaque);
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

    private ValidSend validateTemplate(JsonNode req, ApprovedTemplates catalog, String to, String waId,
                                       String bizOpaque) {
        JsonNode template = req.get("template");
        if (template == null || !template.isObject()) {
            throw GraphApiError.missing("The parameter template is required.");
        }
        JsonNode nameNode = template.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            throw GraphApiError.missing("The parameter template['name'] is required.");
        }
        String name = nameNode.asText();
        JsonNode codeNode = template.path("language").get("code");
        if (codeNode == null || !codeNode.isTextual() || codeNode.asText().isBlank()) {
            throw GraphApiError.missing("The parameter template['language']['code'] is required.");
        }
        String language = codeNode.asText();
        if (!LANGUAGE.matcher(language).matches()) {
            throw GraphApiError.invalidParameter("Param template['language']['code'] is not a valid language code: \""
                    + language + "\" (expected a code like nl, en_US or pt_BR).");
        }
        ApprovedTemplates.Template t = catalog.find(name)
                .filter(found -> found.languages().contains(language))
                .orElseThrow(() -> GraphApiError.of(GraphErrors.TEMPLATE_NOT_FOUND,
                        "template name (" + name + ") does not exist in " + language));
        if (t.status() == ApprovedTemplates.Status.PAUSED) {
            throw GraphApiError.of(GraphErrors.TEMPLATE_PAUSED, "Template " + name + " is paused.");
        }
        if (t.status() == ApprovedTemplates.Status.DISABLED) {
            throw GraphApiError.of(GraphErrors.TEMPLATE_DISABLED, "Template " + name + " is disabled.");
        }

        JsonNode components = template.get("components");
        if (components != null && !components.isNull() && !components.isArray()) {
            throw GraphApiError.invalidParameter("Param template['components'] must be an array.");
        }
        JsonNode header = null;
        JsonNode body = null;
        if (components != null) {
            for (JsonNode c : components) {
                String ctype = c.path("type").asText("").toLowerCase(Locale.ROOT);
                switch (ctype) {
                    case "header" -> header = duplicateCheck(header, c, "header");
                    case "body" -> body = duplicateCheck(body, c, "body");
                    case "button" -> {
                        int index = c.path("index").asInt(-1);
                        if (index < 0 || index >= t.dynamicButtons()) {
                            throw GraphApiError.of(GraphErrors.PARAMETER_VALUE_INVALID,
                                    "button at index " + c.path("index").asText("?") + " of type "
                                            + c.path("sub_type").asText("unknown") + " does not exist in template "
                                            + name);
                        }
                    }
                    default -> throw GraphApiError.invalidParameter(
                            "Param template['components'][type] must be one of {HEADER, BODY, BUTTON} - got \""
                                    + c.path("type").asText() + "\".");
                }
            }
        }

        // Header: a media header needs exactly one parameter of the template's media type.
        String docLink = null;
        String docId = null;
        String docFilename = null;
        JsonNode headerParams = header == null ? null : header.get("parameters");
        int headerCount = headerParams == null || !headerParams.isArray() ? 0 : headerParams.size();
        if (t.header() == ApprovedTemplates.HeaderFormat.DOCUMENT) {
            if (headerCount == 0) {
                throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_FORMAT,
                        "header: Format mismatch, expected DOCUMENT, received UNKNOWN");
            }
            if (headerCount > 1) {
                throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_COUNT,
                        "header: number of localizable_params (" + headerCount
                                + ") does not match the expected number of params (1)");
            }
            JsonNode p = headerParams.get(0);
            String ptype = p.path("type").asText("unknown");
            if (!"document".equals(ptype)) {
                throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_FORMAT,
                        "header: Format mismatch, expected DOCUMENT, received " + ptype.toUpperCase(Locale.ROOT));
            }
            JsonNode doc = p.path("document");
            docLink = textOrNull(doc.get("link"));
            docId = textOrNull(doc.get("id"));
            docFilename = textOrNull(doc.get("filename"));
            if (docLink == null && docId == null) {
                throw GraphApiError.missing("The parameter document['link'] or document['id'] is required.");
            }
            if (docLink != null && !isHttpUrl(docLink)) {
                throw GraphApiError.of(GraphErrors.PARAMETER_VALUE_INVALID,
                        "document['link'] must be an http(s) URL - got \"" + docLink + "\".");
            }
        } else if (t.hasMediaHeader()) {
            if (headerCount != 1) {
                throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_FORMAT,
                        "header: Format mismatch, expected " + t.header() + ", received UNKNOWN");
            }
        } else if (headerCount > 0) {
            throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_COUNT,
                    "header: number of localizable_params (" + headerCount
                            + ") does not match the expected number of params (0)");
        }

        // Body: the number of parameters must equal the template's placeholders.
        JsonNode bodyParams = body == null ? null : body.get("parameters");
        int bodyCount = bodyParams == null || !bodyParams.isArray() ? 0 : bodyParams.size();
        if (bodyCount != t.bodyParameters()) {
            throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_COUNT,
                    "body: number of localizable_params (" + bodyCount
                            + ") does not match the expected number of params (" + t.bodyParameters() + ")");
        }
        List<String> values = new ArrayList<>(bodyCount);
        for (int i = 0; i < bodyCount; i++) {
            values.add(bodyParameter(bodyParams.get(i), i));
        }
        if (bodyCount > 0) {
            values = checkParameterNames(t, bodyParams, values);
        }
        return new ValidSend(to, waId, "template", t, name, language, List.copyOf(values), docLink, docId,
                docFilename, null, bizOpaque);
    }

    /**
     * Named templates need a {@code parameter_name} on every body parameter (Meta: 100 "Parameter name is
     * missing or empty"); the values are returned in the template's placeholder order. Positional templates
     * refuse {@code parameter_name} (the simulator's choice: Meta's exact answer is not documented).
     */
    private static List<String> checkParameterNames(ApprovedTemplates.Template t, JsonNode params, List<String> values) {
        if (!t.namedParameters()) {
            for (JsonNode p : params) {
                if (p.hasNonNull("parameter_name")) {
                    throw GraphApiError.invalidParameter("Template " + t.name()
                            + " has positional parameters; parameter_name is not expected.");
                }
            }
            return values;
        }
        String[] ordered = new String[t.parameterNames().size()];
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).path("parameter_name").asText("");
            if (name.isBlank()) {
                throw GraphApiError.invalidParameter("Parameter name is missing or empty");
            }
            int slot = t.parameterNames().indexOf(name);
            if (slot < 0) {
                throw GraphApiError.invalidParameter("Parameter name " + name + " does not exist in template "
                        + t.name() + ".");
            }
            if (ordered[slot] != null) {
                throw GraphApiError.invalidParameter("Parameter name " + name + " is given more than once.");
            }
            ordered[slot] = values.get(i);
        }
        return List.of(ordered);
    }

    private static String bodyParameter(JsonNode p, int index) {
        String ptype = p.path("type").asText("");
        if (!BODY_PARAM_TYPES.contains(ptype)) {
            throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_FORMAT,
                    "body: parameter " + (index + 1) + " has unsupported type \"" + ptype + "\"");
        }
        String value = switch (ptype) {
            case "text" -> {
                JsonNode text = p.get("text");
                if (text == null || text.isNull()) {
                    throw GraphApiError.missing("The parameter text is required (body parameter " + (index + 1) + ").");
                }
                yield text.asText();
            }
            case "currency" -> textOrNull(p.path("currency").get("fallback_value"));
            default -> textOrNull(p.path("date_time").get("fallback_value"));
        };
        if (value == null || value.isBlank()) {
            throw GraphApiError.of(GraphErrors.PARAMETER_VALUE_INVALID,
                    "body: parameter " + (index + 1) + " is empty.");
        }
        if (BAD_PARAM_WHITESPACE.matcher(value).find()) {
            throw GraphApiError.of(GraphErrors.TEMPLATE_PARAM_ISSUE,
                    "Param text cannot have new-line/tab characters or more than 4 consecutive spaces");
        }
        return value;
    }

    private static JsonNode duplicateCheck(JsonNode existing, JsonNode c, String what) {
        if (existing != null) {
            throw GraphApiError.invalidParameter("Component " + what + " is given more than once.");
        }
        return c;
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() || n.asText().isBlank() ? null : n.asText();
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI u = URI.create(s);
            return ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))
                    && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
