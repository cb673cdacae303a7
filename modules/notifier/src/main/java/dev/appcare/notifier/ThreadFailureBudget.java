package dev.appcare.notifier;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many stream-thread failures the notifier absorbs by replacing the thread before it gives up: a
 * transient failure (a broker restart, the registry briefly down) is replaced and resumes from the last
 * commit; a persistent one (the same record failing again and again, a broken state directory) would
 * otherwise replace threads forever while nothing flows. More than {@code maxFailures} within
 * {@code window} ends the client: Kafka Streams goes to ERROR, {@code appcare notifier} exits non-zero
 * with a log line, and the platform restarts it (or an operator looks).
 */
final class ThreadFailureBudget {
    private final int maxFailures;
    private final long windowMillis;
    private final Deque<Long> failures = new ArrayDeque<>();

    ThreadFailureBudget(int maxFailures, Duration window) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
    }

    /** Records a failure at {@code now}; true if the thread may be replaced, false if the budget is spent. */
    synchronized boolean replaceAfterFailureAt(long now) {
        failures.addLast(now);
        while (!failures.isEmpty() && failures.peekFirst() <= now - windowMillis) {
            failures.removeFirst();
        }
        return failures.size() <= maxFailures;
    }
}
