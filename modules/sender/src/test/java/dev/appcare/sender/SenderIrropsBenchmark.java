package dev.appcare.sender;

import static dev.appcare.sender.it.SenderHarness.phone;

import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.sender.it.SenderHarness;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.GraphErrors;
import dev.appcare.whatsappsim.SentMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * IRROPS through several business numbers: a storm of requests already on Kafka, sent through
 * {@code benchmark.irrops.numbers} numbers (default 4) of {@code benchmark.irrops.rate} msg/s each
 * (default 1,000) against the simulator with 150 ms latency. Prints one line: the time from the first to
 * the last accepted send against the ideal (messages ÷ total ceiling; goal ≤ 1.05 ×), the 130429 count and
 * the load average. Asserts nothing about speed. Not in the normal build (the name matches neither *Test
 * nor *IT); one command (docs/sender.md, "Benchmarks"):
 *
 * <pre>
 * mvn -B -ntp -pl modules/sender -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=SenderIrropsBenchmark -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
@IntegrationTest
@Tag("benchmark")
public class SenderIrropsBenchmark {
    private static final int NUMBERS = Integer.getInteger("benchmark.irrops.numbers", 4);
    private static final int RATE = Integer.getInteger("benchmark.irrops.rate", 1000);
    private static final int MESSAGES = Integer.getInteger("benchmark.irrops.messages", 40_000);
    private static final Duration LATENCY = Duration.ofMillis(150);

    @Test
    void irropsThroughSeveralNumbers(RealInfrastructure infra) {
        try (SenderHarness h = new SenderHarness(infra, 12)) {
            Map<String, String> settings = new LinkedHashMap<>();
            List<String> ids = new ArrayList<>();
            StringBuilder names = new StringBuilder();
            for (int n = 0; n < NUMBERS; n++) {
                String name = "n" + n;
                String id = "1065403522" + String.format("%05d", n);
                ids.add(id);
                names.append(n == 0 ? "" : ",").append(name);
                settings.put("whatsapp.number." + name + ".phone-number-id", id);
                settings.put("whatsapp.number." + name + ".token", SenderHarness.TOKEN);
                settings.put("whatsapp.number." + name + ".rate", Integer.toString(RATE));
            }
            settings.put("whatsapp.numbers", names.toString());
            settings.put("sender.webhook.enabled", "false");
            settings.put("whatsapp.request-timeout", "PT10S");
            h.startSimulator(b -> {
                b.phoneNumberIds(ids).latency(LATENCY).maxRecordedMessages(MESSAGES + 1_000);
                ids.forEach(id -> b.throughputPerSecond(id, RATE));
            });
            List<WhatsAppRequest> requests = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                h.optIn("irrops/" + i, phone(300_000 + i));
                requests.add(Requests.gateChange("irrops-" + i, phone(300_000 + i), "irrops/" + i).build());
            }
            h.requests(requests);
            double loadBefore = load();
            SenderApp sender = h.startSender(settings);
            // Done when every request is decided: accepted, or in doubt (a call unanswered within the request
            // timeout on an overloaded machine; its kind is not resent) — counted and printed, not waited for.
            SenderHarness.await("all decided", Duration.ofMinutes(15), () -> sender.acceptedCount() + inDoubt(sender) >= MESSAGES);

            List<Instant> times = h.sim.accepted().stream().map(SentMessage::acceptedAt).sorted().toList();
            double seconds = Duration.between(times.get(0), times.get(times.size() - 1)).toMillis() / 1000.0;
            double ideal = (double) MESSAGES / (NUMBERS * RATE);
            System.out.printf("%nIRROPS %d numbers x %d msg/s, %d ms latency: %d messages, first to last accepted %.2f s, "
                            + "ideal %.2f s, ratio %.3f (goal <= 1.05), 130429: %d, in doubt: %d, load average %.1f before / "
                            + "%.1f after, %d cores%n%n", NUMBERS, RATE, LATENCY.toMillis(), times.size(), seconds, ideal,
                    seconds / ideal, h.sim.rejectionCount(GraphErrors.THROUGHPUT), inDoubt(sender), loadBefore, load(),
                    Runtime.getRuntime().availableProcessors());
        }
    }

    private static long inDoubt(SenderApp sender) {
        io.micrometer.core.instrument.Counter c = sender.meterRegistry().find("appcare.sender.dropped")
                .tag("reason", "in-doubt").counter();
        return c == null ? 0 : (long) c.count();
    }

    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
