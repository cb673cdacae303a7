package dev.appcare.ops;

import dev.appcare.ops.rules.OffsetReset;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Resets a consumer group's offsets on some topics to a point in time, through the Admin API
 * ({@code listOffsets} by timestamp, {@code alterConsumerGroupOffsets}), as {@code kafka-consumer-groups
 * --reset-offsets --to-datetime} does: a plan first, and a refusal while the group has members.
 */
public final class OffsetResetter {
    private static final long TIMEOUT_S = 60;
    private final OpsContext ctx;

    /** What a reset would do (or did). {@code refusal} is non-null while the group has members. */
    public record Plan(String group, String groupState, List<String> members, Instant target,
                       List<OffsetReset.Partition> partitions, String refusal) {
        public String render() {
            StringBuilder out = new StringBuilder();
            out.append("  group ").append(group).append(" (state ").append(groupState).append(", ")
                    .append(members.size()).append(" member(s)); reset to the first offset at or after ").append(target).append('\n');
            out.append(String.format("  %-40s %10s %10s %10s %10s %10s%n", "topic/partition", "current", "target",
                    "log-start", "log-end", "re-read"));
            long total = 0;
            for (OffsetReset.Partition p : partitions) {
                out.append(String.format("  %-40s %10s %10d %10d %10d %10d%n", p.partition().topic() + "/" + p.partition().partition(),
                        p.current() == null ? "-" : p.current().toString(), p.target(), p.logStart(), p.logEnd(), p.delta()));
                total += p.delta();
            }
            out.append("  records to read again in total: ").append(total)
                    .append(total < 0 ? " (negative: skipped forward)" : "").append('\n');
            if (refusal != null) {
                out.append("  REFUSED: ").append(refusal).append('\n');
            }
            return out.toString();
        }
    }

    public OffsetResetter(OpsContext ctx) {
        this.ctx = ctx;
    }

    public Plan plan(String group, List<String> topics, Instant target) throws Exception {
        try (Admin admin = ctx.admin()) {
            return plan(admin, group, topics, target);
        }
    }

    private Plan plan(Admin admin, String group, List<String> topics, Instant target) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups()
                .get(group).get(TIMEOUT_S, TimeUnit.SECONDS);
        List<String> members = description.members().stream()
                .map(m -> m.clientId() + (m.host() == null ? "" : "@" + m.host())).sorted().toList();
        String state = String.valueOf(description.groupState());
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        described.forEach((topic, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        Map<TopicPartition, Long> forTime = offsets(admin, partitions, OffsetSpec.forTimestamp(target.toEpochMilli()));
        Map<TopicPartition, Long> starts = offsets(admin, partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> current = new HashMap<>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                current.put(tp, o.offset());
            }
        });
        return new Plan(group, state, members, target, OffsetReset.plan(partitions, current, forTime, starts, ends),
                OffsetReset.refusal(group, state, members));
    }

    /** Applies the plan; refuses (without changing anything) if the group has members now. */
    public void execute(Plan plan) throws Exception {
        if (plan.refusal() != null) {
            throw new RefusedException(plan.refusal());
        }
        try (Admin admin = ctx.admin()) {
            ConsumerGroupDescription now = admin.describeConsumerGroups(List.of(plan.group())).describedGroups()
                    .get(plan.group()).get(TIMEOUT_S, TimeUnit.SECONDS);
            String refusal = OffsetReset.refusal(plan.group(), String.valueOf(now.groupState()),
                    now.members().stream().map(m -> m.clientId()).toList());
            if (refusal != null) {
                throw new RefusedException(refusal);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (OffsetReset.Partition p : plan.partitions()) {
                if (p.changes()) {
                    offsets.put(p.partition(), new OffsetAndMetadata(p.target()));
                }
            }
            if (!offsets.isEmpty()) {
                admin.alterConsumerGroupOffsets(plan.group(), offsets).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(query).all()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** A reset that must not run now; the command exits with status 3 and changes nothing. */
    public static final class RefusedException extends Exception {
        public RefusedException(String message) {
            super(message);
        }
    }
}
