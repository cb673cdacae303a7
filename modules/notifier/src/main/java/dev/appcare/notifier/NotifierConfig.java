package dev.appcare.notifier;

import dev.appcare.avro.MessageKind;
import dev.appcare.model.topics.TopicNames;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.ClientSettings;
import dev.appcare.model.serde.AvroSerdeConfig;
import dev.appcare.model.templates.TemplateCatalogue;
import dev.appcare.notifier.rules.DepartureTimeRule;
import dev.appcare.notifier.rules.CheckInReminder;
import dev.appcare.notifier.rules.MessageBudget;
import dev.appcare.notifier.rules.PriorityPolicy;
import dev.appcare.notifier.rules.RequestFactory;
import dev.appcare.notifier.streams.NotifierMetrics;
import dev.appcare.model.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the notifier's topology is built from ({@link dev.appcare.notifier.streams.NotifierTopology#build}).
 * Everything that changes behaviour is here, so a test builds exactly the topology production runs.
 *
 * <p>Configuration keys (properties file, or environment {@code APPCARE_<KEY>} with dots as underscores):
 * <pre>
 *   schema.registry.url            Confluent-API registry base URL (required)
 *   notifier.delay.threshold       N2 threshold, ISO-8601 or ms (default PT15M)
 *   notifier.urgent.window         N9: disruptions this close to departure are urgent (default PT3H)
 *   notifier.state.retention       per-flight state kept this long after the departure day (default P3D)
 *   notifier.templates.file        template catalogue JSON (default: the one on the classpath)
 *   notifier.topics.suffix         appended to every topic name, for tests and shared clusters (default none)
 *   notifier.partitions.flight     partitions of the flight-keyed repartition topics; 0 = as flight.status.v1
 *   notifier.partitions.traveller  partitions of the traveller-keyed ones; 0 = as traveller.preference.v1
 *   notifier.budget.max-per-day    N12: flight messages per traveller and flight in any 24 h (default 4)
 *   notifier.budget.spacing        N12: at most one per this (default PT10M)
 *   notifier.budget.urgent-gate-window  N12: a gate change this close to departure is urgent (default PT1H)
 *   notifier.budget.check-interval how often held-back updates that are due are sent (wall clock, default PT10S)
 *   notifier.checkin.lead          N13: online check-in opens this long before scheduled departure (default PT30H)
 *   notifier.checkin.check-interval how often openings that are due are announced (wall clock, default PT1M)
 * </pre>
 *
 * @param serdeConfig          configuration of the registry serdes (at least {@code schema.registry.url})
 * @param flightPartitions     partitions of the flight-keyed repartition topics ({@code flight-status-by-flight},
 *                             {@code segments-by-flight}); by default those of the flight-status topic (0 until
 *                             resolved from the broker)
 * @param travellerPartitions  partitions of the traveller-keyed ones ({@code passenger-notices},
 *                             {@code preferences-by-traveller}, {@code boarding-passes-by-traveller}); by default
 *                             those of the preference topic (0 until resolved)
 * @param clock                for the dead letters' {@code failedAt} only; message content never reads it
 * @param inputPartitions      partition counts of the input topics (name to count), to count records that a
 *                             producer placed elsewhere than Java's partitioner would; empty = not counted
 * @param checkIn              N13: the check-in reminder's lead and wall-clock check interval
 */
public record NotifierConfig(
        TopicNames topics,
        Map<String, Object> serdeConfig,
        Duration delayThreshold,
        Duration urgentWindow,
        Duration stateRetention,
        TemplateCatalogue catalogue,
        int flightPartitions,
        int travellerPartitions,
        Clock clock,
        NotifierMetrics metrics,
        Map<String, Integer> inputPartitions,
        MessageBudget budget,
        CheckInReminder checkIn) {

    public static final String SCHEMA_REGISTRY_URL = AvroSerdeConfig.SCHEMA_REGISTRY_URL;
    public static final String DELAY_THRESHOLD = "notifier.delay.threshold";
    public static final String URGENT_WINDOW = "notifier.urgent.window";
    public static final String STATE_RETENTION = "notifier.state.retention";
    public static final String TEMPLATES_FILE = "notifier.templates.file";
    public static final String TOPICS_SUFFIX = "notifier.topics.suffix";
    public static final String FLIGHT_PARTITIONS = "notifier.partitions.flight";
    public static final String TRAVELLER_PARTITIONS = "notifier.partitions.traveller";
    public static final String BUDGET_MAX_PER_DAY = "notifier.budget.max-per-day";
    public static final String BUDGET_SPACING = "notifier.budget.spacing";
    public static final String BUDGET_URGENT_GATE_WINDOW = "notifier.budget.urgent-gate-window";
    public static final String BUDGET_CHECK_INTERVAL = "notifier.budget.check-interval";
    public static final String CHECKIN_LEAD = "notifier.checkin.lead";
    public static final String CHECKIN_CHECK_INTERVAL = "notifier.checkin.check-interval";

    public static final Duration DEFAULT_STATE_RETENTION = Duration.ofDays(3);
    /** The kinds the notifier sends; the catalogue must have a template for each. */
    static final Set<MessageKind> KINDS_SENT = EnumSet.of(MessageKind.DELAY, MessageKind.EARLIER_DEPARTURE,
            MessageKind.BACK_ON_TIME, MessageKind.CANCELLATION, MessageKind.GATE_CHANGE, MessageKind.BOARDING,
            MessageKind.DIVERSION, MessageKind.BOARDING_PASS, MessageKind.CHECKIN_OPEN);

    public NotifierConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(serdeConfig, "serdeConfig");
        if (serdeConfig.get(SCHEMA_REGISTRY_URL) == null) {
            throw new IllegalArgumentException("missing configuration '" + SCHEMA_REGISTRY_URL + "'");
        }
        serdeConfig = Map.copyOf(serdeConfig);
        new DepartureTimeRule(delayThreshold); // validates
        new PriorityPolicy(urgentWindow);
        Objects.requireNonNull(stateRetention, "stateRetention");
        Objects.requireNonNull(catalogue, "catalogue");
        for (MessageKind kind : KINDS_SENT) {
            TemplateCatalogue.Template template = catalogue.template(kind).orElseThrow(() ->
                    new IllegalArgumentException("the template catalogue has no template for " + kind));
            for (String parameter : template.parameterNames()) {
                if (!RequestFactory.parametersOffered(kind).contains(parameter)) {
                    throw new IllegalArgumentException("template " + template.name() + " (" + kind + ") asks for parameter '"
                            + parameter + "', which the notifier does not provide; it can fill in "
                            + new java.util.TreeSet<>(RequestFactory.parametersOffered(kind)));
                }
            }
        }
        if (flightPartitions < 0 || travellerPartitions < 0) {
            throw new IllegalArgumentException("partition counts cannot be negative");
        }
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(metrics, "metrics");
        inputPartitions = Map.copyOf(Objects.requireNonNull(inputPartitions, "inputPartitions"));
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(checkIn, "checkIn");
    }

    /** Defaults for everything but the registry: contract topics, 15 min, 3 h, the classpath catalogue. */
    public static NotifierConfig defaults(String schemaRegistryUrl) {
        return new NotifierConfig(Topics.contract(), Map.of(SCHEMA_REGISTRY_URL, schemaRegistryUrl),
                DepartureTimeRule.DEFAULT_THRESHOLD, PriorityPolicy.DEFAULT_URGENT_WINDOW, DEFAULT_STATE_RETENTION,
                TemplateCatalogue.loadDefault(), Topics.FLIGHT_STATUS.partitions(),
                Topics.TRAVELLER_PREFERENCE.partitions(), Clock.systemUTC(), NotifierMetrics.detached(),
                Map.of(Topics.FLIGHT_STATUS.name(), Topics.FLIGHT_STATUS.partitions(),
                        Topics.BOARDING_PASS.name(), Topics.BOARDING_PASS.partitions(),
                        Topics.PASSENGER_SEGMENT.name(), Topics.PASSENGER_SEGMENT.partitions(),
                        Topics.TRAVELLER_PREFERENCE.name(), Topics.TRAVELLER_PREFERENCE.partitions()),
                MessageBudget.DEFAULT, CheckInReminder.DEFAULT);
    }

    /**
     * From a role configuration. Partition counts left at 0 are resolved from the broker at start
     * ({@link NotifierApp}); serde settings are {@link ClientSettings#registry}'s.
     */
    public static NotifierConfig from(AppConfig config, NotifierMetrics metrics) {
        Map<String, Object> serde = ClientSettings.registry(config, config.require(SCHEMA_REGISTRY_URL));
        String templates = config.get(TEMPLATES_FILE, "");
        return new NotifierConfig(
                Topics.withSuffix(config.get(TOPICS_SUFFIX, "")),
                serde,
                config.getDuration(DELAY_THRESHOLD, DepartureTimeRule.DEFAULT_THRESHOLD),
                config.getDuration(URGENT_WINDOW, PriorityPolicy.DEFAULT_URGENT_WINDOW),
                config.getDuration(STATE_RETENTION, DEFAULT_STATE_RETENTION),
                templates.isBlank() ? TemplateCatalogue.loadDefault() : TemplateCatalogue.load(Path.of(templates)),
                config.getInt(FLIGHT_PARTITIONS, 0),
                config.getInt(TRAVELLER_PARTITIONS, 0),
                Clock.systemUTC(),
                metrics,
                Map.of(),
                new MessageBudget(config.getInt(BUDGET_MAX_PER_DAY, MessageBudget.DEFAULT.maxPerDay()),
                        config.getDuration(BUDGET_SPACING, MessageBudget.DEFAULT.spacing()),
                        config.getDuration(BUDGET_URGENT_GATE_WINDOW, MessageBudget.DEFAULT.urgentGateWindow()),
                        config.getDuration(BUDGET_CHECK_INTERVAL, MessageBudget.DEFAULT.checkInterval())),
                new CheckInReminder(config.getDuration(CHECKIN_LEAD, CheckInReminder.DEFAULT.lead()),
                        config.getDuration(CHECKIN_CHECK_INTERVAL, CheckInReminder.DEFAULT.checkInterval())));
    }

    public NotifierConfig withTopics(TopicNames topics) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    public NotifierConfig withSerdeConfig(Map<String, Object> serdeConfig) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    public NotifierConfig withDelayThreshold(Duration threshold) {
        return new NotifierConfig(topics, serdeConfig, threshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    public NotifierConfig withPartitions(int flight, int traveller) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flight, traveller, clock, metrics, inputPartitions, budget, checkIn);
    }

    /** The partition counts of the input topics as they are on the broker (topic name to count). */
    public NotifierConfig withInputPartitions(Map<String, Integer> inputPartitions) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    /** Partitions of an input topic, or 0 if not known (then misplaced records are not counted for it). */
    public int inputPartitions(String topic) {
        return inputPartitions.getOrDefault(topic, 0);
    }

    public NotifierConfig withClock(Clock clock) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    public NotifierConfig withMetrics(NotifierMetrics metrics) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    /** N12: the message budget ({@link MessageBudget#UNLIMITED} for none). */
    public NotifierConfig withBudget(MessageBudget budget) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    /** N13: when check-in opens before departure, and how often the wall clock is compared with it. */
    public NotifierConfig withCheckIn(CheckInReminder checkIn) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }

    public NotifierConfig withCatalogue(TemplateCatalogue catalogue) {
        return new NotifierConfig(topics, serdeConfig, delayThreshold, urgentWindow, stateRetention, catalogue,
                flightPartitions, travellerPartitions, clock, metrics, inputPartitions, budget, checkIn);
    }
}
