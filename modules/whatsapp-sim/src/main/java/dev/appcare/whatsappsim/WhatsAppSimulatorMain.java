package dev.appcare.whatsappsim;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own until Ctrl-C:
 * {@code java -cp ... dev.appcare.whatsappsim.WhatsAppSimulatorMain --port 8090 --webhook-url http://127.0.0.1:8081/webhook}.
 * Unlike the builder (tuned for fast tests), the defaults here are realistic: 150 ms + up to 50 ms latency.
 */
@Command(name = "whatsapp-sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Local WhatsApp Cloud API simulator (POST /{version}/{phone-number-id}/messages, signed webhooks, "
                + "admin API under /_sim).")
public final class WhatsAppSimulatorMain implements Callable<Integer> {

    /** Options go straight into the builder: one place per option, no copy in {@link #call()}. */
    private final SimulatorBuilder builder = WhatsAppSimulator.builder();

    @Option(names = "--port", defaultValue = "8090", description = "TCP port (0 = any free port). Default: ${DEFAULT-VALUE}.")
    void port(int port) {
        builder.port(port);
    }

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (loopback only).")
    void bind(String address) {
        builder.bindAddress(address);
    }

    @Option(names = "--access-token", defaultValue = "sim-access-token",
            description = "Bearer token send requests must carry. Default: ${DEFAULT-VALUE}.")
    void accessToken(String token) {
        builder.accessToken(token);
    }

    @Option(names = "--app-secret", defaultValue = "sim-app-secret",
            description = "App secret for X-Hub-Signature-256 of webhooks. Default: ${DEFAULT-VALUE}.")
    void appSecret(String secret) {
        builder.appSecret(secret);
    }

    @Option(names = "--webhook-url", description = "Callback URL for status and inbound webhooks (none if absent).")
    void webhookUrl(URI url) {
        builder.webhookUrl(url);
    }

    @Option(names = "--phone-number-id", split = ",",
            description = "Business phone-number-ids that exist (comma separated). Default: any numeric id.")
    void phoneNumberIds(List<String> ids) {
        builder.phoneNumberIds(ids);
    }

    @Option(names = "--waba-id", defaultValue = "102290129340398", description = "WABA id in webhooks.")
    void wabaId(String id) {
        builder.wabaId(id);
    }

    @Option(names = "--display-phone-number", defaultValue = "15550783881",
            description = "display_phone_number in webhooks.")
    void displayPhoneNumber(String number) {
        builder.displayPhoneNumber(number);
    }

    @Option(names = "--templates", description = "Approved-templates JSON file (default: the built-in approved-templates.json).")
    void templates(Path file) {
        builder.templates(ApprovedTemplates.fromFile(file));
    }

    @Option(names = "--throughput", defaultValue = "80",
            description = "Messages per second per phone-number-id (Meta: 80 default, up to 1000). Default: ${DEFAULT-VALUE}.")
    void throughput(int perSecond) {
        builder.throughputPerSecond(perSecond);
    }

    @Option(names = "--pair-burst", defaultValue = "1", description = "Pair-rate burst per recipient. Default: ${DEFAULT-VALUE}.")
    int pairBurst;

    @Option(names = "--pair-period-ms", defaultValue = "6000",
            description = "One message per this many ms per recipient. Default: ${DEFAULT-VALUE}.")
    long pairPeriodMs;

    @Option(names = "--rate-limit-grace-ms", defaultValue = "100",
            description = "Jitter allowance of both rate limits. Default: ${DEFAULT-VALUE}.")
    void rateLimitGrace(long ms) {
        builder.rateLimitGrace(Duration.ofMillis(ms));
    }

    @Option(names = "--throughput-error-status", defaultValue = "429",
            description = "HTTP status of 130429 answers. Default: ${DEFAULT-VALUE}.")
    void throughputErrorStatus(int status) {
        builder.throughputErrorHttpStatus(status);
    }

    @Option(names = "--pair-rate-error-status", defaultValue = "400",
            description = "HTTP status of 131056 answers. Default: ${DEFAULT-VALUE}.")
    void pairRateErrorStatus(int status) {
        builder.pairRateErrorHttpStatus(status);
    }

    @Option(names = "--latency-ms", defaultValue = "150", description = "Fixed answer latency. Default: ${DEFAULT-VALUE}.")
    long latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "50", description = "Extra random latency 0..n ms. Default: ${DEFAULT-VALUE}.")
    long jitterMs;

    @Option(names = "--status-delay-ms", defaultValue = "500",
            description = "Delay before the first status webhook and between statuses. Default: ${DEFAULT-VALUE}.")
    void statusDelay(long ms) {
        builder.statusDelay(Duration.ofMillis(ms));
    }

    @Option(names = "--delivered-probability", defaultValue = "0.98", description = "Default: ${DEFAULT-VALUE}.")
    void deliveredProbability(double p) {
        builder.deliveredProbability(p);
    }

    @Option(names = "--read-probability", defaultValue = "0.5", description = "Default: ${DEFAULT-VALUE}.")
    void readProbability(double p) {
        builder.readProbability(p);
    }

    @Option(names = "--duplicate-probability", defaultValue = "0.0", description = "Default: ${DEFAULT-VALUE}.")
    void duplicateProbability(double p) {
        builder.duplicateProbability(p);
    }

    @Option(names = "--reorder-probability", defaultValue = "0.0", description = "Default: ${DEFAULT-VALUE}.")
    void reorderProbability(double p) {
        builder.reorderProbability(p);
    }

    @Option(names = "--seed", description = "Seed of the random choices (default: random).")
    Long seed;

    @Option(names = "--webhook-attempts", defaultValue = "5", description = "Webhook POST attempts. Default: ${DEFAULT-VALUE}.")
    void webhookAttempts(int attempts) {
        builder.webhookRetries(attempts, Duration.ofMillis(500));
    }

    @Option(names = "--http-threads", defaultValue = "32", description = "Jetty worker threads. Default: ${DEFAULT-VALUE}.")
    void httpThreads(int threads) {
        builder.httpThreads(threads);
    }

    @Override
    public Integer call() throws Exception {
        builder.pairRate(pairBurst, Duration.ofMillis(pairPeriodMs))
                .latency(Duration.ofMillis(latencyMs), Duration.ofMillis(jitterMs))
                .seed(seed != null ? seed : System.nanoTime());
        WhatsAppSimulator sim = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "whatsapp-sim-shutdown"));
        System.out.println("WhatsApp Cloud API simulator: " + sim.baseUrl()
                + "  (send: POST " + sim.baseUrl() + "/v21.0/<phone-number-id>/messages, admin: "
                + sim.baseUrl() + "/_sim/stats)");
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "whatsapp-sim-logback.xml");
        }
        int exit = new CommandLine(new WhatsAppSimulatorMain()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
