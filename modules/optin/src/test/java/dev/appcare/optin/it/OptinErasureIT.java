package dev.appcare.optin.it;

import static dev.appcare.optin.it.OptinFixture.ERASER_KEY;
import static dev.appcare.optin.it.OptinFixture.WRITER_KEY;
import static dev.appcare.optin.it.OptinFixture.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.TravellerPreference;
import dev.appcare.optin.OptinApp;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * After an erasure the phone number is nowhere in the opt-in API's state.
 *
 * <p>How it is checked. The role's only state is its in-memory preference table, rebuilt from
 * {@code traveller.preference.v1}; it has no local store and no changelog topic of its own: the
 * compacted topic is its changelog. So the test
 * <ol>
 *   <li>scans the table of a running instance ({@link OptinApp#stateSnapshot()}: every field of every
 *       value) and of an instance started after the erasure, which rebuilt its table from the topic;</li>
 *   <li>scans the raw bytes (key and value) of every record physically on the topic, aborted ones
 *       included, once the broker's log cleaner has compacted it, for the number in E.164 and its
 *       national digits.</li>
 * </ol>
 * The topic gets the contract's configuration plus settings that let the cleaner run within the test
 * (a segment rolls after 100 ms, any dirty ratio is worth cleaning); the broker's cleaner checks for work
 * every 15 s by default, so this test waits up to a minute.
 *
 * <p>Not checked here: the confirmation request on {@code notify.whatsapp-request.v1} (the sender's
 * input, not this role's state; a delete-policy topic kept 7 days) and other roles' stores.
 */
@IntegrationTest
class OptinErasureIT {
    private static final String PHONE = "+31687654321";
    private static final String OTHER_PHONE = "+447400123456";

    @Test
    void shouldFindThePhoneNumberNowhereAfterErasure(RealInfrastructure infra) throws Exception {
        try (OptinFixture fixture = new OptinFixture(infra, Map.of(
                TopicConfig.SEGMENT_MS_CONFIG, "100",
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"))) {
            OptinApp app = fixture.startApp();
            String path = resource("GDPR01", "1");
            Instant consentAt = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
            // A second traveller who stays: erasure must not touch them.
            assertThat(fixture.put(app, resource("KEEP01", "1"), WRITER_KEY, OptinLifecycleIT.body(OTHER_PHONE, consentAt)).status()).isEqualTo(201);
            assertThat(fixture.put(app, path, WRITER_KEY, OptinLifecycleIT.body("06 87654321", "NL", consentAt)).status()).isEqualTo(201);
            assertThat(fixture.post(app, path + "/opt-out", WRITER_KEY).status()).isEqualTo(200);
            assertThat(mentions(app.stateSnapshot(), PHONE)).isTrue();
            assertThat(fixture.everything(fixture.preferenceTopic).stream().anyMatch(r -> contains(r, PHONE))).isTrue();

            assertThat(fixture.delete(app, path, ERASER_KEY).status()).isEqualTo(204);

            // 1. The running instance's table.
            assertThat(app.stateSnapshot()).containsOnlyKeys("KEEP01/1");
            assertThat(mentions(app.stateSnapshot(), PHONE)).isFalse();

            // 2. The topic, once compacted. Roll the segment holding the erased traveller's records by
            //    appending to its partition after segment.ms: only closed segments are cleaned.
            int partition = fixture.committed(fixture.preferenceTopic).stream()
                    .filter(r -> r.key().equals("GDPR01/1")).findFirst().orElseThrow().partition();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(infra.broker().producerProperties(),
                    new StringSerializer(), new ByteArraySerializer())) {
                // Each round gives the cleaner a second to compact before rolling the segment again.
                while (!Await.holdsWithin(Duration.ofSeconds(1), () -> fixture.everything(fixture.preferenceTopic).stream()
                        .noneMatch(r -> contains(r, PHONE) || contains(r, "687654321")))) {
                    assertThat(System.nanoTime()).as("the log cleaner compacted the topic within 90 s").isLessThan(deadline);
                    // A tombstone for a key that never existed: rolls the segment, adds no data.
                    producer.send(new ProducerRecord<>(fixture.preferenceTopic, partition, "ROLL00/0", null)).get();
                }
            }
            List<ConsumerRecord<String, byte[]>> left = fixture.everything(fixture.preferenceTopic);
            assertThat(left).filteredOn(r -> r.key().equals("GDPR01/1")).singleElement()
                    .satisfies(tombstone -> assertThat(tombstone.value()).isNull());
            assertThat(left).anyMatch(r -> contains(r, OTHER_PHONE));

            // 3. A new instance rebuilds its store from the compacted topic: the traveller is not there. The
            //    first one stops, so the new one owns every partition (its state directory is a new one).
            app.stop();
            OptinApp restarted = fixture.startApp();
            assertThat(restarted.stateSnapshot()).containsOnlyKeys("KEEP01/1");
            assertThat(mentions(restarted.stateSnapshot(), PHONE)).isFalse();
            assertThat(fixture.get(restarted, path, WRITER_KEY).status()).isEqualTo(404);
        }
    }

    private static boolean mentions(Map<String, TravellerPreference> state, String text) {
        return state.entrySet().stream().anyMatch(e -> e.getKey().contains(text) || e.getValue().toString().contains(text));
    }

    private static boolean contains(ConsumerRecord<String, byte[]> record, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        return indexOf(record.key() == null ? new byte[0] : record.key().getBytes(StandardCharsets.UTF_8), needle) >= 0
                || (record.value() != null && indexOf(record.value(), needle) >= 0);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
