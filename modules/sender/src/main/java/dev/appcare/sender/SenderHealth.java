package dev.appcare.sender;

import dev.appcare.runtime.HealthServer;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.SendLedger;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The sender's {@code /health} (and {@code /metrics}) on {@code sender.health.host:port}: one check per part
 * that can stop it from sending, each saying which part is down and why (docs/sender.md).
 */
final class SenderHealth {
    /** Kafka writes failing for longer than this make the sender unhealthy (the producer retries meanwhile). */
    private static final long WRITES_FAILING_MS = 30_000;

    private SenderHealth() {
    }

    /**
     * The health server, not started. {@code consumerLoop} gives null until the request consumer exists
     * (it is made after the server, once the ledger is known to be co-partitioned).
     */
    static HealthServer server(SenderConfig config, PrometheusMeterRegistry registry, NumberChannels numbers,
                               Dispatcher dispatcher, Supplier<RequestConsumerLoop> consumerLoop, SendLedger ledger,
                               PreferenceView preferences, RecordWriter writer, LongSupplier clock) {
        return new HealthServer(config.healthHost(), config.healthPort(), registry)
                .check("whatsapp", () -> numbers.anySuspended()
                        ? HealthServer.Health.down(numbers.describe(clock.getAsLong()))
                        : HealthServer.Health.up(numbers.describe(clock.getAsLong())))
                .check("dispatcher", () -> dispatcher.healthy() ? HealthServer.Health.up("dispatching")
                        : HealthServer.Health.down("stopped: " + dispatcher.failure()))
                .check("request-consumer", () -> {
                    RequestConsumerLoop loop = consumerLoop.get();
                    return loop == null ? HealthServer.Health.down("starting")
                            : loop.healthy() ? HealthServer.Health.up("consuming")
                            : HealthServer.Health.down("stopped: " + loop.failure());
                })
                .check("ledger", () -> ledger.healthy() ? HealthServer.Health.up(ledger.size() + " ids")
                        : HealthServer.Health.down("reader stopped: " + ledger.failure()))
                .check("preferences", () -> preferences.healthy()
                        ? HealthServer.Health.up(preferences.travellerCount() + " travellers")
                        : HealthServer.Health.down("reader stopped: " + preferences.failure()))
                .check("kafka-writes", () -> {
                    long since = writer.failingSince();
                    return since > 0 && clock.getAsLong() - since > WRITES_FAILING_MS
                            ? HealthServer.Health.down("writes failing since " + Instant.ofEpochMilli(since))
                            : HealthServer.Health.up("ok");
                });
    }
}
