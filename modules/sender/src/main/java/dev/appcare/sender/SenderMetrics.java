package dev.appcare.sender;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The sender's meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code appcare.sender.accepted} [appcare_sender_accepted_total]: messages WhatsApp accepted; its
 *       rate is sent/s;</li>
 *   <li>{@code appcare.sender.calls} {class}: every call by outcome class;</li>
 *   <li>{@code appcare.sender.errors} {code, class}: calls answered with a Graph API error, by code;</li>
 *   <li>{@code appcare.sender.dropped} {reason}: requests not sent (expired, superseded, opted-out,
 *       duplicate, in-doubt, dead-lettered, bad-record);</li>
 *   <li>{@code appcare.sender.call.latency}: Cloud API call latency (histogram);</li>
 *   <li>gauges {@code appcare.sender.in.flight}, {@code appcare.sender.queued}, {@code appcare.sender.lag}
 *       (records not yet read from the request topic), {@code appcare.sender.suspended} (1 while paused),
 *       {@code appcare.sender.rate.limit} (this instance's pacing, msg/s), {@code appcare.sender.ledger.entries};</li>
 *   <li>{@code appcare.sender.webhook} {event}: webhook requests and what they carried;</li>
 *   <li>{@code appcare.sender.number.calls} {number, class}: calls per business number by outcome class;
 *       gauges {@code appcare.sender.number.rate.limit} {number} (this instance's pacing of it) and
 *       {@code appcare.sender.number.paused} {number} (1 while suspended or in maintenance, 131057);</li>
 *   <li>{@code appcare.sender.messaging.limit} {portfolio, outcome}: requests held back by the messaging
 *       limit ({@code held}) or sent from the urgent reserve ({@code urgent-from-reserve}); gauges
 *       {@code appcare.sender.messaging.limit.used} / {@code .allowed} {portfolio}: unique recipients
 *       in the 24 h window on this instance, and this instance's share of the tier (-1: unlimited).</li>
 * </ul>
 */
final class SenderMetrics {
    private final MeterRegistry registry;
    private final Counter accepted;
    private final Timer latency;
    private final AtomicLong lag = new AtomicLong();
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private Supplier<Number> ledgerMisplacedMoved;

    SenderMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.accepted = Counter.builder("appcare.sender.accepted").description("messages WhatsApp accepted")
                .register(registry);
        this.latency = Timer.builder("appcare.sender.call.latency").description("Cloud API call latency")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        registry.gauge("appcare.sender.lag", lag);
    }

    void gauges(Supplier<Number> inFlight, Supplier<Number> queued, Supplier<Number> suspended,
                Supplier<Number> rateLimit, Supplier<Number> ledgerEntries, Supplier<Number> ledgerMisplacedMoved) {
        gauge("appcare.sender.in.flight", inFlight);
        gauge("appcare.sender.queued", queued);
        gauge("appcare.sender.suspended", suspended);
        gauge("appcare.sender.rate.limit", rateLimit);
        gauge("appcare.sender.ledger.entries", ledgerEntries);
        this.ledgerMisplacedMoved = ledgerMisplacedMoved; // a function counter holds its object weakly
        io.micrometer.core.instrument.FunctionCounter.builder("appcare.sender.ledger.misplaced.moved", ledgerMisplacedMoved,
                        value -> value.get().doubleValue())
                .description("ledger entries of an older sender found outside their request's partition and moved there")
                .register(registry);
    }

    private void gauge(String name, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).register(registry);
    }

    void accepted() {
        accepted.increment();
    }

    double acceptedCount() {
        return accepted.count();
    }

    void call(String errorClass, Integer code, long nanos) {
        latency.record(Duration.ofNanos(nanos));
        counter("appcare.sender.calls", "class", errorClass).increment();
        if (code != null) {
            counters.computeIfAbsent("errors|" + code + "|" + errorClass, k -> Counter.builder("appcare.sender.errors")
                    .tag("code", Integer.toString(code)).tag("class", errorClass).register(registry)).increment();
        }
    }

    /** Per-number and per-portfolio gauges. */
    void numberGauges(NumberChannels channels, java.util.function.LongSupplier clock) {
        for (NumberChannel c : channels.all()) {
            io.micrometer.core.instrument.Gauge.builder("appcare.sender.number.rate.limit", c.pacer::currentRate)
                    .tag("number", c.name()).register(registry);
            io.micrometer.core.instrument.Gauge.builder("appcare.sender.number.paused",
                    () -> c.suspension.active() || c.paused(clock.getAsLong()) ? 1 : 0).tag("number", c.name()).register(registry);
        }
        for (MessagingLimit limit : channels.portfolios()) {
            io.micrometer.core.instrument.Gauge.builder("appcare.sender.messaging.limit.used", limit::used)
                    .tag("portfolio", limit.portfolio()).register(registry);
            io.micrometer.core.instrument.Gauge.builder("appcare.sender.messaging.limit.allowed", limit::limit)
                    .tag("portfolio", limit.portfolio()).register(registry);
        }
    }

    void numberCall(String number, dev.appcare.sender.cloudapi.ErrorClass outcome) {
        counters.computeIfAbsent("number|" + number + "|" + outcome, k -> Counter.builder("appcare.sender.number.calls")
                .tag("number", number).tag("class", outcome.name()).register(registry)).increment();
    }

    void messagingLimit(String portfolio, String outcome) {
        counters.computeIfAbsent("limit|" + portfolio + "|" + outcome, k -> Counter.builder("appcare.sender.messaging.limit")
                .tag("portfolio", portfolio).tag("outcome", outcome).register(registry)).increment();
    }

    void dropped(String reason) {
        counter("appcare.sender.dropped", "reason", reason).increment();
    }

    /** A request without a traveller key sent under {@code sender.consent.keyless-override}. */
    void keylessOverride() {
        Counter.builder("appcare.sender.keyless.override").description("requests sent without a traveller key "
                + "under the ops override").register(registry).increment();
    }

    /** A ledger claim that lost to another attempt's (a zombie, a rebalance, two resolvers): no call made. */
    void claimLost() {
        counter("appcare.sender.claims.lost", "role", "sender").increment();
    }

    void webhook(String event) {
        counter("appcare.sender.webhook", "event", event).increment();
    }

    void lag(long value) {
        lag.set(value);
    }

    /** Count of a tagged counter so far (tests and the benchmark read it). */
    double count(String name, String tag, String value) {
        Counter c = registry.find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private Counter counter(String name, String tag, String value) {
        return counters.computeIfAbsent(name + "|" + value,
                k -> Counter.builder(name).tag(tag, value).register(registry));
    }

    MeterRegistry registry() {
        return registry;
    }
}
