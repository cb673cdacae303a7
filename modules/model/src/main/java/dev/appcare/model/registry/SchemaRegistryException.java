package dev.appcare.model.registry;

/**
 * A schema-registry call failed. Carries what a caller needs to decide what to do: the HTTP status,
 * the Confluent error code from the body (e.g. 40401 subject not found, 40403 schema not found,
 * 409 incompatible, 42201 invalid schema) and the subject involved, if any.
 */
public class SchemaRegistryException extends RuntimeException {
    private final int httpStatus;
    private final int errorCode;
    private final String subject;

    public SchemaRegistryException(String message, int httpStatus, int errorCode, String subject, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.subject = subject;
    }

    public SchemaRegistryException(String message, int httpStatus, int errorCode, String subject) {
        this(message, httpStatus, errorCode, subject, null);
    }

    /** HTTP status of the answer, or 0 when there was no answer (timeout, connection refused). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent {@code error_code} from the answer body, or the HTTP status when the body had none. */
    public int errorCode() {
        return errorCode;
    }

    /** Subject the call was about, or null. */
    public String subject() {
        return subject;
    }

    /** True when trying again later may succeed (no answer, 5xx, 429). */
    public boolean isRetriable() {
        return httpStatus == 0 || httpStatus >= 500 || httpStatus == 429;
    }
}
