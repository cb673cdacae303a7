package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.optedIn;
import static dev.appcare.notifier.testing.Fixtures.phone;
import static dev.appcare.notifier.testing.Fixtures.travellerKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.avro.MessageKind;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.notifier.testing.Fixtures;
import dev.appcare.notifier.testing.NotifierDriver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/**
 * {@code appcare_notifier_misplaced_records_total{topic}}: an input record on another partition than Java's
 * producer would have chosen for its key is counted (requirement 2 of "any producer, any language"). The
 * TopologyTestDriver delivers every record on partition 0, so with the topics declared as 8-partition
 * topics a key counts exactly when Java's partitioner would have put it elsewhere; the expectation is
 * worked out with the Java producer's own {@code BuiltInPartitioner}, not with the notifier's code.
 */
class MisplacedRecordsTest {
    private static final int PARTITIONS = 8;
    private static final TopicNames TOPICS = Topics.contract();

    @Test
    void shouldCountEveryInputRecordOnAnotherPartitionThanJavasPartitionerGivesItsKey() {
        List<String> flightKeys = IntStream.range(0, 40).mapToObj(i -> "KL" + (1000 + i) + "/2026-11-23/AMS").toList();
        List<String> travellers = IntStream.range(0, 40).mapToObj(Fixtures::travellerKey).toList();
        try (NotifierDriver notifier = new NotifierDriver(c -> c.withInputPartitions(Map.of(TOPICS.name(Topics.FLIGHT_STATUS), PARTITIONS,
                TOPICS.name(Topics.BOARDING_PASS), PARTITIONS, TOPICS.name(Topics.TRAVELLER_PREFERENCE), PARTITIONS,
                TOPICS.name(Topics.PASSENGER_SEGMENT), PARTITIONS)))) {
            flightKeys.forEach(key -> notifier.flight(Fixtures.flight(key, 1)));
            for (int i = 0; i < travellers.size(); i++) {
                notifier.preference(optedIn(travellerKey(i), phone(i), "en", List.of(MessageKind.BOARDING_PASS)));
                notifier.boardingPass(Fixtures.boardingPass(travellerKey(i), 1).build());
            }
            // A record that does not even decode is still counted: where it landed says something about its producer.
            String badKey = flightKeys.stream().filter(k -> javaPartition(k) != 0).findFirst().orElseThrow();
            notifier.raw(TOPICS.name(Topics.FLIGHT_STATUS)).pipeInput(badKey, new byte[] {1, 2, 3});

            long misplacedFlights = flightKeys.stream().filter(k -> javaPartition(k) != 0).count();
            long misplacedTravellers = travellers.stream().filter(k -> javaPartition(k) != 0).count();
            assertThat(misplacedFlights).as("the sample has keys on both sides").isBetween(1L, 39L);
            assertThat(misplacedTravellers).as("the sample has keys on both sides").isBetween(1L, 39L);
            assertThat(notifier.metrics.count("appcare.notifier.misplaced.records", "topic", TOPICS.name(Topics.FLIGHT_STATUS)))
                    .isEqualTo(misplacedFlights + 1);
            assertThat(notifier.metrics.count("appcare.notifier.misplaced.records", "topic", TOPICS.name(Topics.TRAVELLER_PREFERENCE)))
                    .isEqualTo(misplacedTravellers);
            assertThat(notifier.metrics.count("appcare.notifier.misplaced.records", "topic", TOPICS.name(Topics.BOARDING_PASS)))
                    .isEqualTo(misplacedTravellers);
            // Counted, not dropped: every boarding pass still reaches its traveller.
            assertThat(notifier.takeRequestValues()).hasSize(travellers.size());
        }
    }

    @Test
    void shouldCountNothingWhenEveryRecordIsWhereJavaWouldPutIt() {
        // One partition: partition 0 is every key's partition.
        try (NotifierDriver notifier = new NotifierDriver(c -> c.withInputPartitions(Map.of(TOPICS.name(Topics.FLIGHT_STATUS), 1)))) {
            IntStream.range(0, 20).forEach(i -> notifier.flight(Fixtures.flight("KL" + (1000 + i) + "/2026-11-23/AMS", 1)));

            assertThat(notifier.metrics.count("appcare.notifier.misplaced.records")).isZero();
        }
    }

    @Test
    void shouldNotGuessWithoutThePartitionCount() {
        try (NotifierDriver notifier = new NotifierDriver(c -> c.withInputPartitions(Map.of()))) {
            IntStream.range(0, 20).forEach(i -> notifier.flight(Fixtures.flight("KL" + (1000 + i) + "/2026-11-23/AMS", 1)));

            assertThat(notifier.metrics.count("appcare.notifier.misplaced.records")).isZero();
        }
    }

    private static int javaPartition(String key) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }
}
