package dev.appcare.whatsappsim;

import java.util.Map;

/**
 * The Cloud API error codes the simulator knows, with the title Meta puts in {@code error.message}
 * ("(#code) title"), a default {@code error_data.details} and the HTTP status the simulator answers with.
 *
 * <p>HTTP statuses follow Meta's error-code table where it is unambiguous (190 → 401, 368 → 403,
 * 132001 → 404, 131000 → 500, 2 → 503, parameter/template errors → 400). Meta's own guidance is to
 * classify by {@code error.code}, not by HTTP status, and published copies of that table disagree on
 * throttling (130429 is listed as 429 in some copies and 400 in others), so the throttling statuses are
 * configurable on the simulator ({@link SimulatorBuilder#throughputErrorHttpStatus(int)},
 * {@link SimulatorBuilder#pairRateErrorHttpStatus(int)}).
 */
public final class GraphErrors {

    /** The documented error codes, as constants for readability in tests. */
    public static final int API_UNKNOWN = 1;
    public static final int API_SERVICE = 2;
    public static final int INVALID_PARAMETER = 100;
    public static final int ACCESS_TOKEN = 190;
    public static final int ACCOUNT_BLOCKED = 368;
    public static final int THROUGHPUT = 130429;
    public static final int SOMETHING_WENT_WRONG = 131000;
    public static final int REQUIRED_PARAMETER_MISSING = 131008;
    public static final int PARAMETER_VALUE_INVALID = 131009;
    public static final int UNDELIVERABLE = 131026;
    public static final int RE_ENGAGEMENT = 131047;
    public static final int SPAM_RATE_LIMIT = 131048;
    public static final int ECOSYSTEM_ENGAGEMENT = 131049;
    public static final int MARKETING_OPT_OUT = 131050;
    public static final int PAIR_RATE = 131056;
    public static final int MAINTENANCE_MODE = 131057;
    public static final int TEMPLATE_PARAM_COUNT = 132000;
    public static final int TEMPLATE_NOT_FOUND = 132001;
    public static final int TEMPLATE_PARAM_FORMAT = 132012;
    public static final int TEMPLATE_PAUSED = 132015;
    public static final int TEMPLATE_DISABLED = 132016;
    public static final int TEMPLATE_PARAM_ISSUE = 132018;

    /** One known code. */
    public record Spec(int code, String title, String details, int httpStatus) {
    }

    private static final Map<Integer, Spec> SPECS = Map.ofEntries(
            spec(API_UNKNOWN, "An unknown error has occurred.", "Invalid request or possible server error.", 400),
            spec(API_SERVICE, "Service temporarily unavailable",
                    "Temporary due to downtime or due to being overloaded.", 503),
            spec(INVALID_PARAMETER, "Invalid parameter",
                    "The request included one or more unsupported or misspelled parameters.", 400),
            spec(ACCESS_TOKEN, "Invalid OAuth access token - Cannot parse access token",
                    "The access token is invalid or has expired.", 401),
            spec(ACCOUNT_BLOCKED, "Temporarily blocked for policies violations",
                    "The WhatsApp Business Account associated with the app has been restricted or disabled "
                            + "for violating a platform policy.", 403),
            spec(THROUGHPUT, "Rate limit hit",
                    "Message failed to send because there were too many messages sent from this phone number "
                            + "in a short period of time", 429),
            spec(SOMETHING_WENT_WRONG, "Something went wrong",
                    "Message failed to send due to an unknown error.", 500),
            spec(REQUIRED_PARAMETER_MISSING, "Required parameter is missing",
                    "The request is missing a required parameter.", 400),
            spec(PARAMETER_VALUE_INVALID, "Parameter value is not valid",
                    "One or more parameter values are invalid.", 400),
            spec(UNDELIVERABLE, "Message undeliverable",
                    "Message Undeliverable.", 400),
            spec(RE_ENGAGEMENT, "Re-engagement message",
                    "Message failed to send because more than 24 hours have passed since the customer last "
                            + "replied to this number.", 400),
            spec(SPAM_RATE_LIMIT, "Spam rate limit hit",
                    "Message failed to send because there are restrictions on how many messages can be sent "
                            + "from this phone number.", 400),
            spec(ECOSYSTEM_ENGAGEMENT,
                    "This message was not delivered to maintain healthy ecosystem engagement.",
                    "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.", 400),
            spec(MARKETING_OPT_OUT,
                    "User has stopped receiving marketing messages from this business",
                    "Unable to deliver the message. This recipient has chosen to stop receiving marketing "
                            + "messages on WhatsApp from your business.", 400),
            spec(PAIR_RATE, "(Business Account, Consumer Account) pair rate limit hit",
                    "Message failed to send because there were too many messages sent from this phone number "
                            + "to the same phone number in a short period of time.", 400),
            spec(MAINTENANCE_MODE, "Account in maintenance mode",
                    "Business Account is in maintenance mode. One reason for this could be that the account is "
                            + "undergoing a throughput upgrade.", 400),
            spec(TEMPLATE_PARAM_COUNT, "Number of parameters does not match the expected number of params",
                    "The number of variable parameter values does not match the template.", 400),
            spec(TEMPLATE_NOT_FOUND, "Template name does not exist in the translation",
                    "The template does not exist in the specified language or has not been approved.", 404),
            spec(TEMPLATE_PARAM_FORMAT, "Parameter format does not match format in the created template",
                    "A parameter does not match the format of the approved template.", 400),
            spec(TEMPLATE_PAUSED, "Template is Paused",
                    "The template has been paused due to low quality.", 400),
            spec(TEMPLATE_DISABLED, "Template is Disabled",
                    "The template has been disabled due to low quality.", 400),
            spec(TEMPLATE_PARAM_ISSUE, "There was an issue with the parameters in your template.",
                    "Param text cannot have new-line/tab characters or more than 4 consecutive spaces", 400));

    private GraphErrors() {
    }

    private static Map.Entry<Integer, Spec> spec(int code, String title, String details, int status) {
        return Map.entry(code, new Spec(code, title, details, status));
    }

    /** The spec of a code; unknown codes get a generic title and HTTP 400. */
    public static Spec spec(int code) {
        Spec s = SPECS.get(code);
        return s != null ? s : new Spec(code, "Error " + code, "Simulated error " + code + ".", 400);
    }

    /** Every code the simulator has a title for. */
    public static Map<Integer, Spec> known() {
        return SPECS;
    }

    /** {@code error.message} as Graph API writes it: "(#130429) Rate limit hit"; token errors have no prefix. */
    public static String message(int code) {
        Spec s = spec(code);
        return code == ACCESS_TOKEN ? s.title() : "(#" + code + ") " + s.title();
    }
}
