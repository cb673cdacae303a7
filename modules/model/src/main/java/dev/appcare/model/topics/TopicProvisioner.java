package dev.appcare.model.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates AppCare's topics explicitly through the Admin API (never by auto-create). Idempotent: topics
 * that exist are left alone, and differences from the contract (fewer partitions, another cleanup
 * policy or retention) are reported, not silently changed: changing them on a live topic is a decision
 * for a person.
 */
public final class TopicProvisioner {

    public enum Action {
        /** Missing: will be (or was) created. */
        CREATE,
        /** Exists and matches the contract. */
        UP_TO_DATE,
        /** Exists but differs from the contract; see the detail. */
        DIFFERS
    }

    public record Step(String topic, Action action, int partitions, short replicationFactor, String detail) {
        @Override
        public String toString() {
            return String.format("%-10s %-32s partitions=%d replication=%d%s", action, topic, partitions,
                    replicationFactor, detail.isEmpty() ? "" : "  (" + detail + ")");
        }
    }

    private final Admin admin;
    private final Collection<TopicSpec<?>> topics;
    private final int partitionsOverride;
    private final short replicationFactor;
    private final ErasureBound erasure;
    private final Map<String, Integer> partitionsByTopic;

    /**
     * @param partitionsOverride partitions for every new topic, or 0 for each topic's default
     * @param replicationFactor  replication of new topics, or 0 for min(3, brokers in the cluster)
     */
    public TopicProvisioner(Admin admin, Collection<TopicSpec<?>> topics, int partitionsOverride, short replicationFactor) {
        this(admin, topics, partitionsOverride, replicationFactor, ErasureBound.DEFAULT);
    }

    /** As above, with the topic settings that make {@code erasure} true. */
    public TopicProvisioner(Admin admin, Collection<TopicSpec<?>> topics, int partitionsOverride, short replicationFactor,
                            ErasureBound erasure) {
        this(admin, topics, partitionsOverride, replicationFactor, erasure, Map.of());
    }

    /**
     * As above, with per-topic partition counts ({@link Partitioning#configured}) that win over
     * {@code partitionsOverride} and the defaults. A plan whose counts break a co-partitioning rule
     * ({@link Partitioning#CO_PARTITIONED}) is refused.
     */
    public TopicProvisioner(Admin admin, Collection<TopicSpec<?>> topics, int partitionsOverride, short replicationFactor,
                            ErasureBound erasure, Map<String, Integer> partitionsByTopic) {
        this.partitionsByTopic = Map.copyOf(partitionsByTopic);
        this.erasure = erasure;
        this.admin = admin;
        this.topics = List.copyOf(topics);
        this.partitionsOverride = partitionsOverride;
        this.replicationFactor = replicationFactor;
    }

    /** What {@link #apply()} would do, without changing anything. */
    public List<Step> plan() throws ExecutionException, InterruptedException {
        short rf = replicationFactor > 0 ? replicationFactor
                : (short) Math.min(3, admin.describeCluster().nodes().get().size());
        Set<String> existing = admin.listTopics().names().get();
        List<String> present = topics.stream().map(TopicSpec::name).filter(existing::contains).toList();
        Map<String, TopicDescription> descriptions = admin.describeTopics(present).allTopicNames().get();
        Map<ConfigResource, Config> configs = admin.describeConfigs(present.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all().get();

        List<Step> steps = new ArrayList<>();
        for (TopicSpec<?> spec : topics) {
            int partitions = partitionsByTopic.getOrDefault(spec.name(),
                    partitionsOverride > 0 ? partitionsOverride : spec.partitions());
            TopicDescription description = descriptions.get(spec.name());
            if (description == null) {
                steps.add(new Step(spec.name(), Action.CREATE, partitions, rf, ""));
                continue;
            }
            List<String> differences = new ArrayList<>();
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            spec.configs(erasure).forEach((key, wanted) -> {
                ConfigEntry entry = actual.get(key);
                String value = entry == null ? null : entry.value();
                if (!wanted.equals(value)) {
                    differences.add(key + " is " + value + ", contract says " + wanted);
                }
            });
            int actualPartitions = description.partitions().size();
            Integer configured = partitionsByTopic.get(spec.name());
            if (configured != null && configured != actualPartitions) {
                differences.add("partitions is " + actualPartitions + ", configuration says " + configured);
            }
            short actualRf = (short) description.partitions().get(0).replicas().size();
            steps.add(new Step(spec.name(), differences.isEmpty() ? Action.UP_TO_DATE : Action.DIFFERS,
                    actualPartitions, actualRf, String.join("; ", differences)));
        }
        List<String> problems = Partitioning.violations(steps.stream()
                .collect(Collectors.toMap(Step::topic, Step::partitions)), Partitioning.CO_PARTITIONED);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing this topic plan: " + String.join("; ", problems));
        }
        return steps;
    }

    /** Creates the missing topics and returns the plan it carried out. */
    public List<Step> apply() throws ExecutionException, InterruptedException {
        List<Step> steps = plan();
        Map<String, TopicSpec<?>> byName = topics.stream().collect(Collectors.toMap(TopicSpec::name, t -> t));
        var toCreate = steps.stream().filter(s -> s.action() == Action.CREATE)
                .map(s -> byName.get(s.topic()).newTopic(s.partitions(), s.replicationFactor(), erasure)).toList();
        if (!toCreate.isEmpty()) {
            var results = admin.createTopics(toCreate).values();
            for (var result : results.values()) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    // Another instance created it between our plan and now: that is the outcome we wanted.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        return steps;
    }
}
