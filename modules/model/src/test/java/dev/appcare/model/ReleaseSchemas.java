package dev.appcare.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Snapshots the current schemas as a new released version, for the compatibility test to hold future
 * changes against. Run when a version is released:
 * {@code mvn -pl modules/model test-compile exec:java -Dexec.mainClass=dev.appcare.model.ReleaseSchemas -Dexec.classpathScope=test}
 * Only schemas that changed since their last released version get a new file.
 */
public final class ReleaseSchemas {
    private ReleaseSchemas() {
    }

    public static void main(String[] args) throws IOException {
        for (Map.Entry<String, Schema> entry : SchemaFiles.current().entrySet()) {
            Map<Integer, Schema> released = SchemaFiles.released(entry.getKey());
            Schema last = released.isEmpty() ? null : released.get(((java.util.TreeMap<Integer, Schema>) released).lastKey());
            if (entry.getValue().equals(last)) {
                continue;
            }
            int version = released.isEmpty() ? 1 : ((java.util.TreeMap<Integer, Schema>) released).lastKey() + 1;
            Path file = SchemaFiles.schemasDir().resolve("released").resolve(entry.getKey()).resolve("v" + version + ".avsc");
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry.getValue().toString(true) + "\n");
            System.out.println("released " + file);
        }
    }
}
