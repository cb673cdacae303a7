package dev.appcare.model.topics;

/** Kafka's {@code cleanup.policy}: keep records for a time, or keep the latest record per key. */
public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact");

    private final String config;

    CleanupPolicy(String config) {
        this.config = config;
    }

    public String config() {
        return config;
    }
}
