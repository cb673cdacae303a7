package dev.appcare.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker and a real Confluent-API schema registry, together: what an AppCare integration
 * test runs against.
 *
 * <p>{@link #shared()} gives the one instance of the test JVM, started on first use and stopped at the
 * end of the run ({@link RealInfrastructureExtension} arranges that; a shutdown hook is the fallback).
 * Tests share it, so each uses its own topics and groups ({@link TestNames}).
 */
public final class RealInfrastructure implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RealInfrastructure.class);
    private static RealInfrastructure shared;

    private final KafkaBroker broker;
    private final ApicurioRegistry registry;

    private RealInfrastructure(KafkaBroker broker, ApicurioRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** The test JVM's instance, started (broker and registry side by side) on the first call. */
    public static synchronized RealInfrastructure shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** Stops the shared instance if one was started; a later {@link #shared()} starts a new one. */
    static synchronized void closeShared() {
        if (shared != null) {
            try {
                shared.close();
            } finally {
                shared = null;
            }
        }
    }

    /**
     * Starts a broker and a registry of your own (close it yourself). Both start concurrently: the
     * broker takes ~3 s in this JVM, the registry ~4-8 s in its own, so together they cost the slower one.
     */
    public static RealInfrastructure start() {
        long started = System.nanoTime();
        // Own threads rather than the common pool, which is small on two cores and shared with tests.
        CompletableFuture<ApicurioRegistry> registry = supplyInNewThread("apicurio-registry-start", ApicurioRegistry::start);
        CompletableFuture<KafkaBroker> broker = supplyInNewThread("kafka-broker-start", KafkaBroker::start);
        try {
            CompletableFuture.allOf(registry, broker).join();
        } catch (CompletionException e) {
            // Whichever did start must not outlive the failure.
            registry.thenAccept(ApicurioRegistry::close);
            broker.thenAccept(KafkaBroker::close);
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        RealInfrastructure infrastructure = new RealInfrastructure(broker.join(), registry.join());
        log.info("Real infrastructure ready in {} ms: Kafka {} and schema registry {}",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                infrastructure.broker.bootstrapServers(), infrastructure.registry.url());
        return infrastructure;
    }

    private static <T> CompletableFuture<T> supplyInNewThread(String name, java.util.function.Supplier<T> supplier) {
        CompletableFuture<T> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                future.complete(supplier.get());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    public KafkaBroker broker() {
        return broker;
    }

    public ApicurioRegistry registry() {
        return registry;
    }

    /** Shortcut for {@code broker().bootstrapServers()}. */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Shortcut for {@code registry().url()}: the Confluent-API base URL. */
    public String schemaRegistryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        // Both stop on their own too (shutdown hooks); closing them together just makes it prompt.
        RuntimeException failure = null;
        for (AutoCloseable component : new AutoCloseable[] {registry, broker}) {
            try {
                component.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not stop the real infrastructure cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "RealInfrastructure[kafka=" + broker.bootstrapServers() + ", registry=" + registry.url() + "]";
    }
}
