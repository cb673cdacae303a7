package dev.appcare.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appcare.runtime.StateDirectoryCluster.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryClusterTest {
    @TempDir
    Path stateDir;

    @Test
    void shouldKeepOnlyStateBuiltFromTheClusterConnectedToNow() throws Exception {
        assertThat(StateDirectoryCluster.check(stateDir, "app", "cluster-a")).isEqualTo(Verdict.EMPTY);
        Path application = Files.createDirectories(stateDir.resolve("app"));
        Files.writeString(application.resolve("kafka-streams-process-metadata"), "{}");
        assertThat(StateDirectoryCluster.check(stateDir, "app", "cluster-a")).as("Kafka Streams' own file is no state")
                .isEqualTo(Verdict.EMPTY);

        Files.createDirectories(application.resolve("1_0").resolve("rocksdb"));
        assertThat(StateDirectoryCluster.check(stateDir, "app", "cluster-a")).as("a task's state, cluster unknown")
                .isEqualTo(Verdict.UNMARKED);

        StateDirectoryCluster.remember(stateDir, "app", "cluster-a");
        assertThat(StateDirectoryCluster.check(stateDir, "app", "cluster-a")).isEqualTo(Verdict.SAME_CLUSTER);
        assertThat(StateDirectoryCluster.check(stateDir, "app", "cluster-b")).isEqualTo(Verdict.OTHER_CLUSTER);
        assertThat(StateDirectoryCluster.check(stateDir, "other-app", "cluster-a")).as("one marker per application id")
                .isEqualTo(Verdict.EMPTY);
        assertThat(Files.readString(StateDirectoryCluster.marker(stateDir, "app"))).isEqualTo("cluster-a\n");
    }

    @Test
    void shouldWipeOnlyWhatCannotBeTrusted() {
        assertThat(Verdict.values()).filteredOn(Verdict::wipe).containsExactlyInAnyOrder(Verdict.OTHER_CLUSTER, Verdict.UNMARKED);
    }
}
