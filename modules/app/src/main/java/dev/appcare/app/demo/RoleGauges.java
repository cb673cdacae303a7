package dev.appcare.app.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the demo reads about its roles from outside, the way an operator would: each consumer group's
 * lag (Admin API: committed offsets against log ends, internal repartition topics included) and the
 * roles' own Prometheus {@code /metrics}.
 */
public final class RoleGauges implements AutoCloseable {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Admin admin;
    private final Map<String, String> groups;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param groups role name → consumer group id */
    public RoleGauges(String bootstrapServers, Map<String, String> groups) {
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers, "client.id", "appcare-demo-gauges"));
        this.groups = new LinkedHashMap<>(groups);
    }

    /** Role → records its group has not yet committed past (-1 if the group cannot be read). */
    public Map<String, Long> lag() {
        Map<String, Long> lag = new LinkedHashMap<>();
        groups.forEach((role, group) -> lag.put(role, lagOf(group)));
        return lag;
    }

    private long lagOf(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            if (committed.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                    .all().get(5, TimeUnit.SECONDS);
            long sum = 0;
            for (var e : committed.entrySet()) {
                if (e.getValue() != null) {
                    sum += Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                }
            }
            return sum;
        } catch (Exception e) {
            return -1;
        }
    }

    /** One sample of a role's {@code /metrics}: its name and labels. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The samples of {@code http://127.0.0.1:port/metrics}. */
    public java.util.List<Sample> metrics(int port) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return parse(answer.body());
        } catch (Exception e) {
            return java.util.List.of();
        }
    }

    /** Prometheus text format, samples only (comments and types skipped). */
    public static java.util.List<Sample> parse(String text) {
        java.util.List<Sample> samples = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            try {
                samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
            } catch (NumberFormatException e) {
                // NaN and friends parse; anything else is not a sample
            }
        }
        return samples;
    }

    /** The sum of {@code name}'s samples per value of {@code label}. */
    public static Map<String, Long> byLabel(java.util.List<Sample> samples, String name, String label) {
        Map<String, Long> out = new TreeMap<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.labels().containsKey(label)) {
                out.merge(s.labels().get(label), Math.round(s.value()), Long::sum);
            }
        }
        return out;
    }

    /** The first sample of {@code name}, or NaN. */
    public static double value(java.util.List<Sample> samples, String name) {
        return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(Sample::value).findFirst().orElse(Double.NaN);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
