package dev.appcare.whatsappsim;

import java.time.Instant;

/**
 * A send request the simulator refused (a Graph API error answer; not the house's dead-letter reason
 * {@code dev.appcare.model.rules.Rejection}), as kept in the (bounded) rejection log.
 *
 * @param at            when
 * @param phoneNumberId from the path (null if the path was not a send path)
 * @param to            {@code to} as sent, if it could be read
 * @param templateName  template name, if it could be read
 * @param httpStatus    the HTTP status answered
 * @param code          the Graph error code answered
 * @param details       {@code error_data.details} (or the message for token errors)
 * @param injected      true if the failure came from fault injection
 */
public record SendRejection(Instant at, String phoneNumberId, String to, String templateName, int httpStatus,
                        int code, String details, boolean injected) {
}
