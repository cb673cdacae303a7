package dev.appcare.optin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.MessageKind;
import dev.appcare.model.BookingLife;
import dev.appcare.model.templates.TemplateCatalogue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON body of an opt-in into an {@link OptInRequest}, or a problem listing every field at
 * fault at once (not just the first), so the booking site can fix its request in one go.
 *
 * <pre>{@code
 * {
 *   "phone": "+31 6 12345678",          // or a national number together with "region": "NL"
 *   "locale": "nl_NL",                   // nl-NL is fine too; must resolve to a template language
 *   "kinds": ["DELAY", "GATE_CHANGE"],
 *   "consent": {"givenAt": "2026-11-01T10:15:30Z", "channel": "booking-web", "textVersion": "wa-optin-v3"},
 *   "lastDeparture": "2026-11-23T18:40:00Z"   // optional: the booking's last flight; the preference ends a margin after it
 * }
 * }</pre>
 *
 * @param catalogue     the template languages a locale must resolve to
 * @param clock         now, for consent times in the future
 * @param bookingMargin how long after {@code lastDeparture} the preference stays valid ({@link BookingLife})
 */
record OptInRequestParser(TemplateCatalogue catalogue, Clock clock, Duration bookingMargin) {
    /** Kinds a traveller can ask for: every kind but the placeholder and the confirmation itself. */
    static final Set<MessageKind> OPTABLE_KINDS = optableKinds();
    /** How far in the future a consent time may be, for clocks that are a little off. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Set<String> FIELDS = Set.of("phone", "region", "locale", "kinds", "consent", "lastDeparture");
    private static final Set<String> CONSENT_FIELDS = Set.of("givenAt", "channel", "textVersion");
    private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}");

    OptInRequest parse(JsonNode body) {
        List<InvalidParam> invalid = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw ProblemException.invalid(List.of(new InvalidParam("(body)", "must be a JSON object")));
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                invalid.add(new InvalidParam(name, "is not a known field (known: phone, region, locale, kinds, consent, lastDeparture)"));
            }
        });

        String phone = text(body, "phone", "phone", invalid);
        String region = optionalText(body, "region", "region", invalid);
        String phoneE164 = null;
        if (phone != null) {
            PhoneNumbers.Result result = PhoneNumbers.normalise(phone, region);
            if (result.valid()) {
                phoneE164 = result.e164();
            } else {
                invalid.add(new InvalidParam(result.rejection().field(), result.rejection().reason()));
            }
        }

        String locale = locale(body, invalid);
        List<MessageKind> kinds = kinds(body, invalid);
        ConsentEvidence consent = consent(body, invalid);
        Instant lastDeparture = null;
        String rawLastDeparture = optionalText(body, "lastDeparture", "lastDeparture", invalid);
        if (rawLastDeparture != null) {
            try {
                lastDeparture = OffsetDateTime.parse(rawLastDeparture).toInstant().truncatedTo(ChronoUnit.MILLIS);
            } catch (DateTimeParseException e) {
                invalid.add(new InvalidParam("lastDeparture", "must be an ISO-8601 date-time with offset, e.g. 2026-11-23T18:40:00Z"));
            }
        }

        if (!invalid.isEmpty()) {
            throw ProblemException.invalid(invalid);
        }
        return new OptInRequest(phoneE164, locale, kinds, consent, BookingLife.validUntil(lastDeparture, bookingMargin));
    }

    private String locale(JsonNode body, List<InvalidParam> invalid) {
        String raw = text(body, "locale", "locale", invalid);
        if (raw == null) {
            return null;
        }
        String normalised = normaliseLocale(raw);
        if (!LOCALE.matcher(normalised).matches()) {
            invalid.add(new InvalidParam("locale", "is not a locale like nl, nl_NL or pt-BR"));
            return null;
        }
        if (catalogue.supportedLanguageFor(normalised).isEmpty()) {
            invalid.add(new InvalidParam("locale", "'" + raw + "' is not a supported language (supported: "
                    + String.join(", ", catalogue.languages().stream().sorted().toList()) + ")"));
            return null;
        }
        return normalised;
    }

    /** {@code pt-br} becomes {@code pt_BR}, as WhatsApp writes language codes. */
    static String normaliseLocale(String locale) {
        String[] parts = locale.strip().replace('-', '_').split("_", 2);
        String language = parts[0].toLowerCase(Locale.ROOT);
        return parts.length == 1 ? language : language + "_" + parts[1].toUpperCase(Locale.ROOT);
    }

    private static List<MessageKind> kinds(JsonNode body, List<InvalidParam> invalid) {
        JsonNode node = body.get("kinds");
        if (node == null || node.isNull()) {
            invalid.add(new InvalidParam("kinds", "is required: a list of kinds of message, e.g. [\"DELAY\", \"GATE_CHANGE\"]"));
            return List.of();
        }
        if (!node.isArray()) {
            invalid.add(new InvalidParam("kinds", "must be a list of kinds of message"));
            return List.of();
        }
        if (node.isEmpty()) {
            invalid.add(new InvalidParam("kinds", "must name at least one kind of message; to stop all messages, opt out"));
            return List.of();
        }
        if (node.size() > 50) {
            invalid.add(new InvalidParam("kinds", "has more than 50 entries"));
            return List.of();
        }
        EnumSet<MessageKind> kinds = EnumSet.noneOf(MessageKind.class);
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String name = "kinds[" + i + "]";
            if (!item.isTextual()) {
                invalid.add(new InvalidParam(name, "must be a string"));
                continue;
            }
            MessageKind kind = Arrays.stream(MessageKind.values()).filter(k -> k.name().equals(item.asText()))
                    .findFirst().filter(OPTABLE_KINDS::contains).orElse(null);
            if (kind == null) {
                invalid.add(new InvalidParam(name, "'" + item.asText() + "' is not a kind of message one can opt in to (known: "
                        + String.join(", ", OPTABLE_KINDS.stream().map(Enum::name).toList()) + ")"));
            } else {
                kinds.add(kind);
            }
        }
        return List.copyOf(kinds);
    }

    private ConsentEvidence consent(JsonNode body, List<InvalidParam> invalid) {
        JsonNode node = body.get("consent");
        if (node == null || node.isNull()) {
            invalid.add(new InvalidParam("consent", "is required: {givenAt, channel, textVersion}, the evidence of the traveller's consent"));
            return null;
        }
        if (!node.isObject()) {
            invalid.add(new InvalidParam("consent", "must be an object {givenAt, channel, textVersion}"));
            return null;
        }
        int before = invalid.size();
        node.fieldNames().forEachRemaining(name -> {
            if (!CONSENT_FIELDS.contains(name)) {
                invalid.add(new InvalidParam("consent." + name, "is not a known field (known: givenAt, channel, textVersion)"));
            }
        });
        Instant givenAt = null;
        String rawGivenAt = text(node, "givenAt", "consent.givenAt", invalid);
        if (rawGivenAt != null) {
            try {
                givenAt = OffsetDateTime.parse(rawGivenAt).toInstant().truncatedTo(ChronoUnit.MILLIS);
                if (givenAt.isAfter(clock.instant().plus(CLOCK_SKEW))) {
                    invalid.add(new InvalidParam("consent.givenAt", "is in the future"));
                }
            } catch (DateTimeParseException e) {
                invalid.add(new InvalidParam("consent.givenAt", "must be an ISO-8601 date-time with offset, e.g. 2026-11-01T10:15:30Z"));
            }
        }
        String channel = token(node, "channel", invalid);
        String textVersion = token(node, "textVersion", invalid);
        if (invalid.size() > before) {
            return null;
        }
        return new ConsentEvidence(givenAt, channel, textVersion);
    }

    private static String token(JsonNode consent, String field, List<InvalidParam> invalid) {
        String value = text(consent, field, "consent." + field, invalid);
        if (value != null && !TOKEN.matcher(value).matches()) {
            invalid.add(new InvalidParam("consent." + field, "must be 1 to 64 letters, digits and . _ : / - (starting with a letter or digit)"));
            return null;
        }
        return value;
    }

    private static String text(JsonNode parent, String field, String name, List<InvalidParam> invalid) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            invalid.add(new InvalidParam(name, "is required"));
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            invalid.add(new InvalidParam(name, "must be a non-empty string"));
            return null;
        }
        return node.asText();
    }

    private static String optionalText(JsonNode parent, String field, String name, List<InvalidParam> invalid) {
        JsonNode node = parent.get(field);
        return node == null || node.isNull() ? null : text(parent, field, name, invalid);
    }

    private static Set<MessageKind> optableKinds() {
        EnumSet<MessageKind> kinds = EnumSet.allOf(MessageKind.class);
        kinds.remove(MessageKind.UNKNOWN);
        kinds.remove(MessageKind.OPTIN_CONFIRMATION);
        return Collections.unmodifiableSet(kinds);
    }
}
