package dev.appcare.model.registry;

import java.util.List;

/** Answer of a compatibility check: whether the candidate is compatible, and why not. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
