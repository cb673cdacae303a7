package dev.appcare.app;

import static dev.appcare.app.IncidentHarness.flightEvent;
import static dev.appcare.app.IncidentHarness.flightKey;
import static dev.appcare.app.IncidentHarness.gateChange;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.app.demo.RoleGauges;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.Priority;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.Fault;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard ({@code docker/grafana/dashboards/appcare.json}) names only metrics the roles
 * really expose: a notifier, a sender and an opt-in API run on the real broker and do a little of
 * everything the dashboard shows (requests, accepted messages, a terminal error, an expired request,
 * webhooks, a passenger with nothing to send, a bad record, an opt-in), then every metric name in every
 * panel's query must appear in one of their {@code /metrics} pages.
 */
@IntegrationTest
class GrafanaDashboardMetricsIT {
    private static final Path DASHBOARD = Path.of("../../docker/grafana/dashboards/appcare.json");
    /** PromQL words that are not metric names. */
    private static final Set<String> PROMQL = Set.of("sum", "max", "min", "avg", "count", "rate", "increase", "by",
            "without", "histogram_quantile", "irate", "delta", "abs", "clamp_min", "on", "ignoring", "group_left", "offset");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void shouldNameOnlyMetricsTheRolesExpose(RealInfrastructure infra) throws Exception {
        Set<String> wanted = dashboardMetricNames();
        assertThat(wanted).as("the dashboard's metric names").hasSizeGreaterThan(10)
                .allSatisfy(n -> assertThat(n).startsWith("appcare_"));

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            new TopicProvisioner(admin, Topics.ALL, 2, (short) 1).apply();
        }
        String apiKey = "dashboard-it-key-0123456789abcdef0123456789";
        try (IncidentHarness h = new IncidentHarness(infra, 2, b -> { }, Map.of());
             // The opt-in API on the contract's own topics (provisioned above), the notifier and the sender on the harness's.
             LocalAppCare appcare = LocalAppCare.with(h.common())
                     .optin(Map.of("optin.http.port", "0", "optin.auth.key.it.secret", apiKey,
                             "optin.auth.key.it.permissions", "read,write,erase", "optin.transactional.id", "dashboard-it-optin"))
                     .notifier(h.notifierSettings(IncidentHarness.NO_SPACING))
                     .sender(h.senderSettings())
                     .start()) {
            h.awaitNotifierJoined();
            String flight = flightKey("3301");
            h.book("DASH01/1", flight);
            h.book("DASH01/2", flight); // not opted in: the notifier has nothing to send to them
            h.optIn("DASH01/1", "+31610000301");
            h.awaitNotifierTookIn();
            Instant departure = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
            h.send(Topics.FLIGHT_STATUS, flight, flightEvent("dash-delay-1", flight, 1, departure,
                    departure.plus(45, ChronoUnit.MINUTES), null, FlightStatus.DELAYED));
            h.awaitOr("the delay accepted", Duration.ofSeconds(60), () -> h.sim.acceptedCount() == 1);
            h.send(Topics.FLIGHT_STATUS, flight, flightEvent("dash-stale-0", flight, 0, departure, departure, null,
                    FlightStatus.SCHEDULED)); // older than what was applied: a stale event
            h.sim.faults().nextRequests(1, Fault.error(131026)); // undeliverable: terminal, an error by code
            h.request(gateChange("dash-terminal-1", "+31610000301", "DASH01/1", Priority.URGENT, Instant.now().plus(1, ChronoUnit.HOURS)));
            h.request(gateChange("dash-expired-1", "+31610000301", "DASH01/1", Priority.NORMAL, Instant.now().minusSeconds(5)));
            try (var raw = new KafkaProducer<String, byte[]>(Map.of("bootstrap.servers", infra.bootstrapServers()),
                    new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(h.topic(Topics.FLIGHT_STATUS), flight, new byte[]{1, 2, 3})).get(); // not Avro
            }
            HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + appcare.optinPort() + "/v1/travellers/DASH02/1/whatsapp"))
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"phone\":\"+31610000302\",\"locale\":\"nl\",\"kinds\":[\"DELAY\"],"
                            + "\"consent\":{\"givenAt\":\"" + Instant.now().minusSeconds(60) + "\",\"channel\":\"booking-web\",\"textVersion\":\"v1\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isIn(200, 201);

            RoleGauges gauges = new RoleGauges(infra.bootstrapServers(), Map.of());
            int[] ports = {appcare.notifier().healthPort(), appcare.sender().healthPort(), appcare.optin().managementPort()};
            Set<String>[] exposed = new Set[1];
            try {
                h.awaitOr("every metric of the dashboard on a role's /metrics", Duration.ofSeconds(60), () -> {
                    exposed[0] = new TreeSet<>();
                    for (int port : ports) {
                        gauges.metrics(port).forEach(s -> exposed[0].add(s.name()));
                    }
                    return exposed[0].containsAll(wanted);
                });
            } catch (AssertionError timedOut) {
                Set<String> missing = new TreeSet<>(wanted);
                missing.removeAll(exposed[0]);
                throw new AssertionError("the dashboard names metrics no role exposes: " + missing, timedOut);
            } finally {
                gauges.close();
            }
            assertThat(exposed[0]).containsAll(wanted);
        }
    }

    /** Every metric name in every target's expression, labels, ranges and {@code by (...)} left out. */
    static Set<String> dashboardMetricNames() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> exprs = dashboard.findValuesAsText("expr");
        Set<String> names = new TreeSet<>();
        for (String expr : exprs) {
            String bare = expr.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                    .replaceAll("\\b(by|without)\\s*\\([^)]*\\)", " ");
            Matcher m = NAME.matcher(bare);
            while (m.find()) {
                if (!PROMQL.contains(m.group())) {
                    names.add(m.group());
                }
            }
        }
        return names.stream().collect(Collectors.toCollection(TreeSet::new));
    }
}
