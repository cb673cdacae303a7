package dev.appcare.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/** Reads the contract files under {@code schemas/}: the current ones and the released snapshots. */
public final class SchemaFiles {
    /** Shared named types that other files refer to, parsed first. */
    static final List<String> SHARED = List.of("message-kind.avsc");

    private SchemaFiles() {
    }

    public static Path schemasDir() {
        String configured = System.getProperty("appcare.schemas.dir");
        // Maven runs tests in the module folder; exec:java runs in the folder Maven was started from.
        Path dir = configured != null ? Path.of(configured)
                : Files.isDirectory(Path.of("schemas")) ? Path.of("schemas") : Path.of("../../schemas");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("schemas directory not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    /** Current schemas by file name without extension, e.g. "flight-status-event". */
    public static Map<String, Schema> current() {
        Path dir = schemasDir();
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> schemas = new LinkedHashMap<>();
        try {
            for (String shared : SHARED) {
                schemas.put(stem(shared), parser.parse(dir.resolve(shared).toFile()));
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
                    String name = stem(file.getFileName().toString());
                    if (!schemas.containsKey(name)) {
                        schemas.put(name, parser.parse(file.toFile()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return schemas;
    }

    /** Released versions of one schema, oldest first: {@code schemas/released/<name>/v<N>.avsc}. */
    public static Map<Integer, Schema> released(String name) {
        Path dir = schemasDir().resolve("released").resolve(name);
        Map<Integer, Schema> versions = new java.util.TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return versions;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("v\\d+\\.avsc")).toList()) {
                int version = Integer.parseInt(file.getFileName().toString().replaceAll("\\D", ""));
                // Released snapshots are self-contained (all named types inlined).
                versions.put(version, new Schema.Parser().parse(file.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions;
    }

    private static String stem(String fileName) {
        return fileName.substring(0, fileName.length() - ".avsc".length());
    }
}
