package dev.appcare.bench;

import com.sun.net.httpserver.HttpServer;
import dev.appcare.whatsappsim.LoadBenchmark;
import dev.appcare.whatsappsim.SimulatorBuilder;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures what the simulator sustains on this machine: starts one in-process (or targets {@code --url}),
 * drives it open-loop at {@code --rate} for {@code --seconds} and prints the result. Client and server share
 * the machine, so the figure is a lower bound for the simulator alone. A benchmark driver like the others in
 * this module, run by hand (docs/whatsapp-sim.md, "Throughput"); {@code scripts/bench} does not run it.
 */
@Command(name = "whatsapp-sim-benchmark", mixinStandardHelpOptions = true,
        description = "Load test of the WhatsApp simulator's send endpoint (loopback only).")
public final class WhatsAppSimulatorBenchmark implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "1000", description = "Requests per second. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--seconds", defaultValue = "10", description = "Duration. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--latency-ms", defaultValue = "150", description = "Simulator latency. Default: ${DEFAULT-VALUE}.")
    long latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "0", description = "Simulator latency jitter. Default: ${DEFAULT-VALUE}.")
    long jitterMs;

    @Option(names = "--http-threads", defaultValue = "32", description = "Simulator Jetty threads. Default: ${DEFAULT-VALUE}.")
    int httpThreads;

    @Option(names = "--max-in-flight", defaultValue = "5000", description = "Client bound on concurrent requests.")
    int maxInFlight;

    @Option(names = "--webhooks", description = "Also post status webhooks (sent/delivered/read) to a local sink.")
    boolean webhooks;

    @Option(names = "--url", description = "Benchmark a running simulator at this base URL instead of starting one.")
    URI url;

    @Option(names = "--access-token", defaultValue = "sim-access-token", description = "Token for --url.")
    String token;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "Warm-up run before measuring.")
    int warmupSeconds;

    @Override
    public Integer call() throws Exception {
        HttpServer sink = null;
        ExecutorService sinkExecutor = null;
        LongAdder sinkPosts = new LongAdder();
        WhatsAppSimulator sim = null;
        try {
            URI base = url;
            if (base == null) {
                SimulatorBuilder b = WhatsAppSimulator.builder()
                        .throughputPerSecond(Math.min(Math.max(rate, 1), 1_000_000))
                        .latency(Duration.ofMillis(latencyMs), Duration.ofMillis(jitterMs))
                        .httpThreads(httpThreads)
                        .statusDelay(Duration.ofMillis(50))
                        .readProbability(0.5)
                        .maxRecordedMessages(50_000);
                if (webhooks) {
                    sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1000);
                    sinkExecutor = Executors.newFixedThreadPool(2);
                    sink.setExecutor(sinkExecutor);
                    sink.createContext("/webhook", ex -> {
                        ex.getRequestBody().readAllBytes();
                        sinkPosts.increment();
                        ex.sendResponseHeaders(200, -1);
                        ex.close();
                    });
                    sink.start();
                    b.webhookUrl(URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/webhook"));
                }
                sim = b.start();
                base = URI.create(sim.baseUrl());
                token = sim.settings().account().accessToken();
            }
            URI messages = URI.create(base + "/v21.0/" + WhatsAppSimulator.DEFAULT_PHONE_NUMBER_ID + "/messages");
            if (warmupSeconds > 0) {
                LoadBenchmark.run(messages, token, rate, Duration.ofSeconds(warmupSeconds), maxInFlight);
                if (sim != null) {
                    sim.awaitWebhooks(Duration.ofSeconds(30));
                    sim.reset();
                }
            }
            System.out.printf("Benchmark: %d req/s for %d s, simulator latency %d ms + 0..%d ms, %d Jetty threads, "
                            + "webhooks %s, %d CPUs%n", rate, seconds, latencyMs, jitterMs, httpThreads,
                    webhooks ? "on" : "off", Runtime.getRuntime().availableProcessors());
            LoadBenchmark.Result result = LoadBenchmark.run(messages, token, rate, Duration.ofSeconds(seconds),
                    maxInFlight);
            System.out.println(result);
            if (sim != null && webhooks) {
                boolean drained = sim.awaitWebhooks(Duration.ofSeconds(60));
                System.out.println("webhooks: " + sim.stats().webhooks() + (drained ? "" : " (not drained)")
                        + ", sink received " + sinkPosts.sum());
            }
            return result.failed() == 0 && result.notSentBackpressure() == 0 ? 0 : 1;
        } finally {
            if (sim != null) {
                sim.close();
            }
            if (sink != null) {
                sink.stop(0);
                sinkExecutor.shutdownNow();
            }
        }
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "whatsapp-sim-logback.xml");
        }
        System.exit(new CommandLine(new WhatsAppSimulatorBenchmark()).execute(args));
    }
}
