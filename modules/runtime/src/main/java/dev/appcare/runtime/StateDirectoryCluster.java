package dev.appcare.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Kafka cluster a Kafka Streams state directory was built from, remembered in a marker file beside the
 * application's directory ({@code <state.dir>/<application.id>.cluster-id}).
 *
 * <p>Why: Kafka Streams restores a store by reading its changelog from the offset in the task's checkpoint
 * file. If the changelog is now shorter than that offset — a new cluster (a reset stack, a rebuilt
 * environment) or changelogs deleted and created again — it reads nothing and keeps the old store as if
 * it were current. It only logs "Task … had endOffsetSum … smaller than offsetSum". For the notifier
 * that old state says, for example, that a flight of the same key was already cancelled, so a new
 * cancellation with the same sequence is taken for a repeat and nobody gets it (found by
 * {@code scripts/chaos}, docs/reliability.md). A directory is therefore kept only when its marker names the
 * cluster the role is connected to now; any other directory with content is wiped (the stores are rebuilt
 * from the changelogs, which is slower but always correct).
 *
 * <p>What it does not catch: changelogs deleted and created again inside the same cluster (an application
 * reset). After {@code kafka-streams-application-reset}, the state directories must be deleted as Kafka's
 * own reset procedure says.
 */
public final class StateDirectoryCluster {
    private static final Logger log = LoggerFactory.getLogger(StateDirectoryCluster.class);
    private static final java.util.regex.Pattern TASK_DIRECTORY = java.util.regex.Pattern.compile("\\d+_\\d+");

    /** What is known about a state directory before Kafka Streams starts on it. */
    public enum Verdict {
        /** No task's state is there yet: nothing to wipe. */
        EMPTY,
        /** Built from the cluster connected to now: keep it. */
        SAME_CLUSTER,
        /** Built from another cluster: wipe it. */
        OTHER_CLUSTER,
        /** State without a marker (written before markers, or the marker was lost): cannot be trusted, wipe it. */
        UNMARKED;

        /** Whether the state must be deleted before Kafka Streams starts. */
        public boolean wipe() {
            return this == OTHER_CLUSTER || this == UNMARKED;
        }
    }

    private StateDirectoryCluster() {
    }

    /**
     * Before Kafka Streams starts: asks the cluster for its id, wipes the state ({@code cleanUp}, i.e.
     * {@code KafkaStreams::cleanUp}) when {@link #check} says so, then remembers the cluster. Returns the verdict.
     */
    public static Verdict prepare(Path stateDir, String applicationId, Map<String, Object> adminConfig, Runnable cleanUp) {
        String clusterId;
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.keySet().retainAll(AdminClientConfig.configNames());
        try (Admin admin = Admin.create(config)) {
            clusterId = admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the Kafka cluster's id: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not tell its cluster id within 60 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Verdict verdict = check(stateDir, applicationId, clusterId);
        if (verdict.wipe()) {
            log.warn("The local state of {} in {} was not built from Kafka cluster {} ({}): deleting it, the stores are "
                    + "restored from their changelogs", applicationId, stateDir, clusterId, verdict);
            cleanUp.run();
        }
        remember(stateDir, applicationId, clusterId);
        return verdict;
    }

    /** The marker of application {@code applicationId}'s state under {@code stateDir}. */
    public static Path marker(Path stateDir, String applicationId) {
        return stateDir.resolve(applicationId + ".cluster-id");
    }

    /** What to do with the state of {@code applicationId} under {@code stateDir} when connected to {@code clusterId}. */
    public static Verdict check(Path stateDir, String applicationId, String clusterId) {
        Path marker = marker(stateDir, applicationId);
        try {
            if (Files.isRegularFile(marker)) {
                String recorded = Files.readString(marker, StandardCharsets.UTF_8).strip();
                return recorded.equals(clusterId) ? Verdict.SAME_CLUSTER : Verdict.OTHER_CLUSTER;
            }
            Path application = stateDir.resolve(applicationId);
            if (!Files.isDirectory(application)) {
                return Verdict.EMPTY;
            }
            // Task directories ("1_0", "3_2") hold the stores; Kafka Streams' own process file is no state.
            try (Stream<Path> entries = Files.list(application)) {
                return entries.anyMatch(e -> Files.isDirectory(e) && TASK_DIRECTORY.matcher(e.getFileName().toString()).matches())
                        ? Verdict.UNMARKED : Verdict.EMPTY;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state directory " + stateDir, e);
        }
    }

    /** Records that the state of {@code applicationId} under {@code stateDir} is built from {@code clusterId}. */
    public static void remember(Path stateDir, String applicationId, String clusterId) {
        Path marker = marker(stateDir, applicationId);
        try {
            Files.createDirectories(stateDir);
            Path written = Files.writeString(marker.resolveSibling(marker.getFileName() + ".tmp"), clusterId + "\n",
                    StandardCharsets.UTF_8);
            Files.move(written, marker, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
    }
}
