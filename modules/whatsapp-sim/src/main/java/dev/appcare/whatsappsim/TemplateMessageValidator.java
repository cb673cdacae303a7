package dev.appcare.whatsappsim;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the {@code template} of a template message the way the Cloud API does: name and language against
 * the approved templates and their status, the components, a document header, the body parameters (count,
 * types, whitespace, names). Throws a {@link GraphApiError} with Meta's code for the first problem found.
 */
final class TemplateMessageValidator {

    /** WhatsApp language codes: {@code nl}, {@code en_US}, {@code pt_BR} (also 3-letter bases like {@code fil}). */
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");
    /** Meta refuses template text parameters with new lines, tabs or more than 4 consecutive spaces. */
    private static final Pattern BAD_PARAM_WHITESPACE = Pattern.compile("[\\n\\r\\t]| {5,}");
    private static final Set<String> BODY_PARAM_TYPES = Set.of("text", "currency", "date_time");

    private TemplateMessageValidator() {
    }

    /** The template message in {@code req}, checked against the approved templates; envelope already checked. */
    static SendRequestValidator.ValidSend validate(JsonNode req, ApprovedTemplates catalog, String to, String waId, String bizOpaque) {
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
        return new SendRequestValidator.ValidSend(to, waId, "template", t, name, language, List.copyOf(values), docLink, docId,
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
