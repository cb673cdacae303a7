package dev.appcare.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appcare.avro.FlightLegEnd;
import dev.appcare.avro.FlightStatus;
import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.PassengerSegment;
import dev.appcare.avro.SegmentStatus;
import dev.appcare.care.CareApp;
import dev.appcare.model.Keys;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.ClientSettings;
import dev.appcare.model.serde.AvroSerializer;
import dev.appcare.model.topics.Topics;
import dev.appcare.testkit.Await;
import dev.appcare.testkit.AuthenticatingRegistryProxy;
import dev.appcare.testkit.IntegrationTest;
import dev.appcare.testkit.KafkaBroker;
import dev.appcare.testkit.RealInfrastructure;
import dev.appcare.whatsappsim.WhatsAppSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client on a secured cluster: a broker of its own whose only client listener is SASL_SSL
 * (PLAIN over TLS with a throwaway certificate for 127.0.0.1, host name verification on; standard
 * authorizer), and one properties file with the client settings — the same file for the
 * tools ({@code appcare topics create --config}, {@code appcare schemas register --config},
 * {@code appcare ops trace --command-config}) and for the
 * roles (opt-in API, notifier with its Admin client and ticker, sender, care with its start-up check and
 * ticker), read by {@link ClientSettings}. A client without those settings cannot even list topics; with
 * them the whole pipeline runs: opt-in, confirmation delivered, booking, delay delivered, and a message
 * from the traveller answered by care. A client with the SASL settings but without the trust store is
 * refused at the TLS handshake: {@code topics create} says so in one line and creates nothing.
 *
 * <p>The schema registry speaks only HTTPS (same certificate) and enforces basic auth too
 * ({@link AuthenticatingRegistryProxy} in front of the test kit's Apicurio: Apicurio itself authenticates
 * only through an OpenID Connect provider); the file carries {@code schema.registry.ssl.truststore.*},
 * without which {@code schemas register} fails at the handshake and reaches nothing. The same file
 * carries {@code basic.auth.user.info}; without it {@code schemas register} and a role's serializer fail
 * with HTTP 401 and the name of the setting to check, and nothing reaches the registry. Then the same with
 * a registry that takes a bearer token ({@link AuthenticatingRegistryProxy#startBearer}): with
 * {@code bearer.auth.token} in the file {@code schemas register} and the opt-in API (which encodes every
 * write with the registry) work; without it {@code schemas register} fails with the one-line 401 error,
 * the opt-in API answers 503 and writes nothing, and the registry saw none of their requests.
 */
@IntegrationTest
class SecuredClusterIT {
    private static final String PHONE = "+31687650077";
    private static final String KEY = "secured-test-key-0123456789abcdefghij";
    private static final String REGISTRY_USER = "appcare-it";
    private static final String REGISTRY_PASSWORD = "registry-secret-0123456789";
    private static final String REGISTRY_TOKEN = "registry-bearer-token-0123456789abcdef";

    @Test
    void shouldRunTheToolsAndThePipelineOnASaslCluster(RealInfrastructure infra, @TempDir Path dir) throws Exception {
        try (KafkaBroker broker = KafkaBroker.startSaslSsl(Map.of());
             AuthenticatingRegistryProxy registry = AuthenticatingRegistryProxy.startHttps(infra.registry(), broker.tls(),
                     REGISTRY_USER, REGISTRY_PASSWORD)) {
            assertThat(registry.url()).startsWith("https://127.0.0.1:");
            Path clientFile = dir.resolve("client.properties");
            StringBuilder file = clientProperties(broker, registry);
            // The SASL settings and credentials, but neither trust store: refused at the handshakes.
            Path noTrustStore = dir.resolve("client-no-truststore.properties");
            Files.writeString(noTrustStore, file.toString().lines().filter(line -> !line.contains(".ssl.truststore."))
                    .map(line -> line + "\n").collect(java.util.stream.Collectors.joining())
                    + "basic.auth.user.info=" + REGISTRY_USER + ":" + REGISTRY_PASSWORD + "\n");
            // The same settings without the registry's credentials, then the full file with them.
            Path noRegistryAuth = dir.resolve("client-no-registry-auth.properties");
            Files.writeString(noRegistryAuth, file);
            file.append("basic.auth.user.info=").append(REGISTRY_USER).append(':').append(REGISTRY_PASSWORD).append('\n');
            Files.writeString(clientFile, file);
            AppConfig clients = AppConfig.load(clientFile, Map.of(), Map.of());
            assertThat(ClientSettings.kafka(clients)).containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "PLAIN").containsKey("ssl.truststore.location")
                    .doesNotContainKey("ssl.endpoint.identification.algorithm");
            assertThat(ClientSettings.registry(clients, "")).containsKey("schema.registry.ssl.truststore.location");

            // Without the settings: refused.
            try (Admin plain = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers(),
                    "default.api.timeout.ms", 3000, "request.timeout.ms", 2000))) {
                assertThatThrownBy(() -> plain.listTopics().names().get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
            }

            // Without the trust stores: one line each, nothing created, nothing reached the registry.
            Run untrusted = appcare("topics", "create", "--config", noTrustStore.toString(), "--partitions", "2",
                    "--replication-factor", "1", "--erasure-bound", "PT1H");
            assertThat(untrusted.exit()).as(untrusted.out() + untrusted.err()).isEqualTo(3);
            assertThat(untrusted.err()).startsWith("topics create: the cluster refused the connection (SslAuthenticationException")
                    .contains("check kafka.security.protocol, kafka.ssl.truststore.* and kafka.sasl.*")
                    .doesNotContain("\tat ");
            assertThat(untrusted.err().strip().lines()).as("one line").hasSize(1);
            try (Admin admin = Admin.create(ClientSettings.kafka(clients))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("nothing created").isEmpty();
            }
            Run untrustedRegistry = appcare("schemas", "register", "--config", noTrustStore.toString());
            assertThat(untrustedRegistry.exit()).as(untrustedRegistry.out() + untrustedRegistry.err()).isEqualTo(3);
            assertThat(untrustedRegistry.err()).startsWith("schemas register: Schema registry's TLS handshake failed (SSLHandshakeException")
                    .contains("check schema.registry.ssl.truststore.*");
            assertThat(registry.forwarded() + registry.refused()).as("no request reached the proxy's handler").isZero();

            // The tools, through the same file.
            Run topics = appcare("topics", "create", "--config", clientFile.toString(), "--partitions", "2",
                    "--replication-factor", "1", "--erasure-bound", "PT1H");
            assertThat(topics.exit()).as(topics.out()).isZero();
            assertThat(topics.out()).contains("CREATE").contains(Topics.TRAVELLER_PREFERENCE.name());
            Run unauthenticated = appcare("schemas", "register", "--config", noRegistryAuth.toString());
            assertThat(unauthenticated.exit()).as(unauthenticated.out()).isEqualTo(3);
            assertThat(unauthenticated.err()).startsWith("schemas register: Schema registry answered HTTP 401")
                    .contains("check basic.auth.user.info / bearer.auth.token").doesNotContain("Exception");
            assertThat(registry.forwarded()).as("nothing reached the registry").isZero();
            assertThatThrownBy(() -> serializer(ClientSettings.registry(AppConfig.load(noRegistryAuth, Map.of(), Map.of()), ""))
                    .serialize(Topics.FLIGHT_STATUS.name(), flight("KL1234/2026-11-23/AMS", Instant.now(), 0)))
                    .as("a role's serializer without credentials").hasMessageContaining("HTTP 401")
                    .hasMessageContaining("basic.auth.user.info");
            Run schemas = appcare("schemas", "register", "--config", clientFile.toString());
            assertThat(schemas.exit()).as(schemas.out() + schemas.err()).isZero();
            assertThat(schemas.out()).contains(Topics.ERASURE_AUDIT.valueSubject());
            assertThat(registry.forwarded()).isGreaterThanOrEqualTo(2L * Topics.ALL.size());
            Run again = appcare("topics", "create", "--config", clientFile.toString(), "--dry-run", "--erasure-bound", "PT1H");
            assertThat(again.exit()).as(again.out()).isZero();
            assertThat(again.out()).contains("UP_TO_DATE").doesNotContain("DIFFERS").doesNotContain("WARN");
            // A bound this broker's retention check and cleaner (Kafka's defaults) cannot keep: said per broker.
            Run tooShort = appcare("topics", "create", "--config", clientFile.toString(), "--dry-run", "--erasure-bound", "PT1M");
            assertThat(tooShort.out()).contains("DIFFERS")
                    .containsPattern("WARN broker \\d+: log\\.retention\\.check\\.interval\\.ms = 300000 is over B/8 = 7500 ms")
                    .containsPattern("WARN broker \\d+: log\\.cleaner\\.backoff\\.ms = 15000 is over B/16 = 3750 ms");
            try (Admin admin = Admin.create(ClientSettings.kafka(clients))) {
                Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(names).containsAll(Topics.ALL.stream().map(t -> t.name()).toList());
            }

            long refusedBefore = registry.refused();
            pipeline(clientFile);
            assertThat(registry.refused()).as("every role sent the credentials").isEqualTo(refusedBefore);

            bearerToken(infra, broker, dir);
        }
    }

    /** The tools and a role against a registry that takes only {@code Authorization: Bearer <token>}. */
    private void bearerToken(RealInfrastructure infra, KafkaBroker broker, Path dir) throws Exception {
        // Two proxies, so two URLs: a JVM shares one registry client per URL and credentials
        // (SchemaRegistryClients), and the role's lookups must not be answered from the tools' cache.
        try (AuthenticatingRegistryProxy tools = AuthenticatingRegistryProxy.startBearerHttps(infra.registry(), broker.tls(), REGISTRY_TOKEN);
             AuthenticatingRegistryProxy role = AuthenticatingRegistryProxy.startBearerHttps(infra.registry(), broker.tls(), REGISTRY_TOKEN)) {
            BearerFiles toolFiles = bearerFiles(broker, tools, dir.resolve("tools-"));
            BearerFiles roleFiles = bearerFiles(broker, role, dir.resolve("role-"));

            for (Path refusedFile : new Path[] {toolFiles.noToken(), toolFiles.basic()}) {
                Run refused = appcare("schemas", "register", "--config", refusedFile.toString());
                assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(3);
                assertThat(refused.err()).startsWith("schemas register: Schema registry answered HTTP 401")
                        .contains("check basic.auth.user.info / bearer.auth.token").doesNotContain("Exception");
                assertThat(refused.err().strip().lines()).as("one line").hasSize(1);
            }
            assertThat(tools.forwarded()).as("nothing reached the registry").isZero();
            assertThat(tools.refused()).isGreaterThanOrEqualTo(2);
            Run schemas = appcare("schemas", "register", "--config", toolFiles.withToken().toString());
            assertThat(schemas.exit()).as(schemas.out() + schemas.err()).isZero();
            assertThat(schemas.out()).contains(Topics.TRAVELLER_PREFERENCE.valueSubject());
            assertThat(tools.forwarded()).isGreaterThanOrEqualTo(2L * Topics.ALL.size());

            // A role: the opt-in API encodes each write with the registry. Without the token the write is
            // refused (503) and nothing reaches the registry; with it the opt-in is written (201), the role's
            // lookups pass and the registry refused none of them.
            String put = "{\"phone\":\"+31687650078\",\"locale\":\"nl\",\"kinds\":[\"DELAY\"],\"consent\":{\"givenAt\":\""
                    + Instant.now().minusSeconds(60) + "\",\"channel\":\"booking-web\",\"textVersion\":\"v1\"}}";
            assertThat(optInThrough(roleFiles.noToken(), "secured-it-optin-no-token", "SECU42/3", put)).isEqualTo(503);
            assertThat(role.refused()).as("the role asked without a token").isPositive();
            assertThat(role.forwarded()).isZero();
            long refusedBefore = role.refused();
            assertThat(optInThrough(roleFiles.withToken(), "secured-it-optin-bearer", "SECU42/2", put)).isEqualTo(201);
            assertThat(role.refused()).as("the role sent the token").isEqualTo(refusedBefore);
            assertThat(role.forwarded()).as("the role's lookups went through").isPositive();
        }
    }

    /** Starts an opt-in API with the client settings of {@code file}, makes one opt-in, stops it; the HTTP status. */
    private static int optInThrough(Path file, String transactionalId, String traveller, String body) throws Exception {
        try (LocalAppCare local = LocalAppCare.with(AppConfig.load(file, Map.of(), Map.of()).asMap())
                .optin(Map.of("optin.http.port", "0", "optin.auth.key.it.secret", KEY,
                        "optin.auth.key.it.permissions", "read,write", "optin.transactional.id", transactionalId)).start()) {
            return http(local.optinPort(), "PUT", "/v1/travellers/" + traveller + "/whatsapp", body);
        }
    }

    record BearerFiles(Path noToken, Path basic, Path withToken) {
    }

    /** Properties files for a bearer-token registry: without credentials, with basic ones (refused too), with the token. */
    private static BearerFiles bearerFiles(KafkaBroker broker, AuthenticatingRegistryProxy registry, Path prefix) throws Exception {
        StringBuilder file = clientProperties(broker, registry);
        BearerFiles files = new BearerFiles(Path.of(prefix + "no-token.properties"), Path.of(prefix + "basic.properties"),
                Path.of(prefix + "bearer.properties"));
        Files.writeString(files.noToken(), file);
        Files.writeString(files.basic(), file + "basic.auth.user.info=" + REGISTRY_USER + ":" + REGISTRY_PASSWORD + "\n");
        Files.writeString(files.withToken(), file + "bearer.auth.token=" + REGISTRY_TOKEN + "\n");
        return files;
    }

    private void pipeline(Path clientFile) throws Exception {
        try (WhatsAppSimulator whatsapp = SimulatedWhatsApp.builder().start()) {
            AppConfig clients = AppConfig.load(clientFile, Map.of(), Map.of());
            try (LocalAppCare local = LocalAppCare.with(clients.asMap())
                    .optin(Map.of("optin.http.port", "0", "optin.auth.key.it.secret", KEY,
                            "optin.auth.key.it.permissions", "read,write,erase", "optin.transactional.id", "secured-it-optin"))
                    .notifier(Map.of("notifier.application.id", "secured-it-notifier",
                            "notifier.health.port", "0",
                            "notifier.state.dir", Files.createTempDirectory("secured-it").toString()))
                    .sender(SimulatedWhatsApp.sender(whatsapp, "secured-it-sender", 0))
                    .care(Map.of("care.application.id", "secured-it-care",
                            "care.health.port", "0",
                            "care.state.dir", Files.createTempDirectory("secured-it-care").toString()))
                    .start()) {
                // Every port is the system's choice (0): the simulator learns the webhook's once it is bound.
                whatsapp.webhookUrl(SimulatedWhatsApp.webhookUrl(local.sender().webhookPort()));
                CareApp care = local.care();
                String flight = Keys.flightKey("KL", "1234", LocalDate.now(ZoneId.of("Europe/Amsterdam")), "AMS");
                assertThat(http(local.optinPort(), "PUT", "{\"phone\":\"" + PHONE + "\",\"locale\":\"nl\",\"kinds\":[\"DELAY\"],"
                        + "\"consent\":{\"givenAt\":\"" + Instant.now().minusSeconds(60) + "\",\"channel\":\"booking-web\",\"textVersion\":\"v1\"}}"))
                        .isEqualTo(201);
                await("the confirmation delivered", () -> whatsapp.acceptedFor(PHONE).size() == 1);
                Map<String, Object> producerConfig = new HashMap<>(ClientSettings.kafka(clients));
                producerConfig.put("acks", "all");
                try (var producer = new KafkaProducer<String, SpecificRecord>(producerConfig, new StringSerializer(),
                        serializer(ClientSettings.registry(clients, "")))) {
                    producer.send(new ProducerRecord<>(Topics.PASSENGER_SEGMENT.name(), Keys.segmentKey("SECU42/1", flight),
                            PassengerSegment.newBuilder().setTravellerKey("SECU42/1").setFlightKey(flight)
                                    .setStatus(SegmentStatus.ACTIVE).setGivenName("Eva").setUpdatedAt(Instant.now()).build())).get();
                    Instant departure = Instant.now().plus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
                    // The roster must hold the booking before a flight change reaches it: each round publishes a
                    // newer event with a further delay (a material change, N2/N3) until the traveller has one.
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    for (int n = 1; whatsapp.acceptedFor(PHONE).size() < 2 && System.nanoTime() < deadline; n++) {
                        producer.send(new ProducerRecord<>(Topics.FLIGHT_STATUS.name(), flight, flight(flight, departure, n))).get();
                        Await.holdsWithin(Duration.ofSeconds(5), () -> whatsapp.acceptedFor(PHONE).size() >= 2);
                    }
                }
                assertThat(whatsapp.acceptedFor(PHONE)).extracting(m -> m.templateName())
                        .startsWith("optin_confirmation").contains("flight_delay").containsOnly("optin_confirmation", "flight_delay");
                // The traveller writes: sender's webhook → care.inbound.v1 → care → a text back, all over SASL.
                whatsapp.simulateInboundText(PHONE, "Hoeveel bagage mag ik meenemen?");
                await("care's answer delivered", () -> whatsapp.acceptedFor(PHONE).stream().anyMatch(m -> "text".equals(m.type())));
                assertThat(care.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
                // Ops through the roles' own file: what AppCare did for the traveller, numbers masked.
                Run trace = appcare("ops", "trace", "--traveller", "SECU42/1", "--command-config", clientFile.toString());
                assertThat(trace.exit()).as(trace.out() + trace.err()).isZero();
                assertThat(trace.out()).contains("DELAY").doesNotContain(PHONE);
            }
        }
    }

    /**
     * The client settings of a properties file for {@code broker} and {@code registry}, without registry
     * credentials: the broker's SASL and trust store settings under {@code kafka.}, the registry's trust store
     * (the same certificate) under Confluent's keys.
     */
    private static StringBuilder clientProperties(KafkaBroker broker, AuthenticatingRegistryProxy registry) {
        StringBuilder file = new StringBuilder("kafka.bootstrap.servers=" + broker.bootstrapServers() + "\n"
                + "schema.registry.url=" + registry.url() + "\n"
                + "schema.registry.ssl.truststore.location=" + broker.tls().trustStore() + "\n"
                + "schema.registry.ssl.truststore.password=" + broker.tls().password() + "\n"
                + "schema.registry.ssl.truststore.type=" + dev.appcare.testkit.TlsMaterial.STORE_TYPE + "\n");
        broker.clientSecurityConfig().forEach((k, v) -> file.append("kafka.").append(k).append('=')
                .append(v.toString().replace("\\", "\\\\")).append('\n'));
        return file;
    }

    record Run(int exit, String out, String err) {
    }

    private static Run appcare(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        PrintStream before = System.out;
        PrintStream beforeErr = System.err;
        int exit;
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
             PrintStream captureErr = new PrintStream(errors, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(captureErr);
            exit = AppCare.commandLine().execute(args);
        } finally {
            System.setOut(before);
            System.setErr(beforeErr);
        }
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(90), condition);
    }

    private static FlightStatusEvent flight(String flight, Instant departure, int n) {
        return FlightStatusEvent.newBuilder().setEventId("secured-it-" + n).setEventTime(Instant.now()).setSequence(n)
                .setFlightKey(flight).setCarrier("KL").setFlightNumber("1234").setOriginDate(LocalDate.now(ZoneId.of("Europe/Amsterdam")))
                .setDeparture(FlightLegEnd.newBuilder().setAirport("AMS").setTimeZone("Europe/Amsterdam")
                        .setScheduled(departure).setEstimated(departure.plus(20L + 20L * n, ChronoUnit.MINUTES)).build())
                .setArrival(FlightLegEnd.newBuilder().setAirport("LHR").setTimeZone("Europe/London")
                        .setScheduled(departure.plus(80, ChronoUnit.MINUTES)).build())
                .setStatus(FlightStatus.DELAYED).setSource("it").build();
    }

    private static int http(int port, String method, String body) throws Exception {
        return http(port, method, "/v1/travellers/SECU42/1/whatsapp", body);
    }

    private static int http(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @SuppressWarnings("unchecked")
    private static AvroSerializer<SpecificRecord> serializer(Map<String, Object> registry) {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
        serializer.configure(registry, false);
        return serializer;
    }
}
