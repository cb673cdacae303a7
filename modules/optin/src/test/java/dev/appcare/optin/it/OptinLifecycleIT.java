package dev.appcare.optin.it;

import static dev.appcare.optin.it.OptinFixture.ERASER_KEY;
import static dev.appcare.optin.it.OptinFixture.READER_KEY;
import static dev.appcare.optin.it.OptinFixture.WRITER_KEY;
import static dev.appcare.optin.it.OptinFixture.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appcare.avro.ConsentEvidence;
import dev.appcare.avro.Correlation;
import dev.appcare.avro.ErasureAuditRecord;
import dev.appcare.avro.MessageKind;
import dev.appcare.avro.OptInStatus;
import dev.appcare.avro.Priority;
import dev.appcare.avro.TemplateParameter;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.MessageIds;
import dev.appcare.optin.OptinApp;
import dev.appcare.optin.it.OptinFixture.Response;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The opt-in API end to end on a real broker and a real registry: opt in, read back, change, opt out,
 * erase, with the exact records on {@code traveller.preference.v1} and {@code notify.whatsapp-request.v1}
 * (read_committed, as the notifier and sender read them) checked after every step.
 */
@IntegrationTest
class OptinLifecycleIT {
    private static final String PHONE = "+31612345678";
    private static final String PATH = resource("ABC123", "1");

    @Test
    void shouldOptInReadChangeOptOutAndErase(RealInfrastructure infra) {
        try (OptinFixture fixture = new OptinFixture(infra)) {
            OptinApp app = fixture.startApp();
            Instant consentAt = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
            ConsentEvidence consent = new ConsentEvidence(consentAt, "booking-web", "wa-optin-v3");
            String optInBody = """
                    {"phone": "06 12345678", "region": "NL", "locale": "nl-BE", "kinds": ["GATE_CHANGE", "DELAY"],
                     "consent": {"givenAt": "%s", "channel": "booking-web", "textVersion": "wa-optin-v3"}}
                    """.formatted(consentAt);

            // 1. Opt in: 201, the preference and its confirmation, committed together.
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Response created = fixture.put(app, "/v1/travellers/abc123/1/whatsapp", WRITER_KEY, optInBody);
            Instant after = Instant.now();
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.header("Location")).isEqualTo("/v1/travellers/abc123/1/whatsapp");
            assertThat(created.header("Content-Type")).startsWith("application/json");
            JsonNode createdJson = created.json();
            assertThat(createdJson.path("outcome").asText()).isEqualTo("CREATED");
            assertThat(createdJson.path("travellerKey").asText()).isEqualTo("ABC123/1");
            assertThat(createdJson.path("phone").asText()).isEqualTo(PHONE);
            assertThat(createdJson.path("locale").asText()).isEqualTo("nl_BE");
            assertThat(createdJson.path("templateLanguage").asText()).isEqualTo("nl");
            Instant optedInAt = Instant.parse(createdJson.path("updatedAt").asText());

            TravellerPreference optedIn = new TravellerPreference("ABC123/1", PHONE, "nl_BE", OptInStatus.OPTED_IN,
                    List.of(MessageKind.DELAY, MessageKind.GATE_CHANGE), consent, null, null, optedInAt, null);
            assertThat(preferences(fixture)).containsExactly(new Keyed<>("ABC123/1", optedIn));

            String expectedId = MessageIds.derive(MessageKind.OPTIN_CONFIRMATION, "optin:" + PHONE + "@" + consentAt.toEpochMilli(), "ABC123/1");
            assertThat(createdJson.path("confirmationMessageId").asText()).isEqualTo(expectedId);
            List<ConsumerRecord<String, byte[]>> requests = fixture.committed(fixture.requestTopic);
            assertThat(requests).hasSize(1);
            assertThat(requests.get(0).key()).isEqualTo(PHONE);
            WhatsAppRequest confirmation = fixture.decode(WhatsAppRequest.class, requests.get(0));
            assertThat(confirmation.getCreatedAt()).isBetween(before, after);
            assertThat(confirmation).isEqualTo(WhatsAppRequest.newBuilder()
                    .setMessageId(expectedId)
                    .setKind(MessageKind.OPTIN_CONFIRMATION)
                    .setRecipient(PHONE)
                    .setTemplateName("optin_confirmation")
                    .setLanguage("nl")
                    .setParameters(List.of(new TemplateParameter(null, "ABC123")))
                    .setDocumentHeader(null)
                    .setPriority(Priority.NORMAL)
                    .setCreatedAt(confirmation.getCreatedAt())
                    .setExpiresAt(confirmation.getCreatedAt().plus(Duration.ofHours(24)))
                    .setSupersedes(null)
                    .setCorrelation(new Correlation("ABC123/1", null, fixture.preferenceTopic, null))
                    .build());

            // 2. Read back, with a read-only key, right after the write.
            Response read = fixture.get(app, PATH, READER_KEY);
            assertThat(read.status()).isEqualTo(200);
            JsonNode readJson = read.json();
            assertThat(readJson.path("status").asText()).isEqualTo("OPTED_IN");
            assertThat(readJson.path("kinds").toString()).isEqualTo("[\"DELAY\",\"GATE_CHANGE\"]");
            assertThat(readJson.path("consent").path("givenAt").asText()).isEqualTo(consentAt.toString());
            assertThat(readJson.path("consent").path("channel").asText()).isEqualTo("booking-web");
            assertThat(readJson.path("consent").path("textVersion").asText()).isEqualTo("wa-optin-v3");
            assertThat(readJson.path("optedOutAt").isNull()).isTrue();
            assertThat(readJson.path("updatedAt").asText()).isEqualTo(optedInAt.toString());
            assertThat(read.header("Cache-Control")).isEqualTo("no-store");

            // 3. The same request again (a retry): 200, nothing written, no second confirmation.
            Response retried = fixture.put(app, PATH, WRITER_KEY, optInBody);
            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.json().path("outcome").asText()).isEqualTo("UNCHANGED");
            assertThat(retried.json().has("confirmationMessageId")).isFalse();
            assertThat(preferences(fixture)).hasSize(1);
            assertThat(fixture.committed(fixture.requestTopic)).hasSize(1);

            // 4. Change kinds and language: 200, a new preference record, no confirmation.
            Response changed = fixture.put(app, PATH, WRITER_KEY, """
                    {"phone": "+31 6 1234 5678", "locale": "en_GB", "kinds": ["CANCELLATION", "BOARDING_PASS"],
                     "consent": {"givenAt": "%s", "channel": "booking-web", "textVersion": "wa-optin-v3"}}
                    """.formatted(consentAt));
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            assertThat(changed.json().path("outcome").asText()).isEqualTo("CHANGED");
            assertThat(changed.json().has("confirmationMessageId")).isFalse();
            Instant changedAt = Instant.parse(changed.json().path("updatedAt").asText());
            TravellerPreference afterChange = new TravellerPreference("ABC123/1", PHONE, "en_GB", OptInStatus.OPTED_IN,
                    List.of(MessageKind.CANCELLATION, MessageKind.BOARDING_PASS), consent, null, null, changedAt, null);
            assertThat(preferences(fixture)).containsExactly(
                    new Keyed<>("ABC123/1", optedIn), new Keyed<>("ABC123/1", afterChange));
            assertThat(fixture.committed(fixture.requestTopic)).hasSize(1);
            assertThat(fixture.get(app, PATH, READER_KEY).json().path("templateLanguage").asText()).isEqualTo("en_GB");

            // 5. Opt out: kept as a record, with its time and source.
            Response optedOutResponse = fixture.post(app, PATH + "/opt-out", WRITER_KEY);
            assertThat(optedOutResponse.status()).as(optedOutResponse.body()).isEqualTo(200);
            assertThat(optedOutResponse.json().path("outcome").asText()).isEqualTo("OPTED_OUT");
            Instant optedOutAt = Instant.parse(optedOutResponse.json().path("optedOutAt").asText());
            TravellerPreference optedOut = new TravellerPreference("ABC123/1", PHONE, "en_GB", OptInStatus.OPTED_OUT,
                    List.of(MessageKind.CANCELLATION, MessageKind.BOARDING_PASS), consent, optedOutAt, "api", optedOutAt, null);
            assertThat(preferences(fixture)).containsExactly(new Keyed<>("ABC123/1", optedIn),
                    new Keyed<>("ABC123/1", afterChange), new Keyed<>("ABC123/1", optedOut));
            JsonNode readOptedOut = fixture.get(app, PATH, READER_KEY).json();
            assertThat(readOptedOut.path("status").asText()).isEqualTo("OPTED_OUT");
            assertThat(readOptedOut.path("optOutSource").asText()).isEqualTo("api");

            // 5b. The booking site re-sending the old consent must not undo the opt-out.
            Response stale = fixture.put(app, PATH, WRITER_KEY, optInBody);
            assertThat(stale.status()).isEqualTo(409);
            assertThat(stale.invalidParams()).containsExactly("consent.givenAt");
            assertThat(preferences(fixture)).hasSize(3);

            // 6. Erase: only with the erase permission (the booking site's read,write key is refused and
            //    nothing is written); then a tombstone and its audit record, and the traveller is gone.
            assertThat(fixture.delete(app, PATH, WRITER_KEY).status()).isEqualTo(403);
            assertThat(fixture.delete(app, PATH, READER_KEY).status()).isEqualTo(403);
            assertThat(preferences(fixture)).hasSize(3);
            assertThat(fixture.endOffsetSum(fixture.auditTopic)).as("no audit record for a refused erasure").isZero();
            Instant beforeErase = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Response erased = fixture.delete(app, PATH, ERASER_KEY);
            assertThat(erased.status()).isEqualTo(204);
            List<ConsumerRecord<String, byte[]>> audit = fixture.committed(fixture.auditTopic);
            assertThat(audit).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("ABC123/1");
                ErasureAuditRecord entry = fixture.decode(ErasureAuditRecord.class, record);
                assertThat(entry.getTravellerKey()).isEqualTo("ABC123/1");
                assertThat(entry.getCaller()).isEqualTo("privacy");
                assertThat(entry.getInstance()).startsWith("appcare-optin");
                assertThat(entry.getErasedAt()).isBetween(beforeErase, Instant.now());
                assertThat(entry.getSchema().getFields()).extracting(org.apache.avro.Schema.Field::name)
                        .containsExactly("travellerKey", "erasedAt", "caller", "instance");
                assertThat(new String(record.value(), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as("no phone number in the audit record").doesNotContain("612345678");
            });
            List<ConsumerRecord<String, byte[]>> afterErase = fixture.committed(fixture.preferenceTopic);
            assertThat(afterErase).hasSize(4);
            assertThat(afterErase.get(3).key()).isEqualTo("ABC123/1");
            assertThat(afterErase.get(3).value()).as("a tombstone").isNull();
            Response gone = fixture.get(app, PATH, READER_KEY);
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.json().path("type").asText()).isEqualTo("urn:appcare:problem:not-found");
            assertThat(fixture.post(app, PATH + "/opt-out", WRITER_KEY).status()).isEqualTo(404);
            assertThat(app.stateSnapshot()).isEmpty();
            assertThat(fixture.committed(fixture.requestTopic)).hasSize(1);
        }
    }

    @Test
    void shouldOptInAgainAfterAnOptOutOnlyWithFreshConsent(RealInfrastructure infra) {
        try (OptinFixture fixture = new OptinFixture(infra)) {
            OptinApp app = fixture.startApp();
            String path = resource("XYZ789", "2");
            Instant first = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MILLIS);
            assertThat(fixture.put(app, path, WRITER_KEY, body("+44 7400 123456", first)).status()).isEqualTo(201);
            assertThat(fixture.post(app, path + "/opt-out", WRITER_KEY).status()).isEqualTo(200);

            Instant fresh = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            Response again = fixture.put(app, path, WRITER_KEY, body("+44 7400 123456", fresh));

            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json().path("outcome").asText()).isEqualTo("OPTED_IN_AGAIN");
            assertThat(again.json().path("optedOutAt").isNull()).isTrue();
            List<ConsumerRecord<String, byte[]>> requests = fixture.committed(fixture.requestTopic);
            assertThat(requests).extracting(ConsumerRecord::key).containsExactly("+447400123456", "+447400123456");
            assertThat(requests).map(r -> fixture.decode(WhatsAppRequest.class, r).getMessageId())
                    .containsExactly(
                            MessageIds.derive(MessageKind.OPTIN_CONFIRMATION, "optin:+447400123456@" + first.toEpochMilli(), "XYZ789/2"),
                            again.json().path("confirmationMessageId").asText());
            // A change of number is confirmed to the new number.
            Response moved = fixture.put(app, path, WRITER_KEY, body("+31 6 87654321", fresh));
            assertThat(moved.json().path("outcome").asText()).isEqualTo("CHANGED");
            // Different numbers land on different partitions, so there is no order across them to check.
            assertThat(fixture.committed(fixture.requestTopic)).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder("+447400123456", "+447400123456", "+31687654321");
        }
    }

    /** Read-your-writes across instances: a write acknowledged by one is seen by a read on another at once. */
    @Test
    void shouldSeeAWriteAcknowledgedByAnotherInstance(RealInfrastructure infra) {
        try (OptinFixture fixture = new OptinFixture(infra)) {
            OptinApp a = fixture.startApp();
            OptinApp b = fixture.startApp();
            Instant consentAt = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
            for (int i = 1; i <= 10; i++) {
                String path = resource("RYW" + (100 + i), "1");
                assertThat(fixture.put(a, path, WRITER_KEY, body("+31 6 1000 00" + (10 + i), consentAt)).status()).isEqualTo(201);
                Response onB = fixture.get(b, path, READER_KEY);
                assertThat(onB.status()).as("read on the other instance, traveller %d", i).isEqualTo(200);
                assertThat(onB.json().path("phone").asText()).isEqualTo("+316100000" + (10 + i));

                assertThat(fixture.post(b, path + "/opt-out", WRITER_KEY).status()).isEqualTo(200);
                assertThat(fixture.get(a, path, READER_KEY).json().path("status").asText()).isEqualTo("OPTED_OUT");
            }
            // Each instance holds only the partitions it owns; together, every traveller exactly once.
            Map<String, TravellerPreference> onA = a.stateSnapshot();
            Map<String, TravellerPreference> onB = b.stateSnapshot();
            assertThat(Collections.disjoint(onA.keySet(), onB.keySet())).as("held by one instance only").isTrue();
            Map<String, TravellerPreference> together = new HashMap<>(onA);
            together.putAll(onB);
            assertThat(together).hasSize(10);
            assertThat(together.values()).extracting(p -> p.getStatus().name()).containsOnly("OPTED_OUT");
        }
    }

    static String body(String phone, Instant consentAt) {
        return body(phone, null, consentAt);
    }

    static String body(String phone, String region, Instant consentAt) {
        return """
                {"phone": "%s",%s "locale": "en", "kinds": ["DELAY"],
                 "consent": {"givenAt": "%s", "channel": "app", "textVersion": "v1"}}
                """.formatted(phone, region == null ? "" : " \"region\": \"" + region + "\",", consentAt);
    }

    record Keyed<V>(String key, V value) {
    }

    private static List<Keyed<TravellerPreference>> preferences(OptinFixture fixture) {
        return fixture.committed(fixture.preferenceTopic).stream()
                .map(r -> new Keyed<>(r.key(), r.value() == null ? null : fixture.decode(TravellerPreference.class, r)))
                .toList();
    }
}
