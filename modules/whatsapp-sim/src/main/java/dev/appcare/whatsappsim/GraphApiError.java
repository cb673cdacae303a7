package dev.appcare.whatsappsim;

/**
 * A Graph API error answer: HTTP status plus the {@code {"error":{...}}} fields. Thrown inside the request
 * pipeline; the server turns it into the response body.
 */
public final class GraphApiError extends RuntimeException {

    private final int code;
    private final int httpStatus;
    private final String graphMessage;
    private final String details;
    private final Integer subcode;

    public GraphApiError(int code, int httpStatus, String graphMessage, String details, Integer subcode) {
        super(graphMessage + " – " + details, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
        this.graphMessage = graphMessage;
        this.details = details;
        this.subcode = subcode;
    }

    /** The code with its catalogue title and HTTP status, and the given details (null: the default details). */
    public static GraphApiError of(int code, String details) {
        GraphErrors.Spec spec = GraphErrors.spec(code);
        return new GraphApiError(code, spec.httpStatus(), GraphErrors.message(code),
                details != null ? details : spec.details(), null);
    }

    public static GraphApiError of(int code, int httpStatus, String details) {
        GraphErrors.Spec spec = GraphErrors.spec(code);
        return new GraphApiError(code, httpStatus, GraphErrors.message(code),
                details != null ? details : spec.details(), null);
    }

    public static GraphApiError invalidParameter(String details) {
        return of(GraphErrors.INVALID_PARAMETER, details);
    }

    public static GraphApiError missing(String details) {
        return of(GraphErrors.REQUIRED_PARAMETER_MISSING, details);
    }

    /** 401 / 190 for a missing or wrong bearer token, as Graph API answers it. */
    public static GraphApiError invalidToken() {
        return new GraphApiError(GraphErrors.ACCESS_TOKEN, 401,
                "Invalid OAuth access token - Cannot parse access token", null, null);
    }

    /** 401 / 190 subcode 463: an expired session token. */
    public static GraphApiError expiredToken() {
        return new GraphApiError(GraphErrors.ACCESS_TOKEN, 401,
                "Error validating access token: Session has expired. The current time is later than the token's expiry.",
                null, 463);
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String graphMessage() {
        return graphMessage;
    }

    /** {@code error_data.details}; null for token errors (Graph sends no error_data there). */
    public String details() {
        return details;
    }

    public Integer subcode() {
        return subcode;
    }
}
