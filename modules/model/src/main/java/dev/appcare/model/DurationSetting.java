package dev.appcare.model;

import java.time.Duration;

/**
 * How every AppCare setting spells a duration: ISO-8601 ({@code PT15M}) or milliseconds ({@code 900000}). It lives
 * in {@code model} because topic rules read durations from settings below the runtime layer; the runtime's
 * config type uses the same parse.
 */
public final class DurationSetting {
    private DurationSetting() {
    }

    /** The duration {@code value} spells; an {@link IllegalArgumentException} naming {@code key} otherwise. */
    public static Duration parse(String key, String value) {
        String v = value.strip();
        try {
            return v.startsWith("P") || v.startsWith("p") ? Duration.parse(v) : Duration.ofMillis(Long.parseLong(v));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("configuration '" + key + "' has an invalid value '" + value + "': "
                    + e.getMessage(), e);
        }
    }
}
