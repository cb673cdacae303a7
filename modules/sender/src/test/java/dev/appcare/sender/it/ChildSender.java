package dev.appcare.sender.it;

import dev.appcare.sender.SenderCommand;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** A sender in its own JVM (this test's classpath), to be killed (SIGKILL) or paused (SIGSTOP) for real. */
final class ChildSender implements AutoCloseable {
    final Process process;
    final Path log;

    private ChildSender(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildSender launch(SenderHarness h, Path dir, String name, Map<String, String> overrides) throws IOException {
        Properties properties = new Properties();
        properties.putAll(h.senderSettings(overrides));
        Path config = dir.resolve(name + ".properties");
        try (Writer out = Files.newBufferedWriter(config)) {
            properties.store(out, "sender under test");
        }
        Path log = dir.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
                SenderCommand.class.getName(), "--config", config.toString());
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("APPCARE_"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return new ChildSender(builder.start(), log);
    }

    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
