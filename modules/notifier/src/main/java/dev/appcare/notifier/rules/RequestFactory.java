package dev.appcare.notifier.rules;

import dev.appcare.avro.BoardingPassIssued;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.DocumentHeader;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.model.templates.TemplateCatalogue.Template;
import dev.appcare.notifier.avro.FlightView;
import dev.appcare.notifier.rules.NotificationPlanner.PlannedMessage;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a planned message into the {@link WhatsAppRequest} the sender sends: the template and language
 * from the {@link TemplateCatalogue} (config, not code; rule N7 language fallback), the body parameters
 * in the template's order with times in the airport's local time ({@link LocalTimeFormatter}), the
 * priority ({@link PriorityPolicy}) and the correlation ids. Every parameter the catalogue may ask for is
 * offered; the template picks the ones it uses.
 *
 * <p>{@code createdAt} is the time of the event that caused the message, not the wall clock, so that
 * reprocessing an event builds the very same request.
 */
public final class RequestFactory {
    /** Greeting when the booking has no name; WhatsApp refuses empty parameters. */
    static final String NO_NAME = "traveller";
    /** Shown for a value the source did not give (a pass without a seat); WhatsApp refuses empty parameters. */
    static final String NOT_GIVEN = "-";
    /** The parameters a flight-status template may use. */
    public static final Set<String> FLIGHT_PARAMETERS = Set.of("givenName", "flight", "departureAirport",
            "newDepartureTime", "scheduledDepartureTime", "scheduledDepartureDate", "departureTime", "gate",
            "diversionAirport");
    /** The parameters the boarding-pass template may use. */
    public static final Set<String> BOARDING_PASS_PARAMETERS = Set.of("givenName", "flight", "seat", "boardingTime",
            "gate", "departureAirport", "scheduledDepartureTime");
    private static final Pattern PARAMETER_WHITESPACE = Pattern.compile("[\\n\\r\\t]+| {4,}");

    private final TemplateCatalogue catalogue;
    private final PriorityPolicy priorityPolicy;

    public RequestFactory(TemplateCatalogue catalogue, PriorityPolicy priorityPolicy) {
        this.catalogue = catalogue;
        this.priorityPolicy = priorityPolicy;
    }

    /** The parameters this factory can fill in for a kind. */
    public static Set<String> parametersOffered(MessageKind kind) {
        return kind == MessageKind.BOARDING_PASS ? BOARDING_PASS_PARAMETERS : FLIGHT_PARAMETERS;
    }

    /** The kinds this factory can build, i.e. those the catalogue has a template for. */
    public boolean supports(MessageKind kind) {
        return catalogue.template(kind).isPresent();
    }

    public WhatsAppRequest flightRequest(PlannedMessage message, FlightView flight, String givenName, String familyName,
                                         TravellerPreference preference, String sourceTopic) {
        String language = catalogue.resolveLanguage(preference.getLocale());
        ZoneId zone = ZoneId.of(flight.getDepartureTimeZone());
        LocalDate day = LocalTimeFormatter.localDay(flight.getScheduledDeparture(), zone);
        Map<String, String> values = new HashMap<>();
        values.put("givenName", greeting(givenName, familyName));
        values.put("flight", flight.getFlight());
        values.put("departureAirport", flight.getDepartureAirport());
        values.put("newDepartureTime", LocalTimeFormatter.time(message.departure(), zone, day, language));
        values.put("scheduledDepartureTime", LocalTimeFormatter.time(flight.getScheduledDeparture(), zone, day, language));
        values.put("scheduledDepartureDate", LocalTimeFormatter.date(flight.getScheduledDeparture(), zone, language));
        values.put("departureTime", LocalTimeFormatter.time(ExpiryPolicy.currentDeparture(flight), zone, day, language));
        values.put("gate", orNotGiven(flight.getGate()));
        values.put("diversionAirport", orNotGiven(flight.getDiversionAirport()));
        Instant createdAt = flight.getEventTime();
        return build(message, language, values, null, preference, createdAt,
                priorityPolicy.priority(message.kind(), ExpiryPolicy.currentDeparture(flight), createdAt),
                new Correlation(preference.getTravellerKey(), flight.getFlightKey(), sourceTopic, flight.getEventId()));
    }

    public WhatsAppRequest boardingPassRequest(PlannedMessage message, BoardingPassIssued pass,
                                               TravellerPreference preference, String sourceTopic) {
        String language = catalogue.resolveLanguage(preference.getLocale());
        ZoneId zone = ZoneId.of(pass.getDepartureTimeZone());
        LocalDate day = LocalTimeFormatter.localDay(pass.getScheduledDeparture(), zone);
        String flight = pass.getFlightKey().substring(0, pass.getFlightKey().indexOf('/'));
        Map<String, String> values = new HashMap<>();
        values.put("givenName", greeting(givenNameOnPass(pass.getPassengerName()), null));
        values.put("flight", flight);
        values.put("seat", orNotGiven(pass.getSeat()));
        values.put("boardingTime", pass.getBoardingTime() == null ? NOT_GIVEN
                : LocalTimeFormatter.time(pass.getBoardingTime(), zone, day, language));
        values.put("gate", orNotGiven(pass.getGate()));
        values.put("departureAirport", pass.getDepartureAirport());
        values.put("scheduledDepartureTime", LocalTimeFormatter.time(pass.getScheduledDeparture(), zone, day, language));
        DocumentHeader header = new DocumentHeader(pass.getDocumentUrl(),
                "boarding-pass-" + flight + "-" + day + ".pdf");
        Instant createdAt = pass.getEventTime();
        return build(message, language, values, header, preference, createdAt,
                priorityPolicy.priority(MessageKind.BOARDING_PASS, pass.getScheduledDeparture(), createdAt),
                new Correlation(pass.getTravellerKey(), pass.getFlightKey(), sourceTopic, pass.getEventId()));
    }

    private WhatsAppRequest build(PlannedMessage message, String language, Map<String, String> values,
                                  DocumentHeader header, TravellerPreference preference, Instant createdAt,
                                  dev.appcare.avro.Priority priority, Correlation correlation) {
        Template template = catalogue.template(message.kind())
                .orElseThrow(() -> new IllegalStateException("the template catalogue has no template for " + message.kind()));
        List<TemplateParameter> parameters = template.orderedValues(values).stream()
                .map(value -> new TemplateParameter(null, value))
                .toList();
        return WhatsAppRequest.newBuilder()
                .setMessageId(message.messageId())
                .setKind(message.kind())
                .setRecipient(preference.getPhoneE164())
                .setTemplateName(template.name())
                .setLanguage(language)
                .setParameters(parameters)
                .setDocumentHeader(template.documentHeader() ? header : null)
                .setPriority(priority)
                .setCreatedAt(createdAt)
                .setExpiresAt(message.expiresAt())
                .setSupersedes(message.supersedes())
                .setCorrelation(correlation)
                .build();
    }

    /** The given name, else the family name, else a neutral word; cleaned of what WhatsApp refuses. */
    static String greeting(String givenName, String familyName) {
        for (String candidate : new String[] {givenName, familyName}) {
            if (candidate != null && !candidate.isBlank()) {
                return clean(candidate);
            }
        }
        return NO_NAME;
    }

    /** {@code DOE/JANE MRS} (IATA name on a pass) -> {@code Jane}; empty when there is no given name. */
    static String givenNameOnPass(String passengerName) {
        if (passengerName == null || passengerName.indexOf('/') < 0) {
            return null;
        }
        String[] words = passengerName.substring(passengerName.indexOf('/') + 1).trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            return null;
        }
        String first = words[0].toLowerCase(Locale.ROOT);
        return Character.toUpperCase(first.charAt(0)) + first.substring(1);
    }

    private static String orNotGiven(String value) {
        return value == null || value.isBlank() ? NOT_GIVEN : clean(value);
    }

    /** Meta refuses template parameters with new lines, tabs or runs of spaces. */
    static String clean(String value) {
        return PARAMETER_WHITESPACE.matcher(value.strip()).replaceAll(" ");
    }
}
