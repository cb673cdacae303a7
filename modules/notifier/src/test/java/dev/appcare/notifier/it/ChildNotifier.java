package dev.appcare.notifier.it;

import dev.appcare.testkit.Await;
import dev.appcare.notifier.NotifierCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The notifier in a JVM of its own ({@code appcare notifier}'s command with the test classpath), so a test
 * can kill it the hard way ({@link #kill()}: SIGKILL, no shutdown hook, no close, an open transaction left
 * behind) as a crashed or OOM-killed container would be.
 */
final class ChildNotifier implements AutoCloseable {
    private final Process process;
    private final int healthPort;
    private final Path log;

    private ChildNotifier(Process process, int healthPort, Path log) {
        this.process = process;
        this.healthPort = healthPort;
        this.log = log;
    }

    static ChildNotifier start(Map<String, String> config, Path workDir, String name) throws IOException {
        int port = freePort();
        Properties properties = new Properties();
        properties.putAll(config);
        properties.put("notifier.health.port", Integer.toString(port));
        Path file = workDir.resolve(name + ".properties");
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, "notifier child " + name);
        }
        Path log = workDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + workDir,
                "-cp", System.getProperty("java.class.path"),
                NotifierCommand.class.getName(), "--config", file.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildNotifier(process, port, log);
    }

    /** Waits until {@code /health} answers 200 (Kafka Streams running). */
    void awaitHealthy(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        Await.until("the notifier's /health to answer 200 (see " + log + ")", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the notifier exited with " + process.exitValue() + "; see " + log);
            }
            try {
                return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for the notifier's health", e);
            }
        });
    }

    String metrics() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** SIGKILL: no graceful anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: the graceful shutdown path (shutdown hook closes Kafka Streams). */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the notifier did not stop within " + timeout + "; see " + log);
        }
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
