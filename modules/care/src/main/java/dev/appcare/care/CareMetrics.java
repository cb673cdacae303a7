package dev.appcare.care;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Care's counters ({@code appcare_care_events_total{event=...}}): acknowledgements, FAQ matches, hand-offs
 * by reason, agent replies as text or template, dead letters. Never labelled with personal data.
 */
public final class CareMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public CareMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts in a registry nobody scrapes (tests, describe()). */
    public static CareMetrics detached() {
        return new CareMetrics(new SimpleMeterRegistry());
    }

    public void event(String event) {
        counters.computeIfAbsent(event, e -> Counter.builder("appcare.care.events").tag("event", e)
                .description("What care did with traveller messages and agent replies").register(registry)).increment();
    }

    public double count(String event) {
        Counter counter = counters.get(event);
        return counter == null ? 0 : counter.count();
    }
}
