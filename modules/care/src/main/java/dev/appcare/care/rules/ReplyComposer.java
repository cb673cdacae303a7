package dev.appcare.care.rules;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The text of care's acknowledgement (rules C1, C2, C4, C6), short on purpose:
 * <ol>
 *   <li>whether agents are on duty: if so, the usual answer time; if not, the service hours in the market's
 *       time zone and when they will answer;</li>
 *   <li>that complex questions take longer, when the message goes to an agent;</li>
 *   <li>the best FAQ answers with their links; an answer about the traveller's flight gives that flight's
 *       facts (status, departure time in the airport's zone, gate) instead, when it departs within the horizon;</li>
 *   <li>on the first reply of a conversation, the privacy statement link.</li>
 * </ol>
 */
public final class ReplyComposer {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final Duration flightHorizon;

    /** @param flightHorizon flights departing within this time from now count as "in the next days" */
    public ReplyComposer(Duration flightHorizon) {
        this.flightHorizon = flightHorizon;
    }

    public String acknowledgement(String language, CareTexts texts, ServiceHours hours, ServiceHours.Availability availability,
                                  boolean toAgent, List<FaqMatcher.Match> matches, List<FlightFact> flights,
                                  String privacyLink, Instant now) {
        Locale locale = Locale.forLanguageTag(language.replace('_', '-'));
        List<String> lines = new ArrayList<>();
        if (availability.open()) {
            lines.add(CareTexts.fill(texts.open(), Map.of("minutes", Long.toString(availability.expectedAnswer().toMinutes()))));
        } else {
            String next = availability.nextOpening() == null ? ""
                    : availability.nextOpening().format(DateTimeFormatter.ofPattern("EEEE HH:mm", locale));
            lines.add(CareTexts.fill(texts.closed(), Map.of("hours", hours.describeWeek(locale),
                    "zone", zoneName(hours.zone()), "next", next)));
        }
        if (toAgent) {
            lines.add(texts.complex());
        }
        if (!matches.isEmpty()) {
            lines.add(texts.faqIntro());
            Optional<FlightFact> flight = nextFlight(flights, now);
            for (FaqMatcher.Match match : matches) {
                if (match.entry().flightFacts() && flight.isPresent()) {
                    lines.add("• " + flightFact(texts, flight.get(), locale));
                } else {
                    lines.add("• " + match.entry().answer() + (match.entry().link() == null ? "" : " " + match.entry().link()));
                }
            }
        }
        if (privacyLink != null) {
            lines.add(CareTexts.fill(texts.privacy(), Map.of("link", privacyLink)));
        }
        return String.join("\n", lines);
    }

    /** The soonest flight departing between two hours ago and the horizon, if any. */
    public Optional<FlightFact> nextFlight(List<FlightFact> flights, Instant now) {
        return flights.stream()
                .filter(f -> f.departure() != null && f.zone() != null)
                .filter(f -> !f.departure().isBefore(now.minus(Duration.ofHours(2))) && !f.departure().isAfter(now.plus(flightHorizon)))
                .min(Comparator.comparing(FlightFact::departure));
    }

    static String flightFact(CareTexts texts, FlightFact flight, Locale locale) {
        ZoneId zone = ZoneId.of(flight.zone());
        Map<String, String> values = new LinkedHashMap<>();
        values.put("flight", flight.flight());
        values.put("date", flight.departure().atZone(zone).format(DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale)));
        values.put("status", texts.status().getOrDefault(flight.status() == null ? "UNKNOWN" : flight.status(),
                texts.status().getOrDefault("UNKNOWN", "")));
        values.put("time", flight.departure().atZone(zone).format(TIME));
        values.put("gate", flight.gate() == null ? "" : CareTexts.fill(texts.gate(), Map.of("gate", flight.gate())));
        return CareTexts.fill(texts.flightFact(), values);
    }

    /** Europe/Amsterdam -> Amsterdam. */
    static String zoneName(ZoneId zone) {
        String id = zone.getId();
        return id.substring(id.lastIndexOf('/') + 1).replace('_', ' ');
    }
}
