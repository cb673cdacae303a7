package dev.appcare.optin.it;

import static dev.appcare.optin.it.OptinFixture.READER_KEY;
import static dev.appcare.optin.it.OptinFixture.WRITER_KEY;
import static dev.appcare.optin.it.OptinFixture.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.optin.OptinApp;
import dev.appcare.optin.it.OptinFixture.Response;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three opt-in API instances of one application on the real broker share the preference store's three
 * partitions: each holds only its own, a call reaching any instance is answered by the owner, a write
 * acknowledged by one is read at once through the other two, and when one instance stops the other two
 * answer for every traveller after the rebalance — with 503 and Retry-After while it runs, never a wrong
 * answer.
 */
@IntegrationTest
class OptinPartitionedStoreIT {
    private static final int TRAVELLERS = 30;

    @Test
    void shouldServeEveryTravellerFromItsOwnerThroughAnyInstanceAndSurviveAnInstanceStopping(RealInfrastructure infra) {
        try (OptinFixture fixture = new OptinFixture(infra)) {
            List<OptinApp> apps = List.of(fixture.startApp(), fixture.startApp(), fixture.startApp());
            awaitSettled(fixture, apps);

            Instant consentAt = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
            Map<String, String> phones = new HashMap<>();
            for (int i = 0; i < TRAVELLERS; i++) {
                String path = resource("PART" + (10 + i), "1");
                String phone = "+316200000" + (10 + i);
                phones.put(path, phone);
                OptinApp writer = apps.get(i % 3);
                Response written = fixture.put(writer, path, WRITER_KEY, OptinLifecycleIT.body(phone, consentAt));
                assertThat(written.status()).as("write of traveller %d: %s", i, written.body()).isEqualTo(201);
                assertThat(written.header("Location")).isEqualTo(path);
                for (OptinApp reader : apps) {
                    if (reader == writer) {
                        continue;
                    }
                    Response read = fixture.get(reader, path, READER_KEY);
                    assertThat(read.status()).as("read of traveller %d through another instance: %s", i, read.body()).isEqualTo(200);
                    assertExact(read.json(), phone, consentAt);
                }
            }
            // Permissions are checked where the call arrives and again at the owner: a read-only key cannot write anywhere.
            for (OptinApp app : apps) {
                assertThat(fixture.put(app, resource("PART10", "1"), READER_KEY, OptinLifecycleIT.body("+31620000010", consentAt)).status())
                        .isEqualTo(403);
            }

            // Each instance holds only its partitions; together they hold every traveller exactly once.
            Map<String, TravellerPreference> together = new HashMap<>();
            int instancesHolding = 0;
            for (OptinApp app : apps) {
                Map<String, TravellerPreference> own = app.stateSnapshot();
                assertThat(Collections.disjoint(own.keySet(), together.keySet())).as("held by one instance only").isTrue();
                assertThat(own.size()).as("an instance holds a part, not the whole table").isLessThan(TRAVELLERS);
                instancesHolding += own.isEmpty() ? 0 : 1;
                together.putAll(own);
            }
            assertThat(together).hasSize(TRAVELLERS);
            assertThat(instancesHolding).isEqualTo(3);

            // One instance stops: its partitions move to the other two, which then answer for everyone.
            apps.get(2).stop();
            List<OptinApp> left = apps.subList(0, 2);
            Set<Integer> seen = new HashSet<>();
            List<String> retryWithout = new ArrayList<>();
            Await.until("the two remaining instances answer 200 for every traveller", Duration.ofSeconds(90), () -> {
                boolean all = true;
                for (OptinApp app : left) {
                    for (String path : phones.keySet()) {
                        Response read = fixture.get(app, path, READER_KEY);
                        seen.add(read.status());
                        if (read.status() == 503 && (read.header("Retry-After") == null
                                || !"application/problem+json".equals(read.header("Content-Type")))) {
                            retryWithout.add(read.body());
                        }
                        all &= read.status() == 200;
                    }
                }
                return all;
            });
            assertThat(seen).as("while partitions move: the right answer or a retryable 503, nothing else").isSubsetOf(200, 503);
            assertThat(retryWithout).as("every 503 is problem+json with Retry-After").isEmpty();
            for (OptinApp app : left) {
                for (Map.Entry<String, String> traveller : phones.entrySet()) {
                    assertExact(fixture.get(app, traveller.getKey(), READER_KEY).json(), traveller.getValue(), consentAt);
                }
            }
            Map<String, TravellerPreference> afterStop = new HashMap<>(left.get(0).stateSnapshot());
            afterStop.putAll(left.get(1).stateSnapshot());
            assertThat(afterStop.keySet()).isEqualTo(together.keySet());
        }
    }

    private static void assertExact(JsonNode preference, String phone, Instant consentAt) {
        assertThat(preference.path("phone").asText()).isEqualTo(phone);
        assertThat(preference.path("status").asText()).isEqualTo("OPTED_IN");
        assertThat(preference.path("locale").asText()).isEqualTo("en");
        assertThat(preference.path("kinds").toString()).isEqualTo("[\"DELAY\"]");
        assertThat(Instant.parse(preference.path("consent").path("givenAt").asText())).isEqualTo(consentAt);
    }

    /** Until every instance's store is RUNNING (the rebalances of the three joins are over). */
    private static void awaitSettled(OptinFixture fixture, List<OptinApp> apps) {
        Await.until("all three preference stores RUNNING", Duration.ofSeconds(90), () -> apps.stream().allMatch(app -> {
            Response health = fixture.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.managementPort() + "/health"))
                    .timeout(Duration.ofSeconds(10)).GET().build());
            return health.status() == 200 && health.body().contains("RUNNING,");
        }));
    }
}
