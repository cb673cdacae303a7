package dev.appcare.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs; scripts/bench passes every setting explicitly, so nothing has a hidden default. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args, int from) {
        for (int i = from; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
    }

    String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    int integer(String name) {
        return Integer.parseInt(get(name));
    }

    long number(String name) {
        return Long.parseLong(get(name));
    }

    double decimal(String name) {
        return Double.parseDouble(get(name));
    }

    Path path(String name) {
        return Path.of(get(name));
    }

    Instant instant(String name) {
        return Instant.ofEpochMilli(number(name));
    }
}
