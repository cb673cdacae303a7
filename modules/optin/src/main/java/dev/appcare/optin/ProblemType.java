package dev.appcare.optin;

/**
 * The kinds of problem the opt-in API answers with (RFC 9457). The {@code type} URI is
 * {@code urn:appcare:problem:<slug>}; docs/optin-api.md lists them all.
 */
enum ProblemType {
    VALIDATION(400, "validation-failed", "The request has invalid fields"),
    MALFORMED_JSON(400, "malformed-json", "The request body is not valid JSON"),
    BAD_REQUEST(400, "bad-request", "The request could not be handled"),
    UNAUTHORIZED(401, "unauthorized", "Missing or invalid credentials"),
    FORBIDDEN(403, "forbidden", "The credentials do not allow this operation"),
    NOT_FOUND(404, "not-found", "No such resource"),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed on this resource"),
    STALE_CONSENT(409, "stale-consent", "The consent predates the traveller's opt-out"),
    BODY_TOO_LARGE(413, "body-too-large", "The request body is too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "The request body must be application/json"),
    UNAVAILABLE(503, "unavailable", "Temporarily unavailable; retrying is safe"),
    INTERNAL(500, "internal-error", "Internal error");

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    int status() {
        return status;
    }

    String slug() {
        return slug;
    }

    String title() {
        return title;
    }

    String uri() {
        return "urn:appcare:problem:" + slug;
    }
}
