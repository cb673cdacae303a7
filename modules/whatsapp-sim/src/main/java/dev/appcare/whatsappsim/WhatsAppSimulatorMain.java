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

    @Option(names = "--port", defaultValue = "8090", description = "TCP port (0 = any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (loopback only).")
    String bind;

    @Option(names = "--access-token", defaultValue = "sim-access-token",
            description = "Bearer token send requests must carry. Default: ${DEFAULT-VALUE}.")
    String accessToken;

    @Option(names = "--app-secret", defaultValue = "sim-app-secret",
            description = "App secret for X-Hub-Signature-256 of webhooks. Default: ${DEFAULT-VALUE}.")
    String appSecret;

    @Option(names = "--webhook-url", description = "Callback URL for status and inbound webhooks (none if absent).")
    URI webhookUrl;

    @Option(names = "--phone-number-id", split = ",",
            description = "Business phone-number-ids that exist (comma separated). Default: any numeric id.")
    List<String> phoneNumberIds = List.of();

    @Option(names = "--waba-id", defaultValue = "102290129340398", description = "WABA id in webhooks.")
    String wabaId;

    @Option(names = "--display-phone-number", defaultValue = "15550783881",
            description = "display_phone_number in webhooks.")
    String displayPhoneNumber;

    @Option(names = "--templates", description = "Template catalogue JSON file (default: the built-in approved-templates.json).")
    Path templates;

    @Option(names = "--throughput", defaultValue = "80",
            description = "Messages per second per phone-number-id (Meta: 80 default, up to 1000). Default: ${DEFAULT-VALUE}.")
    int throughput;

    @Option(names = "--pair-burst", defaultValue = "1", description = "Pair-rate burst per recipient. Default: ${DEFAULT-VALUE}.")
    int pairBurst;

    @Option(names = "--pair-period-ms", defaultValue = "6000",
            description = "One message per this many ms per recipient. Default: ${DEFAULT-VALUE}.")
    long pairPeriodMs;

    @Option(names = "--rate-limit-grace-ms", defaultValue = "100",
            description = "Jitter allowance of both rate limits. Default: ${DEFAULT-VALUE}.")
    long graceMs;

    @Option(names = "--throughput-error-status", defaultValue = "429",
            description = "HTTP status of 130429 answers. Default: ${DEFAULT-VALUE}.")
    int throughputErrorStatus;

    @Option(names = "--pair-rate-error-status", defaultValue = "400",
            description = "HTTP status of 131056 answers. Default: ${DEFAULT-VALUE}.")
    int pairRateErrorStatus;

    @Option(names = "--latency-ms", defaultValue = "150", description = "Fixed answer latency. Default: ${DEFAULT-VALUE}.")
    long latencyMs;

    @Option(names = "--jitter-ms", defaultValue = "50", description = "Extra random latency 0..n ms. Default: ${DEFAULT-VALUE}.")
    long jitterMs;

    @Option(names = "--status-delay-ms", defaultValue = "500",
            description = "Delay before the first status webhook and between statuses. Default: ${DEFAULT-VALUE}.")
    long statusDelayMs;

    @Option(names = "--delivered-probability", defaultValue = "0.98", description = "Default: ${DEFAULT-VALUE}.")
    double deliveredProbability;

    @Option(names = "--read-probability", defaultValue = "0.5", description = "Default: ${DEFAULT-VALUE}.")
    double readProbability;

    @Option(names = "--duplicate-probability", defaultValue = "0.0", description = "Default: ${DEFAULT-VALUE}.")
    double duplicateProbability;

    @Option(names = "--reorder-probability", defaultValue = "0.0", description = "Default: ${DEFAULT-VALUE}.")
    double reorderProbability;

    @Option(names = "--seed", description = "Seed of the random choices (default: random).")
    Long seed;

    @Option(names = "--webhook-attempts", defaultValue = "5", description = "Webhook POST attempts. Default: ${DEFAULT-VALUE}.")
    int webhookAttempts;

    @Option(names = "--http-threads", defaultValue = "32", description = "Jetty worker threads. Default: ${DEFAULT-VALUE}.")
    int httpThreads;

    @Override
    public Integer call() throws Exception {
        SimulatorBuilder b = WhatsAppSimulator.builder()
                .port(port)
                .bindAddress(bind)
                .httpThreads(httpThreads)
                .accessToken(accessToken)
                .appSecret(appSecret)
                .webhookUrl(webhookUrl)
                .phoneNumberIds(phoneNumberIds)
                .wabaId(wabaId)
                .displayPhoneNumber(displayPhoneNumber)
                .throughputPerSecond(throughput)
                .pairRate(pairBurst, Duration.ofMillis(pairPeriodMs))
                .rateLimitGrace(Duration.ofMillis(graceMs))
                .throughputErrorHttpStatus(throughputErrorStatus)
                .pairRateErrorHttpStatus(pairRateErrorStatus)
                .latency(Duration.ofMillis(latencyMs), Duration.ofMillis(jitterMs))
                .statusDelay(Duration.ofMillis(statusDelayMs))
                .deliveredProbability(deliveredProbability)
                .readProbability(readProbability)
                .duplicateProbability(duplicateProbability)
                .reorderProbability(reorderProbability)
                .seed(seed != null ? seed : System.nanoTime())
                .webhookRetries(webhookAttempts, Duration.ofMillis(500));
        if (templates != null) {
            b.templates(ApprovedTemplates.fromFile(templates));
        }
        WhatsAppSimulator sim = b.start();
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
