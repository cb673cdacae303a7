package dev.appcare.sender.cloudapi;

/**
 * The classified result of one send call.
 *
 * @param errorClass    what to do about it
 * @param httpStatus    the HTTP status, or 0 when no answer came
 * @param wamid         WhatsApp's message id, when accepted
 * @param errorCode     Graph API {@code error.code}, when WhatsApp gave one
 * @param errorTitle    {@code error.message} (or a description of the transport failure)
 * @param details       {@code error.error_data.details}, if any
 * @param reachedServer whether the call reached WhatsApp, so it counts against its limits (pair rate)
 */
public record SendOutcome(ErrorClass errorClass, int httpStatus, String wamid, Integer errorCode,
                          String errorTitle, String details, boolean reachedServer) {

    public static SendOutcome accepted(int httpStatus, String wamid) {
        return new SendOutcome(ErrorClass.ACCEPTED, httpStatus, wamid, null, null, null, true);
    }

    /** The call never left this machine (connection refused, connect timeout): safe to repeat. */
    public static SendOutcome notSent(String why) {
        return new SendOutcome(ErrorClass.TEMPORARY, 0, null, null, why, null, false);
    }

    /** The call was sent and no answer came: WhatsApp may have accepted it. */
    public static SendOutcome inDoubt(String why) {
        return new SendOutcome(ErrorClass.IN_DOUBT, 0, null, null, why, null, true);
    }

    /** A short human-readable reason: {@code WhatsApp 131026 (HTTP 400): (#131026) Message undeliverable}. */
    public String reason() {
        StringBuilder s = new StringBuilder();
        if (errorCode != null) {
            s.append("WhatsApp ").append(errorCode);
            if (httpStatus > 0) {
                s.append(" (HTTP ").append(httpStatus).append(')');
            }
            s.append(": ");
        } else if (httpStatus > 0) {
            s.append("HTTP ").append(httpStatus).append(": ");
        }
        s.append(errorTitle == null ? errorClass.name().toLowerCase() : errorTitle);
        if (details != null && !details.isBlank()) {
            s.append(" - ").append(details);
        }
        return s.toString();
    }
}
