package dev.appcare.whatsappsim;

import io.javalin.Javalin;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The simulator's running threads: the HTTP server (Javalin on a Jetty pool of {@code httpThreads}) and
 * the scheduler that times held-back answers, webhooks and upkeep. Between {@link #start} and {@link #stop}.
 */
final class SimulatorServer {

    private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);

    private final ScheduledExecutorService scheduler =
            Executors.newScheduledThreadPool(2, WhatsAppSimulator.threadFactory("whatsapp-sim-scheduler-"));
    private Javalin app;

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Starts listening with these routes; returns the bound port. Stops the scheduler if that fails. */
    int start(SimulatorSettings.Server s, Consumer<Javalin> routes) {
        QueuedThreadPool pool = new QueuedThreadPool(s.httpThreads(), Math.min(4, s.httpThreads()), 30_000);
        pool.setName("whatsapp-sim-http");
        pool.setDaemon(true);
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.jetty.threadPool = pool;
            config.jetty.defaultHost = s.bindAddress();
            config.http.asyncTimeout = 0; // hangs are timed by the simulator, not by Jetty
            config.http.maxRequestSize = 1_000_000;
            config.router.ignoreTrailingSlashes = true;
        });
        routes.accept(app);
        try {
            app.start(s.bindAddress(), s.port());
        } catch (RuntimeException e) {
            stopScheduler();
            throw e;
        }
        return app.port();
    }

    /** Stops the HTTP server. */
    void stopHttp() {
        try {
            app.stop();
        } catch (RuntimeException e) {
            log.warn("Stopping the HTTP server failed", e);
        }
    }

    void stopScheduler() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
