package dev.appcare.sender;

import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.HealthServer;
import dev.appcare.model.topics.Topics;
import dev.appcare.sender.state.PreferenceView;
import dev.appcare.sender.state.RecordWriter;
import dev.appcare.sender.state.SendLedger;
import dev.appcare.sender.state.StateStores;
import dev.appcare.sender.state.WebhookEvents;
import dev.appcare.sender.webhook.SignatureVerifier;
import dev.appcare.sender.webhook.WebhookProcessor;
import dev.appcare.sender.webhook.WebhookServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender role: delivers {@code notify.whatsapp-request.v1} through the WhatsApp Cloud API, once per
 * messageId, at the business number's ceiling; serves the WhatsApp webhook.
 *
 * <ul>
 *   <li>reads {@code notify.whatsapp-request.v1} (group {@code sender.group-id}), {@code sender.ledger.v1}
 *       (the partitions it owns, co-partitioned with the requests) and {@code traveller.preference.v1}
 *       (whole), both into RocksDB stores under {@code sender.state.dir}, not the heap;</li>
 *   <li>writes {@code sender.ledger.v1}, {@code notify.whatsapp-status.v1},
 *       {@code notify.whatsapp-request.dlq.v1} and {@code traveller.preference.v1} (opt-outs from STOP);</li>
 *   <li>serves the webhook on {@code sender.webhook.host:port} and {@code /health} + {@code /metrics} on
 *       {@code sender.health.host:port}.</li>
 * </ul>
 *
 * Run it with {@code appcare sender} ({@link SenderCommand}); see {@code docs/sender.md} and {@link SendPipeline}.
 */
public final class SenderApp implements dev.appcare.runtime.Role {
    private static final Logger log = LoggerFactory.getLogger(SenderApp.class);

    private final SenderConfig config;
    private final LongSupplier clock;
    private final PrometheusMeterRegistry registry = HealthServer.newMeterRegistry();
    private final SenderMetrics metrics = new SenderMetrics(registry);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final SenderClients clients;
    private RecordWriter writer;
    private StateStores stateStores;
    private SendLedger ledger;
    private PreferenceView preferences;
    /** Shared webhook dedup ({@code sender.webhook-event.v1}); null without the webhook. */
    private WebhookEvents webhookEvents;
    /**
     * A webhook event claimed but not finished this long ago is taken over by the next delivery: its claimer
     * died. Longer than any claimer takes (its writes retry within the producer's 2 min delivery timeout).
     */
    private static final Duration WEBHOOK_TAKEOVER = Duration.ofMinutes(5);
    private NumberChannels channels;
    private SendPipeline pipeline;
    private volatile RequestConsumerLoop consumerLoop;
    private Dispatcher dispatcher;
    private volatile String fatal;
    private Thread consumerThread;
    private WebhookServer webhook;
    private HealthServer health;
    private SenderHousekeeping housekeeping;
    private volatile boolean running;

    public SenderApp(SenderConfig config) {
        this(config, System::currentTimeMillis);
    }

    /** With the clock every decision reads (expiry, ledger, webhook times); tests pass a scenario clock. */
    public SenderApp(SenderConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        this.clients = new SenderClients(config);
    }

    public static SenderApp fromConfig(AppConfig config) {
        return new SenderApp(SenderConfig.from(config));
    }

    /** Starts everything and returns once the sender is consuming (ledger and preferences read). */
    public synchronized SenderApp start() {
        if (running) {
            return this;
        }
        log.info("Starting the sender: {}", config);
        String clientId = "appcare-sender-" + SenderClients.hostName();
        String instanceId = clientId + "-" + UUID.randomUUID().toString().substring(0, 8);
        writer = new RecordWriter(new KafkaProducer<>(clients.producerProperties(clientId), new StringSerializer(),
                new ByteArraySerializer()), config.topics(), config.serdeConfig());
        stateStores = new StateStores(config.state().dir(), instanceId, config.state().memoryBytes());
        ledger = new SendLedger(config.topics().name(Topics.SENDER_LEDGER), clients.viewConsumer(clientId + "-ledger"),
                Topics.SENDER_LEDGER.valueSerde(config.serdeConfig()).deserializer(), writer, stateStores);
        preferences = new PreferenceView(config.topics().name(Topics.TRAVELLER_PREFERENCE),
                clients.viewConsumer(clientId + "-preferences"),
                Topics.TRAVELLER_PREFERENCE.valueSerde(config.serdeConfig()).deserializer(), writer, stateStores);
        webhookEvents = config.webhookEnabled() ? new WebhookEvents(config.topics().name(Topics.WEBHOOK_EVENTS),
                clients.viewConsumer(clientId + "-webhook-events"),
                Topics.WEBHOOK_EVENTS.valueSerde(config.serdeConfig()).deserializer(), writer, stateStores, instanceId,
                clock, WEBHOOK_TAKEOVER) : null;
        ledger.start();
        preferences.start();
        if (webhookEvents != null) {
            webhookEvents.start();
        }
        try {
            ledger.catchUp().get(config.ledgerCatchUpTimeout().toMillis(), TimeUnit.MILLISECONDS);
            preferences.catchUp().get(config.ledgerCatchUpTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (webhookEvents != null) { // every event applied before the restart is known before the first webhook
                webhookEvents.catchUp().get(config.ledgerCatchUpTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            closeQuietly();
            throw new IllegalStateException("Cannot read " + config.topics().name(Topics.SENDER_LEDGER) + " and "
                    + config.topics().name(Topics.TRAVELLER_PREFERENCE)
                    + (webhookEvents == null ? "" : " and " + config.topics().name(Topics.WEBHOOK_EVENTS))
                    + " to the end: " + e.getMessage(), e);
        }
        log.info("Preferences: {} travellers (on disk in {}); the ledger is restored per assigned partition",
                preferences.travellerCount(), stateStores.dir());

        channels = new NumberChannels(config);
        NumberChannels numbers = channels;
        OffsetTracker offsets = new OffsetTracker();
        pipeline = new SendPipeline(config, ledger, offsets, new Outcomes(ledger, writer, offsets, metrics, clock), clock,
                numbers::route);
        CallRunner calls = new CallRunner(pipeline, preferences, writer, metrics, instanceId);
        dispatcher = new Dispatcher(pipeline, preferences, numbers, calls, metrics,
                () -> fatal("dispatcher", dispatcher.failure()));
        // Not the permits taken: the dispatcher holds one while it waits for the next job, even with no call out.
        metrics.gauges(pipeline::inFlight, pipeline::queued,
                numbers::suspendedCount, numbers::currentRate, ledger::size, ledger::misplacedMoved);
        metrics.numberGauges(numbers, clock);

        if (config.webhookEnabled()) {
            WebhookProcessor processor = new WebhookProcessor(ledger, preferences, writer, webhookEvents, 200_000,
                    metrics::webhook, clock, Duration.ofSeconds(5), config.webhookStopMaxAge());
            webhook = new WebhookServer(config.webhookHost(), config.webhookPort(), config.webhookPath(),
                    config.webhookMaxBodyBytes(), new SignatureVerifier(config.appSecret()), config.verifyToken(),
                    processor, metrics::webhook).start();
            log.info("Webhook listening on http://{}:{}{}", config.webhookHost(), webhook.port(), config.webhookPath());
        }
        health = SenderHealth.server(config, registry, numbers, dispatcher, () -> consumerLoop, ledger, preferences,
                writer, clock).start();

        KafkaConsumer<byte[], byte[]> requestConsumer = new KafkaConsumer<>(clients.requestConsumerProperties(clientId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try { // the ledger lives in its requests' partition numbers: refuse to misplace state
            ledger.requireCoPartitioned(config.topics().name(Topics.WHATSAPP_REQUEST),
                    requestConsumer.partitionsFor(config.topics().name(Topics.WHATSAPP_REQUEST), Duration.ofSeconds(30)).size());
        } catch (RuntimeException e) {
            requestConsumer.close();
            closeQuietly();
            throw e;
        }
        consumerLoop = new RequestConsumerLoop(config, requestConsumer,
                Topics.WHATSAPP_REQUEST.valueSerde(config.serdeConfig()).deserializer(), pipeline, offsets, ledger,
                preferences, numbers, metrics);
        pipeline.start(dispatcher);
        consumerThread = new Thread(consumerLoop, "sender-request-consumer");
        consumerThread.start();

        housekeeping = new SenderHousekeeping(config, clock, ledger, preferences, webhookEvents, this::watchdog);
        running = true;
        log.info("Sender started: numbers {}, up to {} calls in flight; health on :{}", config.numbers(),
                config.maxInFlight(), health.port());
        return this;
    }

    /**
     * No silent death: a reader, the poll loop or the dispatcher that stopped by itself stops the whole
     * sender (sending on frozen consent or a frozen ledger is worse than not sending); {@code appcare
     * sender} then exits non-zero and the platform restarts it. Transient Kafka and registry trouble is
     * retried inside each of them and never gets here.
     */
    private void watchdog() {
        if (!running || fatal != null) {
            return;
        }
        if (!ledger.healthy()) {
            fatal("ledger reader", ledger.failure());
        } else if (!preferences.healthy()) {
            fatal("preference reader", preferences.failure());
        } else if (webhookEvents != null && !webhookEvents.healthy()) {
            fatal("webhook event reader", webhookEvents.failure());
        } else if (!consumerLoop.healthy() || !consumerThread.isAlive()) {
            fatal("request consumer", consumerLoop.failure());
        } else if (!dispatcher.healthy()) {
            fatal("dispatcher", dispatcher.failure());
        }
    }

    private synchronized void fatal(String what, Throwable cause) {
        if (fatal != null || !running) {
            return;
        }
        fatal = what + " stopped: " + (cause == null ? "(thread ended)" : cause.toString());
        log.error("Sender stopping, {}; exiting so that it is restarted", fatal);
        Thread stopper = new Thread(this::stop, "sender-fatal-stop");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Why the sender stopped by itself (a reader, the poll loop or the dispatcher died), or null. */
    public String fatalReason() {
        return fatal;
    }

    /**
     * Graceful stop: no new calls start; queued requests are handed back (their offsets stay uncommitted,
     * so the next start sends them); calls in flight get {@code sender.shutdown-timeout} to finish and be
     * recorded; offsets of everything recorded are committed; then the webhook and Kafka clients close.
     */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        log.info("Stopping the sender");
        consumerLoop.stop();
        try {
            consumerThread.join(config.shutdownTimeout().plusSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
        stopped.countDown();
        log.info("Sender stopped");
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {webhook, housekeeping,
                writer == null ? null : (AutoCloseable) writer::flush, ledger, preferences, webhookEvents, stateStores, writer, channels,
                health}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", c, e.toString());
            }
        }
    }

    /** Blocks until {@link #stop()} has finished; true if the sender stopped by itself ({@link #fatalReason()}). */
    @Override
    public boolean awaitTermination() throws InterruptedException {
        stopped.await();
        return fatal != null;
    }

    public boolean isHealthy() {
        return health != null && health.evaluate().values().stream().allMatch(HealthServer.Health::up);
    }

    public Map<String, HealthServer.Health> health() {
        return health.evaluate();
    }

    public int webhookPort() {
        return webhook == null ? -1 : webhook.port();
    }

    public int healthPort() {
        return health.port();
    }

    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** The request partitions this instance owns now. */
    public java.util.Set<Integer> ownedRequestPartitions() {
        return pipeline == null ? java.util.Set.of() : pipeline.owned().stream()
                .map(org.apache.kafka.common.TopicPartition::partition).collect(java.util.stream.Collectors.toSet());
    }

    /** Messages WhatsApp accepted since start. */
    public long acceptedCount() {
        return (long) metrics.acceptedCount();
    }

    public SenderConfig config() {
        return config;
    }
}
