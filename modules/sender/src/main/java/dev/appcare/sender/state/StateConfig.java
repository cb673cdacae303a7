package dev.appcare.sender.state;

import dev.appcare.runtime.AppConfig;
import dev.appcare.model.topics.ErasureBound;
import java.nio.file.Path;

/**
 * Settings of the sender's on-disk state ({@link StateStores}).
 *
 * @param dir         {@code sender.state.dir}: where each instance makes its directory (default
 *                    {@code <java.io.tmpdir>/appcare-sender-state}); deleted at stop, swept after a kill
 * @param memoryBytes {@code sender.state.memory-mb}: native memory of all stores together (block cache and
 *                    memtables), default 64 MB
 * @param erasure     {@code erasure.bound}: the preference store is compacted every quarter of it
 */
public record StateConfig(Path dir, long memoryBytes, ErasureBound erasure) {

    public static StateConfig from(AppConfig config) {
        String dir = config.get("sender.state.dir", null);
        long mb = config.getLong("sender.state.memory-mb", 64);
        if (mb < 8) {
            throw new IllegalArgumentException("sender.state.memory-mb must be at least 8, got " + mb);
        }
        return new StateConfig(dir == null || dir.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "appcare-sender-state") : Path.of(dir),
                mb << 20, ErasureBound.from(config.asMap()));
    }
}
