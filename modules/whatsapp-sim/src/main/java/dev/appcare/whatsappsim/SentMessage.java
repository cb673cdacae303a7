package dev.appcare.whatsappsim;

import java.time.Instant;
import java.util.List;

/**
 * A message the simulator accepted (answered HTTP 200 with a wamid): what the traveller would receive.
 *
 * @param wamid                 the message id returned to the sender and used in status webhooks
 * @param phoneNumberId         the business phone-number-id from the request path
 * @param apiVersion            the Graph API version from the request path, e.g. {@code v21.0}
 * @param to                    {@code to} as the sender wrote it
 * @param waId                  the recipient's WhatsApp id (the digits of {@code to})
 * @param type                  {@code template} or {@code text}
 * @param templateName          template name (null for text)
 * @param language              template language code (null for text)
 * @param bodyParameters        the body parameter values in order (empty for text)
 * @param documentLink          document header link, if any
 * @param documentId            document header media id, if any
 * @param documentFilename      document header filename, if any
 * @param text                  the rendered template body if the catalogue has a text for it, or the text body
 * @param bizOpaqueCallbackData echoed in every status webhook of this message
 * @param acceptedAt            when the simulator accepted it
 * @param asyncFailureCode      the error code of the {@code failed} webhook that will follow, or null
 */
public record SentMessage(String wamid, String phoneNumberId, String apiVersion, String to, String waId,
                          String type, String templateName, String language, List<String> bodyParameters,
                          String documentLink, String documentId, String documentFilename, String text,
                          String bizOpaqueCallbackData, Instant acceptedAt, Integer asyncFailureCode) {
    public SentMessage {
        bodyParameters = List.copyOf(bodyParameters);
    }
}
