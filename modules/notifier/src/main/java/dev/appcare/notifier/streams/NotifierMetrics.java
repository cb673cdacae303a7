package dev.appcare.notifier.streams;

import dev.appcare.avro.MessageKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The notifier's own counters, next to Kafka Streams' metrics on {@code /metrics}:
 * <ul>
 *   <li>{@code appcare_notifier_dead_letters_total{topic,error_type}}: bad input sent to the DLQ (N10);</li>
 *   <li>{@code appcare_notifier_stale_events_total{topic}}: events older than the applied state (N3);</li>
 *   <li>{@code appcare_notifier_requests_total{kind}}: WhatsApp requests emitted;</li>
 *   <li>{@code appcare_notifier_skipped_total{reason}}: passengers a change did not reach, and why;</li>
 *   <li>{@code appcare_notifier_budget_total{outcome}}: the message budget (N12): updates held back
 *       ({@code held-spacing}, {@code held-daily-limit}, {@code held-merged}), merged messages sent when due
 *       ({@code sent-merged}), held-back updates overtaken by urgent news ({@code overtaken}) or not sent
 *       when due (opted out, expired: {@code dropped});</li>
 *   <li>{@code appcare_notifier_misplaced_records_total{topic}}: input records found on a partition other than
 *       the one Java's default partitioner gives their key (murmur2). Nothing is lost (the notifier
 *       repartitions every input itself), but it shows a producer with another partitioner (librdkafka's
 *       default, a custom one) or a topic whose partition count changed.</li>
 * </ul>
 * Counted when processed: under exactly-once, work of an aborted transaction is done (and counted)
 * again, so these can run slightly ahead of what consumers see on the topics.
 */
public final class NotifierMetrics {
    private final MeterRegistry registry;

    public NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counters that go nowhere (tests that do not look at them). */
    public static NotifierMetrics detached() {
        return new NotifierMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void deadLetter(String topic, String errorType) {
        Counter.builder("appcare.notifier.dead.letters").description("Input records sent to the dead-letter topic")
                .tag("topic", topic).tag("error_type", errorType).register(registry).increment();
    }

    public void staleEvent(String topic) {
        Counter.builder("appcare.notifier.stale.events").description("Events older than the state already applied, ignored")
                .tag("topic", topic).register(registry).increment();
    }

    public void request(MessageKind kind) {
        Counter.builder("appcare.notifier.requests").description("WhatsApp requests emitted")
                .tag("kind", kind.name()).register(registry).increment();
    }

    public void skipped(String reason) {
        Counter.builder("appcare.notifier.skipped").description("Passenger notices that sent nothing, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    public void budget(String outcome) {
        Counter.builder("appcare.notifier.budget").description("The message budget: updates held back, merged, sent when due")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void misplaced(String topic) {
        Counter.builder("appcare.notifier.misplaced.records")
                .description("Input records on another partition than Java's murmur2 partitioner gives their key")
                .tag("topic", topic).register(registry).increment();
    }

    /** The sum of the counters called {@code name} that have all of {@code tags} (key, value, ...). */
    public double count(String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
