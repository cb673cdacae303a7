package dev.appcare.model.topics;

import dev.appcare.model.DurationSetting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How long, at most, an erased traveller's phone number and name stay on any AppCare topic or changelog,
 * and the topic settings that make that true. One duration drives them all, so a test can scale time down
 * by configuring a short bound and still run exactly the production settings.
 *
 * <p>With the bound {@code B} (default 24 h, key {@value #CONFIG}, or {@code --erasure-bound}):
 * <ul>
 *   <li>compacted topics and changelogs: {@code segment.ms = B/8}, {@code max.compaction.lag.ms = B/4},
 *       {@code min.cleanable.dirty.ratio = 0.5}. The broker never cleans the active segment and only rolls
 *       a segment when something is appended, so {@link #tickInterval()} ({@code B/16}) is how often the
 *       role owning a compacted topic appends a {@linkplain dev.appcare.model.Keys#COMPACTION_TICK tick}
 *       tombstone to every partition. Worst case: the erasure tombstone's segment rolls after
 *       {@code B/8 + B/16}, the cleaner must clean it after {@code B/4} plus its back-off
 *       ({@code log.cleaner.backoff.ms}, 15 s by default): about {@code B/4 + 15 s}.</li>
 *   <li>time-retained topics holding personal data (requests, their dead letters, boarding passes):
 *       {@code retention.ms = B/2}, {@code segment.ms = B/8}; the broker deletes a segment once its newest
 *       record is older than the retention, checked every {@code log.retention.check.interval.ms}
 *       (5 min by default): at most {@code B/2 + B/8 + 5 min}.</li>
 *   <li>a changelog keyed by phone number (care's) has tombstones that are themselves the number, so they
 *       are kept only {@code delete.retention.ms = B/8} and must be cleaned away too
 *       ({@link #phoneKeyedWorstCase}): about {@code 11B/16 + 2 × back-off} after the role's delete, which
 *       care makes at most two sweeps after the erasure.</li>
 *   <li>the broker settings the bound assumes: {@code log.retention.check.interval.ms} at most {@code B/8}
 *       and {@code log.cleaner.backoff.ms} at most {@code B/16}; Kafka's defaults (5 min, 15 s) fit any
 *       bound from 40 min.</li>
 *   <li>tombstones are kept {@link #tombstoneRetention()} (default 7 days, key {@value #TOMBSTONE_CONFIG}),
 *       which must be longer than any role may be down: a role that comes back later than that may never see
 *       an erasure and must rebuild its state from scratch (docs/privacy.md).</li>
 * </ul>
 *
 * @param bound              the promise: an erased traveller is gone from every topic within this
 * @param tombstoneRetention how long a tombstone (erasure) stays readable; the longest supported downtime
 */
public record ErasureBound(Duration bound, Duration tombstoneRetention) {
    public static final String CONFIG = "erasure.bound";
    public static final String TOMBSTONE_CONFIG = "erasure.tombstone.retention";
    public static final Duration DEFAULT_BOUND = Duration.ofHours(24);
    public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(7);
    public static final ErasureBound DEFAULT = new ErasureBound(DEFAULT_BOUND, DEFAULT_TOMBSTONE_RETENTION);

    public ErasureBound {
        Objects.requireNonNull(bound, "bound");
        Objects.requireNonNull(tombstoneRetention, "tombstoneRetention");
        if (bound.toMillis() < 16_000) {
            throw new IllegalArgumentException("the erasure bound must be at least 16 s, got " + bound);
        }
        if (tombstoneRetention.compareTo(bound) < 0) {
            throw new IllegalArgumentException("tombstones (" + tombstoneRetention + ") must be kept at least as long"
                    + " as the erasure bound (" + bound + ")");
        }
    }

    public static ErasureBound of(Duration bound) {
        Duration tombstones = DEFAULT_TOMBSTONE_RETENTION.compareTo(bound) < 0 ? bound : DEFAULT_TOMBSTONE_RETENTION;
        return new ErasureBound(bound, tombstones);
    }

    /**
     * From {@value #CONFIG} and {@value #TOMBSTONE_CONFIG} of a role's settings (ISO-8601 such as {@code PT24H},
     * or ms). It takes the plain key/value map, not the runtime's config type, because {@code model} sits below
     * the runtime layer.
     */
    public static ErasureBound from(Map<String, String> settings) {
        Duration bound = duration(settings, CONFIG, DEFAULT_BOUND);
        return new ErasureBound(bound, duration(settings, TOMBSTONE_CONFIG,
                DEFAULT_TOMBSTONE_RETENTION.compareTo(bound) < 0 ? bound : DEFAULT_TOMBSTONE_RETENTION));
    }

    private static Duration duration(Map<String, String> settings, String key, Duration defaultValue) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        return DurationSetting.parse(key, value);
    }

    /** {@code segment.ms} of every topic and changelog AppCare creates. */
    public Duration segment() {
        return bound.dividedBy(8);
    }

    /** {@code max.compaction.lag.ms} of the compacted topics and changelogs. */
    public Duration maxCompactionLag() {
        return bound.dividedBy(4);
    }

    /** {@code retention.ms} of the time-retained topics that hold phone numbers or names. */
    public Duration personalDataRetention() {
        return bound.dividedBy(2);
    }

    /** How often the owner of a compacted topic appends a tick to each partition, so segments roll. */
    public Duration tickInterval() {
        return bound.dividedBy(16);
    }

    /** The worst case of the compacted topics, as computed in the class comment (cleaner back-off 15 s). */
    public Duration compactedWorstCase() {
        return segment().plus(tickInterval()).compareTo(maxCompactionLag()) > 0
                ? segment().plus(tickInterval()).plusSeconds(15) : maxCompactionLag().plusSeconds(15);
    }

    /** Kafka's default {@code log.cleaner.backoff.ms}: how long the cleaner waits when nothing is due. */
    public static final Duration DEFAULT_CLEANER_BACKOFF = Duration.ofSeconds(15);

    /**
     * The worst case, from the erasure, of a changelog keyed by phone number, whose delete is made by its
     * role within {@code roleDelay} (care: two sweeps) and whose tombstones are kept {@code delete.retention.ms
     * = B/8}. The cleaner must clean the tombstone's segment within {@code B/4} + back-off, which removes the
     * values and stamps the tombstone with its delete horizon ({@code B/8} on); a pass just before the horizon
     * keeps it, and the next pass the cleaner must make comes once the first record after that pass (a tick
     * at most {@code B/16} later) has waited {@code B/4} + back-off. So:
     * {@code roleDelay + (B/4 + b) + B/8 + B/16 + (B/4 + b)}.
     */
    public Duration phoneKeyedWorstCase(Duration roleDelay, Duration cleanerBackoff) {
        return roleDelay.plus(maxCompactionLag()).plus(cleanerBackoff).plus(segment()).plus(tickInterval())
                .plus(maxCompactionLag()).plus(cleanerBackoff);
    }

    /** The broker setting and Kafka's default of the retention check the bound assumes to be at most B/8. */
    public static final String RETENTION_CHECK = "log.retention.check.interval.ms";
    public static final Duration DEFAULT_RETENTION_CHECK = Duration.ofMinutes(5);
    /** The broker setting of the cleaner's back-off the bound assumes to be at most B/16. */
    public static final String CLEANER_BACKOFF = "log.cleaner.backoff.ms";

    /**
     * What is wrong, for this bound, with a broker's settings (its {@code describeConfigs}; a missing key
     * counts as Kafka's default): one line per setting above what the bound assumes, none when it holds.
     */
    public List<String> brokerProblems(Map<String, String> brokerConfig) {
        List<String> problems = new ArrayList<>();
        check(problems, brokerConfig, RETENTION_CHECK, DEFAULT_RETENTION_CHECK, segment(), "B/8");
        check(problems, brokerConfig, CLEANER_BACKOFF, DEFAULT_CLEANER_BACKOFF, tickInterval(), "B/16");
        return problems;
    }

    private void check(List<String> problems, Map<String, String> brokerConfig, String key, Duration kafkaDefault,
                       Duration most, String share) {
        String value = brokerConfig.get(key);
        Duration actual;
        try {
            actual = value == null || value.isBlank() ? kafkaDefault : Duration.ofMillis(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            problems.add(key + " = '" + value + "' is not a number of milliseconds");
            return;
        }
        if (actual.compareTo(most) > 0) {
            problems.add(key + " = " + actual.toMillis() + " is over " + share + " = " + most.toMillis()
                    + " ms: the erasure bound " + bound + " does not hold on this broker (docs/privacy.md)");
        }
    }

    /** The worst case of the time-retained topics (retention check every 5 min). */
    public Duration retainedWorstCase() {
        return personalDataRetention().plus(segment()).plusMinutes(5);
    }
}
