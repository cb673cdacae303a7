package dev.appcare.testkit;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unique topic, group and transactional-id names, because all tests of a JVM share one broker (and
 * the registry: subjects follow topic names) and a re-run must not meet an earlier run's data.
 */
public final class TestNames {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    // Distinguishes JVMs that share a broker (scripts/stack) or run in parallel.
    private static final String RUN = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);

    private TestNames() {
    }

    /**
     * {@code base} plus a unique suffix, e.g. {@code flight.status.v1-k3x9-7}. Characters Kafka does not
     * allow in topic names become {@code _}; the base stays readable in broker logs and tools.
     */
    public static String unique(String base) {
        String safe = base.replaceAll("[^A-Za-z0-9._-]", "_");
        // Kafka's limit is 249 characters; the suffix needs at most 16.
        return safe.substring(0, Math.min(safe.length(), 200)) + "-" + RUN + "-" + COUNTER.incrementAndGet();
    }
}
