package dev.appcare.notifier.streams;

import static dev.appcare.notifier.testing.Fixtures.estimate;
import static dev.appcare.notifier.testing.Fixtures.flight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.notifier.testing.NotifierDriver;
import java.util.Map;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/**
 * A schema registry that cannot be reached is not bad input: nothing is dead-lettered, the task fails
 * (in production the stream thread is replaced and the record read again from the last commit).
 */
class RegistryDownTest {

    @Test
    void shouldFailTheTaskAndDeadLetterNothingWhenTheRegistryIsUnreachable() {
        // The test producers write with a registry of their own; the notifier's points at a closed port.
        try (NotifierDriver notifier = new NotifierDriver(config -> config.withSerdeConfig(Map.of(
                "schema.registry.url", "http://127.0.0.1:9", "schema.registry.request.timeout.ms", "500")))) {
            assertThatThrownBy(() -> notifier.flight(estimate(flight(1), 20)))
                    .isInstanceOf(StreamsException.class)
                    .satisfies(e -> assertThat(DeadLetterProcessingExceptionHandler.notTheRecordsFault(e)).isTrue())
                    .hasStackTraceContaining("Schema registry unreachable");

            assertThat(notifier.deadLetters.isEmpty()).isTrue();
            assertThat(notifier.metrics.count("appcare.notifier.dead.letters")).isZero();
        }
    }
}
