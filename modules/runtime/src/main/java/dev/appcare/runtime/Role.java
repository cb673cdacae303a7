package dev.appcare.runtime;

/**
 * How every role lives, so that each starts, reports health and stops the same way ({@link RoleRunner}
 * runs it for {@code appcare <role>}):
 * <ul>
 *   <li>{@link #start()} returns once the role runs, its {@link HealthServer} ({@code /health}: UP once
 *       ready, {@code /metrics}) bound; it throws if the role cannot start (bad settings, no cluster);</li>
 *   <li>{@link #awaitTermination()} blocks until the role has stopped, by {@link #stop()} or by itself,
 *       and says whether it stopped because it failed for good (a dead thread, Kafka Streams in ERROR);
 *       transient trouble is retried inside the role and never ends it;</li>
 *   <li>{@link #stop()} is graceful and may be called more than once, also after a failed start.</li>
 * </ul>
 */
public interface Role extends AutoCloseable {

    Role start();

    /** Blocks until the role has stopped; true if it stopped by itself because it failed for good. */
    boolean awaitTermination() throws InterruptedException;

    void stop();

    @Override
    default void close() {
        stop();
    }
}
