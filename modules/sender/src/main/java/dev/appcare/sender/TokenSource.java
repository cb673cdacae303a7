package dev.appcare.sender;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The Cloud API access token: from configuration, or from a file that is re-read when it changes (a
 * mounted secret that operations rotate). A changed token is how an expired-token suspension (190) ends
 * without a restart. The token is never logged.
 */
final class TokenSource implements Supplier<String> {
    private final Path file;
    private volatile String token;
    private volatile long version;
    private volatile long checkedAt;
    private long fileModified = Long.MIN_VALUE;

    TokenSource(String token, Path file) {
        this.file = file;
        this.token = token;
        if (file != null) {
            reload();
        }
    }

    @Override
    public String get() {
        if (file != null && System.currentTimeMillis() - checkedAt > 1_000) {
            reload();
        }
        return token;
    }

    /** Grows each time the token changes. */
    long version() {
        get();
        return version;
    }

    private synchronized void reload() {
        checkedAt = System.currentTimeMillis();
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            if (modified == fileModified) {
                return;
            }
            fileModified = modified;
            String fresh = Files.readString(file).trim();
            if (!fresh.equals(token)) {
                token = fresh;
                version++;
            }
        } catch (IOException e) {
            if (token == null) {
                throw new UncheckedIOException("cannot read the WhatsApp token file " + file, e);
            }
            // keep the token we have; the next check tries again
        }
    }
}
