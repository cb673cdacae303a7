package dev.appcare.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * {@code appcare ops trace} of a traveller from the demo ({@code appcare demo}, run here as it is run on
 * the local stack): Sanne's whole story in time order — booking, opt-in, every flight event, the
 * notifier's decisions, the requests and their statuses — including the 5-minute flap and the re-sent
 * delay that sent her nothing, each with the reason the notifier recorded (rule N11).
 */
@IntegrationTest
class DemoTraceIT {
    private static final Pattern SANNE = Pattern.compile("(D[0-9A-F]{6}A/1)\\s+Sanne");

    @Test
    void shouldTellADemoTravellersWholeStoryFlapIncluded(RealInfrastructure infra) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            new TopicProvisioner(admin, Topics.ALL, 2, (short) 1).apply();
        }
        String demoOut = runDemo(infra);
        Matcher m = SANNE.matcher(demoOut);
        assertThat(m.find()).as("the demo names Sanne's traveller key:%n%s", demoOut).isTrue();
        String sanne = m.group(1);
        String run = sanne.substring(1, 7);

        String text = trace(infra, "--traveller", sanne);
        List<String> lines = text.lines().toList();
        // Her booking and opt-in, then the day in order.
        assertThat(text).contains("booking " + sanne + " on KL1001/").contains("preference of " + sanne + ": OPTED_IN nl +31*******01")
                .doesNotContain("+31612345601");
        int scheduled = indexOf(lines, "event KL1001/", "SCHEDULED seq 1");
        int firstGate = indexOf(lines, "request GATE_CHANGE gate_change/nl");
        int delay = indexOf(lines, "request DELAY flight_delay/nl");
        int announced = indexOf(lines, "decision on KL1001/", "event demo-" + run + "-kl1001-2: ANNOUNCED (CHANGED):"
                + " fanned out to 5 active passengers");
        int requested = indexOf(lines, "decision for " + sanne + " on event demo-" + run + "-kl1001-2: REQUESTED DELAY (WITHIN_BUDGET)");
        int resent = indexOf(lines, "decision on KL1001/", "event demo-" + run + "-kl1001-2: SUPPRESSED (DUPLICATE):"
                + " event already applied (same eventId, sequence 2)");
        int flapEvent = indexOf(lines, "event KL1001/", "DELAYED seq 3");
        int flap = indexOf(lines, "decision for " + sanne + " on event demo-" + run + "-kl1001-3: SUPPRESSED DELAY (BELOW_THRESHOLD):");
        int gate = indexOf(lines, "request GATE_CHANGE gate_change/nl", "supersedes");
        int pass = indexOf(lines, "request BOARDING_PASS boarding_pass/nl");
        int boarding = indexOf(lines, "request BOARDING boarding_started/nl");
        assertThat(List.of(scheduled, firstGate, announced, requested, resent, flapEvent, flap, gate, pass, boarding))
                .as("in time order:%n%s", text).isSorted();
        assertThat(List.of(announced, requested, delay)).as("the delay decided, then requested:%n%s", text)
                .allMatch(i -> i < resent);
        assertThat(lines.get(flap)).as("the flap: est +50 min after +45 told").contains(" is 5 min from the ")
                .contains("told, threshold 15 min");
        assertThat(text).as("every event has recorded decisions: nothing is guessed").doesNotContain("no message to")
                .doesNotContain("no new message");
        assertThat(text.lines().filter(l -> l.contains("status ACCEPTED"))).as("each of her messages accepted")
                .hasSizeGreaterThanOrEqualTo(4);

        JsonNode json = new ObjectMapper().readTree(trace(infra, "--traveller", sanne, "--json"));
        assertThat(json.size()).isEqualTo(lines.size());
        assertThat(json.findValuesAsText("kind")).contains("EVENT", "DECISION", "REQUEST", "STATUS", "PREFERENCE", "BOOKING");
        JsonNode flapJson = json.get(flap);
        assertThat(flapJson.get("kind").asText()).isEqualTo("DECISION");
        assertThat(flapJson.get("topic").asText()).isEqualTo(Topics.NOTIFIER_DECISION.name());
        assertThat(flapJson.get("eventId").asText()).isEqualTo("demo-" + run + "-kl1001-3");
        assertThat(flapJson.get("details").get("outcome").asText()).isEqualTo("SUPPRESSED");
        assertThat(flapJson.get("details").get("reason").asText()).isEqualTo("BELOW_THRESHOLD");
        assertThat(flapJson.get("details").get("kind").asText()).isEqualTo("DELAY");
        assertThat(flapJson.get("details").get("travellerKey").asText()).isEqualTo(sanne);
    }

    private static int indexOf(List<String> lines, String... parts) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (java.util.Arrays.stream(parts).allMatch(line::contains)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + List.of(parts) + " in:\n" + String.join("\n", lines));
    }

    private static String runDemo(RealInfrastructure infra) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = AppCare.commandLine().execute("demo", "--bootstrap-servers", infra.bootstrapServers(),
                    "--schema-registry-url", infra.schemaRegistryUrl(), "--flights", "3", "--minutes", "1", "--page-port", "0");
            assertThat(exit).isZero();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        return out;
    }

    private static String trace(RealInfrastructure infra, String... args) {
        StringWriter out = new StringWriter();
        var cli = AppCare.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        List<String> all = new java.util.ArrayList<>(List.of("ops", "trace"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap-servers", infra.bootstrapServers(), "--schema-registry-url", infra.schemaRegistryUrl()));
        int exit = cli.execute(all.toArray(String[]::new));
        System.out.println("$ appcare ops trace " + String.join(" ", args) + "\n" + out);
        assertThat(exit).isZero();
        return out.toString();
    }
}
