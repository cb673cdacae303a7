package dev.appcare.notifier;

import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.HealthServer;
import dev.appcare.notifier.streams.DeadLetterProcessingExceptionHandler;
import dev.appcare.notifier.streams.NotifierMetrics;
import dev.appcare.notifier.streams.NotifierTopology;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Benchmark only: runs a notifier topology with the production Kafka Streams settings
 * ({@link NotifierApp#streamsProperties}, {@link NotifierApp#resolvePartitions}) and a chosen guarantee:
 * <ul>
 *   <li>{@code production at_least_once}: the production topology ({@link NotifierTopology#build}), to measure
 *       what exactly-once costs — the role itself always runs exactly_once_v2 (rule N4 relies on it), so this
 *       is not a setting of the role;</li>
 *   <li>{@code roster exactly_once_v2}: the design alternative {@link RosterVariantTopology}.</li>
 * </ul>
 * It lives in the benchmark module, in the notifier's package to reach those package-private pieces.
 * The production design at exactly_once_v2 is benchmarked through the role's own command instead.
 *
 * <pre>java -cp ... dev.appcare.notifier.BenchNotifier production|roster at_least_once|exactly_once_v2 notifier.properties</pre>
 */
public final class BenchNotifier {
    private BenchNotifier() {
    }

    public static void main(String[] args) throws Exception {
        AppConfig config = AppConfig.load(Path.of(args[2]), Map.of(), Map.of());
        NotifierMetrics metrics = new NotifierMetrics(HealthServer.newMeterRegistry());
        NotifierConfig notifier = NotifierConfig.from(config, metrics);
        Properties properties = NotifierApp.streamsProperties(config, notifier, 0);
        properties.put(DeadLetterProcessingExceptionHandler.METRICS_CONFIG, metrics);
        notifier = NotifierApp.resolvePartitions(notifier, properties);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, args[1]);
        KafkaStreams streams = new KafkaStreams(switch (args[0]) {
            case "production" -> NotifierTopology.build(notifier);
            case "roster" -> RosterVariantTopology.build(notifier);
            default -> throw new IllegalArgumentException("design production or roster, not " + args[0]);
        }, properties);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(streams::close, "bench-notifier-shutdown"));
        streams.start();
        stopped.await();
    }
}
