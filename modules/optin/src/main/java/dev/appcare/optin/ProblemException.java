package dev.appcare.optin;

import java.util.List;
import java.util.Map;

/**
 * An answer that is not a success, turned into an RFC 9457 {@code application/problem+json} response by
 * the HTTP layer. Carries no stack trace: it is an expected outcome, not a bug.
 *
 * @see ProblemType
 */
final class ProblemException extends RuntimeException {
    private final ProblemType type;
    private final String detail;
    private final List<InvalidParam> invalidParams;
    private final Map<String, String> headers;

    ProblemException(ProblemType type, String detail) {
        this(type, detail, List.of(), Map.of());
    }

    ProblemException(ProblemType type, String detail, List<InvalidParam> invalidParams) {
        this(type, detail, invalidParams, Map.of());
    }

    ProblemException(ProblemType type, String detail, List<InvalidParam> invalidParams, Map<String, String> headers) {
        super(type.slug() + ": " + detail, null, false, false);
        this.type = type;
        this.detail = detail;
        this.invalidParams = List.copyOf(invalidParams);
        this.headers = Map.copyOf(headers);
    }

    /** 503 with {@code Retry-After: 1}: the outcome may be unknown and the same request may be sent again. */
    static ProblemException unavailable(String detail) {
        return new ProblemException(ProblemType.UNAVAILABLE, detail + " Retrying the same request is safe.",
                List.of(), Map.of("Retry-After", "1"));
    }

    static ProblemException invalid(List<InvalidParam> invalidParams) {
        String fields = String.join(", ", invalidParams.stream().map(InvalidParam::name).distinct().toList());
        return new ProblemException(ProblemType.VALIDATION, "The request has invalid fields: " + fields + ".", invalidParams);
    }

    ProblemType type() {
        return type;
    }

    String detail() {
        return detail;
    }

    List<InvalidParam> invalidParams() {
        return invalidParams;
    }

    Map<String, String> headers() {
        return headers;
    }
}
