package dev.appcare.care;

import dev.appcare.avro.MessageKind;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.ClientSettings;
import dev.appcare.model.serde.AvroSerdeConfig;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.model.topics.ErasureBound;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What care's topology is built from ({@link dev.appcare.care.streams.CareTopology#build}); a test builds
 * exactly the topology production runs.
 *
 * <p>Configuration keys (properties file, or environment {@code APPCARE_<KEY>}):
 * <pre>
 *   schema.registry.url          Confluent-API registry base URL (required)
 *   care.settings.file           hours, FAQ, texts (default: appcare/care.json on the classpath)
 *   care.templates.file          template catalogue JSON (default: the one on the classpath)
 *   care.conversation.idle       a conversation silent this long is closed; the next message opens a new one (default PT24H)
 *   care.ack.quiet               while an agent has the conversation, at most one acknowledgement per this period (default PT30M)
 *   care.flight.horizon          flights departing within this time are "in the next days" (default P3D)
 *   care.state.retention         conversation and history state older than this is deleted (default P7D)
 *   erasure.bound                the erasure bound (docs/privacy.md): state is swept every bound/16, at most every 10 minutes
 *   care.topics.suffix           appended to every topic name, for tests and shared clusters (default none)
 * </pre>
 *
 * @param sweepInterval how often retention and erasures are applied to the state (wall clock)
 * @param clock every decision (service hours, the 24-hour window, idle, retention) reads it
 */
public record CareConfig(TopicNames topics, Map<String, Object> serdeConfig, CareSettings settings,
                         TemplateCatalogue catalogue, Duration conversationIdle, Duration ackQuiet,
                         Duration flightHorizon, Duration stateRetention, Duration sweepInterval, Clock clock,
                         CareMetrics metrics) {

    public static final String SCHEMA_REGISTRY_URL = AvroSerdeConfig.SCHEMA_REGISTRY_URL;
    public static final String SETTINGS_FILE = "care.settings.file";
    public static final String TEMPLATES_FILE = "care.templates.file";
    public static final String CONVERSATION_IDLE = "care.conversation.idle";
    public static final String ACK_QUIET = "care.ack.quiet";
    public static final String FLIGHT_HORIZON = "care.flight.horizon";
    public static final String STATE_RETENTION = "care.state.retention";
    public static final String TOPICS_SUFFIX = "care.topics.suffix";
    /** The sweep runs at least this often (and every erasure bound/16 when that is shorter). */
    public static final Duration MAX_SWEEP_INTERVAL = Duration.ofMinutes(10);

    public CareConfig {
        Objects.requireNonNull(topics, "topics");
        if (serdeConfig.get(SCHEMA_REGISTRY_URL) == null) {
            throw new IllegalArgumentException("missing configuration '" + SCHEMA_REGISTRY_URL + "'");
        }
        serdeConfig = Map.copyOf(serdeConfig);
        Objects.requireNonNull(settings, "settings");
        TemplateCatalogue.Template followUp = catalogue.template(MessageKind.CARE_REPLY).orElseThrow(() ->
                new IllegalArgumentException("the template catalogue has no template for CARE_REPLY (care_follow_up)"));
        if (!followUp.parameterNames().isEmpty()) {
            throw new IllegalArgumentException("care fills in no template parameters, but " + followUp.name()
                    + " asks for " + followUp.parameterNames());
        }
        for (Duration d : new Duration[] {conversationIdle, ackQuiet, flightHorizon, stateRetention, sweepInterval}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive");
            }
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
    }

    public static CareConfig defaults(String schemaRegistryUrl) {
        return new CareConfig(Topics.contract(), Map.of(SCHEMA_REGISTRY_URL, schemaRegistryUrl),
                CareSettings.loadDefault(), TemplateCatalogue.loadDefault(), Duration.ofHours(24), Duration.ofMinutes(30),
                Duration.ofDays(3), Duration.ofDays(7), MAX_SWEEP_INTERVAL, Clock.systemUTC(), CareMetrics.detached());
    }

    public static CareConfig from(AppConfig config, CareMetrics metrics, Clock clock) {
        Map<String, Object> serde = ClientSettings.registry(config, config.require(SCHEMA_REGISTRY_URL));
        String settings = config.get(SETTINGS_FILE, "");
        String templates = config.get(TEMPLATES_FILE, "");
        return new CareConfig(Topics.withSuffix(config.get(TOPICS_SUFFIX, "")), serde,
                settings.isBlank() ? CareSettings.loadDefault() : CareSettings.load(Path.of(settings)),
                templates.isBlank() ? TemplateCatalogue.loadDefault() : TemplateCatalogue.load(Path.of(templates)),
                config.getDuration(CONVERSATION_IDLE, Duration.ofHours(24)),
                config.getDuration(ACK_QUIET, Duration.ofMinutes(30)),
                config.getDuration(FLIGHT_HORIZON, Duration.ofDays(3)),
                config.getDuration(STATE_RETENTION, Duration.ofDays(7)),
                sweepInterval(ErasureBound.from(config.asMap())), clock, metrics);
    }

    /** Two sweeps (an erasure is confirmed on the second) take at most bound/8, well inside the bound. */
    static Duration sweepInterval(ErasureBound erasure) {
        Duration tick = erasure.tickInterval();
        return tick.compareTo(MAX_SWEEP_INTERVAL) < 0 ? tick : MAX_SWEEP_INTERVAL;
    }

    public CareConfig withClock(Clock clock) {
        return new CareConfig(topics, serdeConfig, settings, catalogue, conversationIdle, ackQuiet, flightHorizon,
                stateRetention, sweepInterval, clock, metrics);
    }

    public CareConfig withSettings(CareSettings settings) {
        return new CareConfig(topics, serdeConfig, settings, catalogue, conversationIdle, ackQuiet, flightHorizon,
                stateRetention, sweepInterval, clock, metrics);
    }

    public CareConfig withTopics(TopicNames topics) {
        return new CareConfig(topics, serdeConfig, settings, catalogue, conversationIdle, ackQuiet, flightHorizon,
                stateRetention, sweepInterval, clock, metrics);
    }
}
