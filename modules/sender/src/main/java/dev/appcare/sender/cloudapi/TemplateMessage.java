package dev.appcare.sender.cloudapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appcare.avro.DocumentHeader;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.WhatsAppRequest;

/**
 * The Cloud API body for one {@link WhatsAppRequest}: a {@code type: text} message when the request carries
 * free-form text (care replies), else a template message with its body parameters in
 * order, the document header for boarding passes, and {@code biz_opaque_callback_data} = messageId so
 * that every status webhook names the request it is about (rule S4).
 *
 * <pre>{@code
 * {"messaging_product":"whatsapp","recipient_type":"individual","to":"+31612345678","type":"template",
 *  "biz_opaque_callback_data":"gate-change-3f2a...",
 *  "template":{"name":"boarding_pass","language":{"code":"nl"},
 *   "components":[{"type":"header","parameters":[{"type":"document","document":{"link":"https://...","filename":"BP.pdf"}}]},
 *                 {"type":"body","parameters":[{"type":"text","text":"Anna"}, ...]}]}}
 * }</pre>
 */
public final class TemplateMessage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TemplateMessage() {
    }

    /**
     * @param namedParameters send {@code parameter_name} with each body parameter that has a name (for
     *                        templates created with named placeholders); positional templates refuse it
     */
    public static ObjectNode build(WhatsAppRequest request, boolean namedParameters) {
        ObjectNode root = JSON.createObjectNode();
        root.put("messaging_product", "whatsapp");
        root.put("recipient_type", "individual");
        root.put("to", request.getRecipient());
        if (request.getText() != null) {
            // Free-form text (care replies): WhatsApp delivers it only inside the 24-hour window (131047 otherwise).
            root.put("type", "text");
            root.put("biz_opaque_callback_data", request.getMessageId());
            root.putObject("text").put("preview_url", true).put("body", request.getText());
            return root;
        }
        root.put("type", "template");
        root.put("biz_opaque_callback_data", request.getMessageId());
        ObjectNode template = root.putObject("template");
        template.put("name", request.getTemplateName());
        template.putObject("language").put("code", request.getLanguage());
        ArrayNode components = template.putArray("components");
        DocumentHeader document = request.getDocumentHeader();
        if (document != null) {
            ObjectNode header = components.addObject();
            header.put("type", "header");
            ObjectNode parameter = header.putArray("parameters").addObject();
            parameter.put("type", "document");
            parameter.putObject("document").put("link", document.getLink()).put("filename", document.getFilename());
        }
        if (!request.getParameters().isEmpty()) {
            ObjectNode body = components.addObject();
            body.put("type", "body");
            ArrayNode parameters = body.putArray("parameters");
            for (TemplateParameter p : request.getParameters()) {
                ObjectNode parameter = parameters.addObject();
                parameter.put("type", "text");
                if (namedParameters && p.getName() != null) {
                    parameter.put("parameter_name", p.getName());
                }
                parameter.put("text", p.getValue());
            }
        }
        return root;
    }

    public static byte[] toBytes(WhatsAppRequest request, boolean namedParameters) {
        try {
            return JSON.writeValueAsBytes(build(request, namedParameters));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
