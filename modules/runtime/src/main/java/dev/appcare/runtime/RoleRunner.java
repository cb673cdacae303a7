package dev.appcare.runtime;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Runs a {@link Role} as a process: {@code appcare notifier}, {@code care}, {@code optin} and
 * {@code sender} all end in {@link #run}. It builds and starts the role, lets SIGTERM / Ctrl-C stop it
 * gracefully (a JVM shutdown hook), blocks until it stops, and gives the exit status:
 * <ul>
 *   <li>{@value #STOPPED}: stopped (SIGTERM itself makes the JVM exit 143);</li>
 *   <li>{@value #CANNOT_START}: the role could not be built or started (bad settings, missing topics,
 *       cluster unreachable), said in one line on {@code err}, not a stack trace;</li>
 *   <li>{@value #FAILED}: the role failed for good while running (EX_SOFTWARE, as the sender always
 *       exited), for the platform to restart it.</li>
 * </ul>
 */
public final class RoleRunner {
    public static final int STOPPED = 0;
    public static final int CANNOT_START = 1;
    public static final int FAILED = 70;

    private RoleRunner() {
    }

    /** Builds the role ({@code create} reads its settings), runs it until it stops, and returns the exit status. */
    public static int run(String name, PrintWriter err, Callable<? extends Role> create) throws InterruptedException {
        Role role;
        try {
            role = create.call();
        } catch (Exception e) {
            return cannotStart(name, err, e);
        }
        Thread hook = new Thread(role::stop, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            role.start();
        } catch (RuntimeException e) {
            stopUnlessShuttingDown(role, hook);
            return cannotStart(name, err, e);
        }
        boolean failed = role.awaitTermination();
        stopUnlessShuttingDown(role, hook);
        return failed ? FAILED : STOPPED;
    }

    /** Stops the role here unless the shutdown hook has it already (the JVM is shutting down). */
    private static void stopUnlessShuttingDown(Role role, Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return;
        }
        role.stop();
    }

    private static int cannotStart(String name, PrintWriter err, Exception e) {
        err.println(name + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        err.flush();
        return CANNOT_START;
    }
}
