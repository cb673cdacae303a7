package dev.appcare.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Confluent-API schema registry: Apicurio Registry, run as a separate JVM bound to 127.0.0.1,
 * with in-memory storage and global compatibility set to BACKWARD (Apicurio's default is NONE; AppCare's
 * contract is BACKWARD, so tests see the same refusals production would).
 *
 * <p>Clients use {@link #url()}, the Confluent REST API base, exactly as they would use Confluent Schema
 * Registry's root URL.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String CONFLUENT_JSON = "application/vnd.schemaregistry.v1+json";
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final ClassDataSharing cds;
    private final Thread shutdownHook;
    private boolean closed;

    private ApicurioRegistry(Process process, int port, Path logFile, ClassDataSharing cds) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.cds = cds;
        this.shutdownHook = new Thread(this::closeQuietly, "apicurio-registry-shutdown");
    }

    /** Starts a registry, logging to {@code target/} (or java.io.tmpdir outside a Maven module). */
    public static ApicurioRegistry start() {
        return start(defaultLogDirectory());
    }

    /** Starts a registry and returns once it answers on the Confluent API with BACKWARD set. */
    public static ApicurioRegistry start(Path logDirectory) {
        requireJava21();
        long started = System.nanoTime();
        Path appDir = ApicurioDistribution.appDirectory();
        RuntimeException lastFailure = null;
        // Ports are picked free and then handed to another process, so another program can take one in
        // between; that shows up as an early exit with a bind error, and a fresh pair of ports fixes it.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freeLoopbackPort();
            int managementPort = freeLoopbackPort();
            Path logFile = logDirectory.resolve("apicurio-registry-" + port + ".log");
            ClassDataSharing cds = ClassDataSharing.forApp(appDir);
            Process process = launch(appDir, port, managementPort, logFile, cds);
            ApicurioRegistry registry = new ApicurioRegistry(process, port, logFile, cds);
            Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
            try {
                registry.awaitReady();
                registry.setGlobalCompatibility("BACKWARD");
                log.info("Apicurio Registry {} ready at {} in {} ms (log: {})", ApicurioDistribution.VERSION,
                        registry.url(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logFile);
                return registry;
            } catch (RuntimeException e) {
                registry.closeQuietly();
                lastFailure = e;
                if (!registry.logTail().contains("already in use")) {
                    throw e;
                }
                log.warn("Apicurio Registry could not bind port {} or {}; retrying with others", port, managementPort);
            }
        }
        throw lastFailure;
    }

    /**
     * Runs the registry under a small sh watchdog holding a pipe from this JVM: when the pipe closes
     * (by {@link #close()}, or because this JVM died in any way, kill -9 included) the watchdog stops
     * the registry, so a crashed or killed test run leaves no orphan holding a port and 260 MiB. The
     * watchdog's exit status is the registry's. Async lists get /dev/null as stdin, hence fd 3.
     */
    private static final String WATCHDOG = """
            exec 3<&0
            "$@" </dev/null 3<&- &
            registry=$!
            (read -r _ <&3; kill "$registry" 2>/dev/null) &
            wait "$registry"
            """;

    private static Process launch(Path appDir, int port, int managementPort, Path logFile, ClassDataSharing cds) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "apicurio-registry-watchdog"));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A registry serving a test suite: small heap, serial GC and the C1 compiler only, which start
        // faster and leave the two cores to the tests; plus a class-data archive (see ClassDataSharing).
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(cds.jvmOptions());
        command.addAll(List.of(
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // The management interface (health, metrics) is on by default on 0.0.0.0:9000.
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-jar", "quarkus-run.jar"));
        try {
            Files.createDirectories(logFile.getParent());
            return new ProcessBuilder(command)
                    .directory(appDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Apicurio Registry: " + command, e);
        }
    }

    private void awaitReady() {
        HttpClient http = httpClient();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + process.exitValue()
                        + " before it was ready. Last lines of " + logFile + ":\n" + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException notListeningYet) {
                // Expected while Quarkus boots.
            } catch (IOException e) {
                log.debug("Registry not ready yet: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            sleep(100);
        }
        throw new IllegalStateException("Apicurio Registry did not answer on " + url() + " within "
                + READY_TIMEOUT.toSeconds() + " s. Last lines of " + logFile + ":\n" + logTail());
    }

    private void setGlobalCompatibility(String level) {
        HttpRequest put = HttpRequest.newBuilder(URI.create(url() + "/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", CONFLUENT_JSON)
                .header("Accept", CONFLUENT_JSON)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        try {
            HttpResponse<String> response = httpClient().send(put, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Setting compatibility " + level + " answered HTTP "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not set the registry's compatibility to " + level, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while configuring Apicurio Registry", e);
        }
    }

    /** The Confluent Schema Registry API base URL, e.g. {@code http://127.0.0.1:40123/apis/ccompat/v7}. */
    public String url() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /** The server root, e.g. {@code http://127.0.0.1:40123} (Apicurio's own API is under /apis/registry/v3). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The registry process's output. */
    public Path logFile() {
        return logFile;
    }

    /** The registry JVM's process id (not the watchdog's), for diagnostics. */
    public long pid() {
        return process.children()
                .filter(child -> child.info().command().map(command -> command.endsWith("java")).orElse(false))
                .findFirst()
                .orElse(process.toHandle())
                .pid();
    }

    /** Stops the registry process (and its watchdog) and waits until they are gone. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Called from the hook itself, or during JVM shutdown: nothing to unregister.
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        // Closing the watchdog's pipe makes it SIGTERM the registry: Quarkus stops in well under a
        // second, and a graceful exit is what writes the class-data archive.
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            tree.forEach(ProcessHandle::destroy);
        }
        boolean graceful = awaitExit(tree, STOP_TIMEOUT);
        if (!graceful) {
            log.warn("Apicurio Registry (pid {}) did not stop within {} s; killing it", pid(), STOP_TIMEOUT.toSeconds());
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitExit(tree, Duration.ofSeconds(10));
        }
        cds.afterExit(graceful);
    }

    private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("Apicurio Registry did not stop cleanly", e);
        }
    }

    /** The last lines of the registry's output, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    private static void requireJava21() {
        int feature = Runtime.version().feature();
        if (feature < 21) {
            throw new IllegalStateException("Apicurio Registry " + ApicurioDistribution.VERSION + " needs Java 21+, "
                    + "and the kit runs it with this JVM (" + System.getProperty("java.home") + ", Java " + feature
                    + "). Run the tests with a JDK 21+ (scripts/lib/java-env.sh picks one).");
        }
    }

    private static Path defaultLogDirectory() {
        Path target = Path.of("target");
        return Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "ApicurioRegistry[" + url() + "]";
    }

    /**
     * A dynamic class-data-sharing archive roughly halves the registry's start time (measured: ~7.5 s to
     * ~4 s on two cores). The first run records it at exit into a private file that is then renamed
     * into place, so JVMs running in parallel never read a half-written archive. It is keyed by the JVM
     * that wrote it because an archive only fits the exact JVM build that created it.
     */
    record ClassDataSharing(Path archive, Path recording) {

        static ClassDataSharing forApp(Path appDir) {
            String jvm = (System.getProperty("java.vm.version") + "-"
                    + Integer.toHexString(System.getProperty("java.home").hashCode())).replaceAll("[^A-Za-z0-9._-]", "_");
            Path dir = appDir.resolve("cds");
            Path archive = dir.resolve("registry-" + jvm + ".jsa");
            if (Files.isRegularFile(archive)) {
                return new ClassDataSharing(archive, null);
            }
            try {
                Files.createDirectories(dir);
                Path recording = Files.createTempFile(dir, "registry-" + jvm + "-", ".jsa.recording");
                // The JVM wants to create the file itself.
                Files.delete(recording);
                return new ClassDataSharing(archive, recording);
            } catch (IOException e) {
                log.debug("No class-data archive for the registry: {}", e.toString());
                return new ClassDataSharing(null, null);
            }
        }

        List<String> jvmOptions() {
            if (recording != null) {
                return List.of("-XX:ArchiveClassesAtExit=" + recording);
            }
            if (archive != null) {
                return List.of("-XX:SharedArchiveFile=" + archive);
            }
            return List.of();
        }

        void afterExit(boolean graceful) {
            if (recording == null) {
                return;
            }
            try {
                if (graceful && Files.isRegularFile(recording) && Files.size(recording) > 0) {
                    Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                log.debug("Could not keep the registry's class-data archive: {}", e.toString());
            } finally {
                try {
                    Files.deleteIfExists(recording);
                } catch (IOException ignored) {
                    // A leftover recording only costs disk space in the cache.
                }
            }
        }
    }
}
