package dev.appcare.runtime;

import dev.appcare.model.DurationSetting;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * A role's configuration: a properties file, overridden by environment variables, overridden by
 * explicit values (command-line options). An environment variable {@code APPCARE_SENDER_RATE_PER_SECOND}
 * overrides the key {@code sender.rate.per.second}: prefix {@code APPCARE_}, dots as underscores.
 * This keeps containers configurable without files and local runs configurable with one file.
 * An environment variable cannot tell a dot from a hyphen, so a hyphenated key such as
 * {@code whatsapp.app-secret} is also found under its all-dots form {@code whatsapp.app.secret}.
 */
public final class AppConfig {
    public static final String ENV_PREFIX = "APPCARE_";
    private final Map<String, String> values;

    private AppConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static AppConfig of(Map<String, String> values) {
        return new AppConfig(values);
    }

    /** Loads {@code file} (may be null), then applies {@code env} and then {@code overrides}. */
    public static AppConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + file, e);
            }
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                values.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        values.putAll(overrides);
        return new AppConfig(values);
    }

    public String get(String key, String defaultValue) {
        String value = value(key);
        return value == null ? defaultValue : value;
    }

    public String require(String key) {
        String value = value(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing configuration '" + key + "' (or env " + envName(key) + ")");
        }
        return value;
    }

    public int getInt(String key, int defaultValue) {
        return parse(key, defaultValue, Integer::parseInt);
    }

    public long getLong(String key, long defaultValue) {
        return parse(key, defaultValue, Long::parseLong);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return parse(key, defaultValue, Boolean::parseBoolean);
    }

    /** A duration as ISO-8601 ({@code PT15M}) or milliseconds ({@code 900000}). */
    public Duration getDuration(String key, Duration defaultValue) {
        String value = value(key);
        return value == null || value.isBlank() ? defaultValue : DurationSetting.parse(key, value);
    }

    /** All keys under a prefix, with the prefix removed: {@code withPrefix("kafka.")} gives client properties. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    public Map<String, String> asMap() {
        return values;
    }

    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value of a key, or of its all-dots form (how an environment variable spells it). */
    private String value(String key) {
        String value = values.get(key);
        return value != null ? value : values.get(key.replace('-', '.'));
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser) {
        String value = value(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return parser.apply(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("configuration '" + key + "' has an invalid value '" + value + "': " + e.getMessage(), e);
        }
    }
}
