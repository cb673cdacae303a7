package dev.appcare.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the Apicurio Registry distribution in the local Maven repository and unpacks it once into a
 * per-user cache shared by all test JVMs and by {@code scripts/stack}.
 *
 * <p>The archive gets into the local repository through the testkit build (dependency:get in its
 * pom), because it cannot be resolved as an ordinary dependency. Unpacking goes into a private
 * temporary directory that is then renamed into place: a rename is atomic, so test JVMs running in
 * parallel either see a complete distribution or none, never half of one.
 */
final class ApicurioDistribution {

    static final String VERSION = readVersion();

    private ApicurioDistribution() {
    }

    /** The directory holding {@code quarkus-run.jar}, unpacked on first use. */
    static Path appDirectory() {
        Path target = cacheDirectory().resolve("apicurio-registry-" + VERSION);
        if (Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
            return target;
        }
        Path archive = archive();
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpacking-");
            try {
                untar(archive, temp);
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileSystemException targetExists) {
                    // rename(2) onto a non-empty directory fails: another JVM was faster, and its
                    // identical copy is in place. Anything else is a real failure.
                    if (!Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
                        throw targetExists;
                    }
                }
            } finally {
                deleteRecursively(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not unpack " + archive + " into " + target, e);
        }
        if (!Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(target + " has no quarkus-run.jar; delete it and retry");
        }
        return target;
    }

    /** {@code appcare.cache.dir}, else {@code $XDG_CACHE_HOME/appcare}, else {@code ~/.cache/appcare}. */
    static Path cacheDirectory() {
        String explicit = System.getProperty("appcare.cache.dir");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "appcare");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "appcare");
    }

    /** The archive in the local Maven repository ({@code appcare.m2.repo}, set by the parent pom). */
    static Path archive() {
        String repo = System.getProperty("appcare.m2.repo");
        Path root = repo != null && !repo.isBlank() && !repo.contains("${")
                ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path archive = root.resolve(Path.of("io", "apicurio", "apicurio-registry-app", VERSION,
                "apicurio-registry-app-" + VERSION + "-all.tar.gz"));
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("The Apicurio Registry distribution is not in the local Maven "
                    + "repository: " + archive + ". Build the test kit once to download it "
                    + "(mvn -pl modules/testkit install), or set -Dappcare.m2.repo to your local repository.");
        }
        return archive;
    }

    /**
     * Uses the system {@code tar}: present on every machine that builds AppCare (and used by
     * scripts/stack too), and it keeps a 150 MiB archive library off every module's test classpath.
     */
    private static void untar(Path archive, Path into) throws IOException {
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
                .redirectErrorStream(true)
                .start();
        String output;
        try (InputStream out = tar.getInputStream()) {
            output = new String(out.readAllBytes());
        }
        try {
            if (!tar.waitFor(5, TimeUnit.MINUTES)) {
                tar.destroyForcibly();
                throw new IOException("tar did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            tar.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while unpacking", e);
        }
        if (tar.exitValue() != 0) {
            throw new IOException("tar failed with exit code " + tar.exitValue() + ": " + output);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String readVersion() {
        Properties props = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream("testkit.properties")) {
            if (in == null) {
                throw new IllegalStateException("testkit.properties is missing from the test kit jar");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("apicurio.version");
    }
}
