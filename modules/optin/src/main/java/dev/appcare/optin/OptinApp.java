package dev.appcare.optin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appcare.avro.ErasureAuditRecord;
import dev.appcare.avro.TravellerPreference;
import dev.appcare.avro.WhatsAppRequest;
import dev.appcare.model.BookingLife;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.CompactionTicker;
import dev.appcare.runtime.HealthServer;
import dev.appcare.runtime.HealthServer.Health;
import dev.appcare.runtime.Role;
import dev.appcare.model.serde.AvroSerde;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.model.topics.ErasureBound;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in API role: an HTTP service the booking site calls to opt travellers in to WhatsApp
 * messages, change or read their preference, opt them out, and erase them (GDPR).
 *
 * <pre>
 *   booking site ──HTTPS/JSON──► OptinHttpApi ──(not owned here)──► OwnerRouting ──HTTP──► the owning instance
 *                                      │ (owned here)
 *                                      ▼
 *                                 OptinService ──► PreferenceWriter (transactions)
 *                                      ▲                 ├─► traveller.preference.v1 (compacted)
 *                                      │                 └─► notify.whatsapp-request.v1 (confirmations)
 *                                      └── PreferenceStore ◄── Kafka Streams, the partitions this instance owns
 * </pre>
 *
 * <p>Input: HTTP calls, and {@code traveller.preference.v1} (its own writes, and the sender's opt-outs
 * after a STOP). Output: {@code traveller.preference.v1} and {@code notify.whatsapp-request.v1}.
 * State: the {@link PreferenceStore}, a RocksDB store of the partitions of {@code traveller.preference.v1}
 * this instance owns ({@link PreferenceTopology}; the topic is its changelog), in {@code optin.state.dir}. It also runs the {@link CompactionTicker} of {@code traveller.preference.v1} (every
 * {@code erasure.bound}/16), which makes the erasure bound hold on quiet partitions; {@link #stateSnapshot()} shows it for audits and erasure checks.
 *
 * <p>Run it with {@code appcare optin --config optin.properties} ({@link OptinCommand}); configuration
 * keys are in docs/optin-api.md.
 */
public final class OptinApp implements Role {
    private static final Logger log = LoggerFactory.getLogger(OptinApp.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final OptinSettings settings;
    private final ErasureBound erasure;
    private final Duration bookingMargin;
    private final PrometheusMeterRegistry metrics;
    private final Clock clock;
    private final List<AutoCloseable> started = new ArrayList<>();
    private Admin admin;
    private PreferenceStore store;
    private PreferenceWriter writer;
    private OptinHttpApi api;
    private HealthServer management;
    private boolean stopped;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean failed;

    /** Reads and checks the configuration; nothing starts yet. */
    public OptinApp(AppConfig config) {
        this(config, HealthServer.newMeterRegistry(), Clock.systemUTC());
    }

    public OptinApp(AppConfig config, PrometheusMeterRegistry metrics) {
        this(config, metrics, Clock.systemUTC());
    }

    OptinApp(AppConfig config, PrometheusMeterRegistry metrics, Clock clock) {
        this.settings = OptinSettings.from(config);
        this.erasure = ErasureBound.from(config.asMap());
        this.bookingMargin = config.getDuration("optin.preference.margin", BookingLife.DEFAULT_MARGIN);
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Connects to Kafka, rebuilds the preference table from the topic and starts serving HTTP. Returns
     * once the table has caught up (the health endpoint answers DOWN until then).
     *
     * @throws IllegalStateException if a topic is missing, Kafka is unreachable, or catching up takes
     *                               longer than {@code optin.startup.timeout}
     */
    public synchronized OptinApp start() {
        log.info("Starting the opt-in API: {}", settings);
        try {
            TemplateCatalogue catalogue = settings.templateCatalogue();
            Map<String, Object> adminConfig = new LinkedHashMap<>(settings.kafkaClientConfig());
            adminConfig.putIfAbsent("client.id", settings.transactionalId() + "-admin");
            admin = track(Admin.create(adminConfig));
            requireTopics();

            AvroSerde<TravellerPreference> preferenceSerde = AvroSerde.forValues(TravellerPreference.class, settings.serdeConfig());
            AvroSerde<WhatsAppRequest> requestSerde = AvroSerde.forValues(WhatsAppRequest.class, settings.serdeConfig());

            store = track(new PreferenceStore(settings.preferenceTopic(), settings.streamsProperties(),
                    preferenceSerde.deserializer(), admin, metrics));
            writer = track(new PreferenceWriter(settings.kafkaClientConfig(), settings.transactionalId(),
                    settings.writeTimeout(), metrics));
            writer.start();
            // The owner of traveller.preference.v1 keeps its partitions rolling, so erasures are cleaned in time.
            track(CompactionTicker.start(settings.kafkaClientConfig(), List.of(settings.preferenceTopic()), erasure));

            OptinService service = new OptinService(store, writer,
                    new ConfirmationRequests(catalogue, settings.confirmationTimeToLive(), settings.preferenceTopic()),
                    new TopicRecords<>(settings.preferenceTopic(), preferenceSerde.serializer()),
                    new TopicRecords<>(settings.requestTopic(), requestSerde.serializer()),
                    settings.writeTimeout(), settings.readTimeout(), clock, metrics,
                    new ErasureAudit(new TopicRecords<>(settings.auditTopic(),
                            AvroSerde.forValues(ErasureAuditRecord.class, settings.serdeConfig()).serializer()),
                            settings.transactionalId()));
            OwnerRouting routing = new OwnerRouting(store, settings.readTimeout(),
                    settings.writeTimeout().plus(settings.readTimeout()).plusSeconds(2), metrics, track(OwnerRouting.client()));
            api = new OptinHttpApi(settings, service, new OptInRequestParser(catalogue, clock, bookingMargin),
                    new PreferenceJson(new ObjectMapper(), catalogue), metrics, routing);
            // Health and metrics on a port of their own (least privilege): the API port serves only the API.
            management = track(new HealthServer(settings.managementHost(), settings.managementPort(), metrics)
                    .check("preferenceTable", () -> store.problem().map(Health::down)
                            .orElseGet(() -> Health.up(store.state() + ", about " + store.size() + " travellers in the partitions owned here")))
                    .check("writer", () -> writer.problem().map(Health::down)
                            .orElseGet(() -> Health.up("transactional producer ready")))
                    .check("http", () -> api.draining() ? Health.down("shutting down") : Health.up("serving"))
                    .start());
            // The API first: its port is what the store advertises to the other instances (application.server).
            // Until the store runs, calls answer 503 with Retry-After.
            api.start();
            started.add(0, () -> api.stop(SHUTDOWN_GRACE));
            store.onFailure(this::failForGood);
            store.start(settings.applicationServer(api.port()));

            if (!store.awaitRunning(settings.startupTimeout()) || !store.awaitCaughtUp(settings.startupTimeout())) {
                throw new IllegalStateException("the preference store did not restore " + settings.preferenceTopic()
                        + " within " + settings.startupTimeout() + ": " + store.problem().orElse("?"));
            }
            log.info("Opt-in API ready on http://{}:{} (advertised to the other instances as {}), health and metrics on http://{}:{}",
                    settings.host(), api.port(), store.self(), settings.managementHost(), management.port());
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private void requireTopics() {
        Set<String> wanted = Set.of(settings.preferenceTopic(), settings.requestTopic(), settings.auditTopic());
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get(settings.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + settings.bootstrapServers() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        List<String> missing = wanted.stream().filter(t -> !existing.contains(t)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("missing topic(s) " + missing + "; create AppCare's topics first (appcare topics create)");
        }
    }

    /** The HTTP port (useful when configured as 0). */
    public int port() {
        if (api == null) {
            throw new IllegalStateException("not started");
        }
        return api.port();
    }

    /** The management port of {@code /health} and {@code /metrics} (useful when configured as 0). */
    public int managementPort() {
        if (management == null) {
            throw new IllegalStateException("not started");
        }
        return management.port();
    }

    /**
     * A copy of everything this instance holds about travellers: its only state (the partitions of the
     * preference store it owns), keyed by traveller key. After an erasure, no value here mentions the
     * erased phone number.
     */
    public Map<String, TravellerPreference> stateSnapshot() {
        return store == null ? Map.of() : store.snapshot();
    }

    /** The preference store failed for good: stop (on a thread of its own, not Kafka Streams') and exit non-zero. */
    private void failForGood() {
        failed = true;
        log.error("Opt-in API stopping: its preference store's Kafka Streams is in ERROR; exiting so that it is restarted");
        Thread stopper = new Thread(this::stop, "optin-fatal-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    @Override
    public boolean awaitTermination() throws InterruptedException {
        terminated.await();
        return failed;
    }

    /** Stops taking calls, lets the ones under way finish, commits what is queued, and closes everything. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        for (AutoCloseable closeable : started) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("Error while stopping: {}", e.toString());
            }
        }
        started.clear();
        terminated.countDown();
        log.info("Opt-in API stopped");
    }

    /** Remembers what to close, most recent first. */
    private <T extends AutoCloseable> T track(T closeable) {
        started.add(0, closeable);
        return closeable;
    }
}
