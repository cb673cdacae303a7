package dev.appcare.ops.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Counts per dimension and value (e.g. "outcome" → "redrive" → 97), for the plans the ops commands print. */
public final class Tally {
    private final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();

    public Tally add(String dimension, String value) {
        counts.computeIfAbsent(dimension, d -> new TreeMap<>()).merge(value, 1L, Long::sum);
        return this;
    }

    public long get(String dimension, String value) {
        return counts.getOrDefault(dimension, Map.of()).getOrDefault(value, 0L);
    }

    public Map<String, Long> of(String dimension) {
        return Map.copyOf(counts.getOrDefault(dimension, Map.of()));
    }

    /** One line per dimension: {@code by outcome: redrive 97, skip: expired 3}. */
    public String render(String indent) {
        StringBuilder out = new StringBuilder();
        counts.forEach((dimension, values) -> {
            out.append(indent).append("by ").append(dimension).append(": ");
            StringBuilder line = new StringBuilder();
            values.forEach((v, n) -> line.append(line.isEmpty() ? "" : ", ").append(v).append(' ').append(n));
            out.append(line).append('\n');
        });
        return out.toString();
    }
}
