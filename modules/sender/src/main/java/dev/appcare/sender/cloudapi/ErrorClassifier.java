package dev.appcare.sender.cloudapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Set;

/**
 * Turns a Cloud API answer (HTTP status + body) into a {@link SendOutcome} (rule S3), by Graph API
 * {@code error.code} first and HTTP status only when the body carries no code. Published copies of Meta's
 * table disagree on HTTP statuses (130429 appears as 400 and as 429), the codes do not.
 *
 * <ul>
 *   <li>throttled: 4, 80007, 130429, 131048, 131056;</li>
 *   <li>temporary: 1, 2, 131000, 131016, 133004, and unknown codes with HTTP 5xx;</li>
 *   <li>suspend (token or account unusable for every message): 0, 3, 10, 190, 200-299, 368, 131031,
 *       131042, 133010;</li>
 *   <li>number paused: 131057 (maintenance mode, e.g. a throughput upgrade in progress);</li>
 *   <li>terminal: everything else, e.g. 100, 131008, 131009, 131021, 131026, 131047, 131049, 131050,
 *       131051, 132xxx (templates), and unknown codes with HTTP 4xx.</li>
 * </ul>
 */
public final class ErrorClassifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<Integer> THROTTLED = Set.of(4, 80007, 130429, 131048, 131056);
    private static final Set<Integer> TEMPORARY = Set.of(1, 2, 131000, 131016, 133004);
    private static final Set<Integer> SUSPEND = Set.of(0, 3, 10, 190, 368, 131031, 131042, 133010);

    /** The business number is in maintenance mode (a throughput upgrade in progress). */
    public static final int MAINTENANCE_MODE = 131057;

    private ErrorClassifier() {
    }

    /** The class of a Graph API error code, given the HTTP status it came with (for unknown codes). */
    public static ErrorClass classOf(int code, int httpStatus) {
        if (THROTTLED.contains(code)) {
            return ErrorClass.THROTTLED;
        }
        if (code == MAINTENANCE_MODE) {
            return ErrorClass.NUMBER_PAUSED;
        }
        if (TEMPORARY.contains(code)) {
            return ErrorClass.TEMPORARY;
        }
        if (SUSPEND.contains(code) || (code >= 200 && code <= 299)) {
            return ErrorClass.SUSPEND;
        }
        if (code >= 132000 && code <= 132999) {
            return ErrorClass.TERMINAL;
        }
        return httpStatus >= 500 ? ErrorClass.TEMPORARY : ErrorClass.TERMINAL;
    }

    /** Classifies a complete HTTP answer. */
    public static SendOutcome classify(int httpStatus, byte[] body) {
        JsonNode root = parse(body);
        if (httpStatus >= 200 && httpStatus < 300) {
            // Any 2xx means WhatsApp took the message; a missing wamid does not change that.
            JsonNode id = root == null ? null : root.path("messages").path(0).get("id");
            return SendOutcome.accepted(httpStatus, id == null || id.isNull() ? null : id.asText());
        }
        JsonNode error = root == null ? null : root.get("error");
        if (error != null && error.hasNonNull("code") && error.get("code").canConvertToInt()) {
            int code = error.get("code").asInt();
            String title = text(error.get("message"));
            String details = text(error.path("error_data").get("details"));
            return new SendOutcome(classOf(code, httpStatus), httpStatus, null, code, title, details, true);
        }
        return new SendOutcome(byHttpStatus(httpStatus), httpStatus, null, null,
                "HTTP " + httpStatus + " without a Graph API error body", null, true);
    }

    private static ErrorClass byHttpStatus(int status) {
        if (status == 429) {
            return ErrorClass.THROTTLED;
        }
        if (status == 401 || status == 403) {
            return ErrorClass.SUSPEND;
        }
        if (status == 408 || status >= 500) {
            return ErrorClass.TEMPORARY;
        }
        return ErrorClass.TERMINAL;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null; // an HTML error page from a proxy, say: classified by HTTP status
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
