package dev.appcare.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition, polling it until a deadline: the one "await" of the tests, instead of sleeping a
 * guessed time. Fails with what was awaited (and, for {@link #value}, the last value seen).
 */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(50);

    private Await() {
    }

    /** Returns once {@code condition} holds; throws an {@link AssertionError} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        value(condition::getAsBoolean, done -> done, timeout, what);
    }

    /**
     * Whether {@code condition} comes to hold within {@code timeout}, without failing: for a test that acts
     * again when it does not (publish another event, roll another segment) and judges the outcome itself.
     */
    public static boolean holdsWithin(Duration timeout, BooleanSupplier condition) {
        try {
            until("a condition", timeout, condition);
            return true;
        } catch (AssertionError timedOut) {
            if (Thread.currentThread().isInterrupted()) {
                throw timedOut;
            }
            return false;
        }
    }

    /** Polls {@code value} until {@code done} accepts it and returns it; throws after {@code timeout}. */
    public static <T> T value(Supplier<T> value, Predicate<T> done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = value.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what + " (last seen: " + last + ")");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
            last = value.get();
        }
        return last;
    }
}
