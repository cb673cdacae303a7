package dev.appcare.sender.state;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Applies each webhook event at most once: the effects of an event id already applied are not run again. */
public interface EventDedup {

    /** What became of one event. */
    enum Outcome { APPLIED, DUPLICATE }

    /**
     * Runs {@code effects} unless {@code eventId} was applied already; completes once they are acknowledged
     * ({@link Outcome#APPLIED}) or at once for a duplicate. Fails if the effects fail (the event is then free
     * again, for Meta's retry) or if another claimer is applying it right now (Meta retries later).
     */
    CompletableFuture<Outcome> once(String eventId, Supplier<? extends CompletableFuture<?>> effects);

    /** Starts {@code effects}; one that throws instead of returning a future counts as failed. */
    static CompletableFuture<?> start(Supplier<? extends CompletableFuture<?>> effects) {
        try {
            return effects.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Another instance holds a fresh claim on the event: answer 500 so that Meta delivers it again. */
    final class InProgressException extends RuntimeException {
        public InProgressException(String eventId) {
            super("webhook event " + eventId + " is being applied by another claim");
        }
    }
}
