package dev.appcare.optin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appcare.avro.MessageKind;
import dev.appcare.model.BookingLife;
import dev.appcare.model.templates.TemplateCatalogue;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptInRequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
    private final OptInRequestParser parser = new OptInRequestParser(TemplateCatalogue.loadDefault(), Clock.fixed(NOW, ZoneOffset.UTC),
            BookingLife.DEFAULT_MARGIN);

    private static ObjectNode valid() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"phone": "+31 6 12345678", "locale": "nl-nl", "kinds": ["GATE_CHANGE", "DELAY", "DELAY"],
                 "consent": {"givenAt": "2026-11-01T11:15:30.123456+01:00", "channel": "booking-web", "textVersion": "wa-optin-v3"}}
                """);
    }

    @Test
    void shouldNormaliseAValidRequest() throws Exception {
        OptInRequest request = parser.parse(valid());

        assertThat(request.phoneE164()).isEqualTo("+31612345678");
        assertThat(request.locale()).isEqualTo("nl_NL");
        assertThat(request.kinds()).containsExactly(MessageKind.DELAY, MessageKind.GATE_CHANGE);
        assertThat(request.consent().getGivenAt()).isEqualTo(Instant.parse("2026-11-01T10:15:30.123Z"));
        assertThat(request.consent().getChannel()).isEqualTo("booking-web");
        assertThat(request.consent().getTextVersion()).isEqualTo("wa-optin-v3");
    }

    @Test
    void shouldBindThePreferenceToTheBookingsLastDepartureWhenGiven() throws Exception {
        assertThat(parser.parse(valid()).validUntil()).isNull();
        ObjectNode body = valid();
        body.put("lastDeparture", "2026-11-23T19:40:00+01:00");
        assertThat(parser.parse(body).validUntil()).isEqualTo(Instant.parse("2026-11-25T18:40:00Z")); // + 2 days
        body.put("lastDeparture", "next tuesday");
        assertThatThrownBy(() -> parser.parse(body)).isInstanceOf(ProblemException.class);
    }

    @Test
    void shouldAcceptANationalNumberWithRegion() throws Exception {
        ObjectNode body = valid().put("phone", "06 12345678").put("region", "NL");

        assertThat(parser.parse(body).phoneE164()).isEqualTo("+31612345678");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"nl, nl", "nl_BE, nl_BE", "pt-br, pt_BR", "PT, pt", "en_AU, en_AU", "de_CH, de_CH"})
    void shouldAcceptLocalesThatResolveToATemplateLanguage(String locale, String stored) throws Exception {
        assertThat(parser.parse(valid().put("locale", locale)).locale()).isEqualTo(stored);
    }

    @ParameterizedTest
    @CsvSource({"xx", "klingon", "zh_CN", "nl_NL_x", "'nl NL'", "ja"})
    void shouldRejectUnsupportedLocales(String locale) throws Exception {
        assertInvalid(valid().put("locale", locale), "locale");
    }

    @ParameterizedTest
    @CsvSource({"SPAM", "UNKNOWN", "OPTIN_CONFIRMATION", "delay"})
    void shouldRejectKindsOneCannotOptInTo(String kind) throws Exception {
        ObjectNode body = valid();
        body.putArray("kinds").add("DELAY").add(kind);

        ProblemException problem = assertInvalid(body, "kinds[1]");
        assertThat(problem.invalidParams().get(0).reason()).contains(kind).contains("CANCELLATION");
    }

    @Test
    void shouldRequireAtLeastOneKind() throws Exception {
        ObjectNode body = valid();
        body.putArray("kinds");

        assertInvalid(body, "kinds");
    }

    @Test
    void shouldRequireConsent() throws Exception {
        ObjectNode body = valid();
        body.remove("consent");

        ProblemException problem = assertInvalid(body, "consent");
        assertThat(problem.invalidParams().get(0).reason()).contains("is required");
    }

    @Test
    void shouldNameEachMissingConsentField() throws Exception {
        ObjectNode body = valid();
        body.putObject("consent").put("givenAt", "yesterday");

        assertInvalid(body, "consent.givenAt", "consent.channel", "consent.textVersion");
    }

    @Test
    void shouldRejectConsentFromTheFuture() throws Exception {
        ObjectNode body = valid();
        ((ObjectNode) body.get("consent")).put("givenAt", "2026-11-01T12:06:00Z");

        assertInvalid(body, "consent.givenAt");
    }

    @Test
    void shouldAllowSmallClockSkew() throws Exception {
        ObjectNode body = valid();
        ((ObjectNode) body.get("consent")).put("givenAt", "2026-11-01T12:04:00Z");

        assertThat(parser.parse(body).consent().getGivenAt()).isEqualTo(Instant.parse("2026-11-01T12:04:00Z"));
    }

    @Test
    void shouldRejectUnknownFieldsToCatchTypos() throws Exception {
        ObjectNode body = valid().put("kind", "DELAY");
        ((ObjectNode) body.get("consent")).put("ip", "10.0.0.1");

        assertInvalid(body, "kind", "consent.ip");
    }

    @Test
    void shouldListEveryFieldAtFaultAtOnce() throws Exception {
        JsonNode body = JSON.readTree("""
                {"phone": "+31 20 123 4567", "locale": "xx", "kinds": "DELAY", "consent": "yes"}
                """);

        assertInvalid(body, "phone", "locale", "kinds", "consent");
    }

    @Test
    void shouldRejectWrongTypes() throws Exception {
        JsonNode body = JSON.readTree("""
                {"phone": 31612345678, "locale": ["nl"], "kinds": [1], "consent": {"givenAt": 1, "channel": "", "textVersion": "a b"}}
                """);

        assertInvalid(body, "phone", "locale", "kinds[0]", "consent.givenAt", "consent.channel", "consent.textVersion");
    }

    @Test
    void shouldRejectABodyThatIsNotAnObject() throws Exception {
        assertInvalid(JSON.readTree("[1, 2]"), "(body)");
    }

    private ProblemException assertInvalid(JsonNode body, String... fields) {
        ProblemException problem = catchThrowableOfType(ProblemException.class, () -> parser.parse(body));
        assertThat(problem).as("expected a problem for %s", String.join(", ", fields)).isNotNull();
        assertThat(problem.type()).isEqualTo(ProblemType.VALIDATION);
        assertThat(problem.invalidParams()).extracting(InvalidParam::name).containsExactlyInAnyOrder(fields);
        return problem;
    }
}
