package dev.appcare.model.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Partition counts as a deployment choice: how many partitions each topic has (configuration
 * {@code topics.partitions.<topic name>=N}, read by {@code appcare topics create}), and which topics must
 * agree because one task reads them together by key (co-partitioning). Each role that joins topics checks
 * its group at start and refuses to run when the counts disagree; the partitioner external producers may
 * use is in {@code docs/producers.md}.
 *
 * <p>The number of partitions of {@code notify.whatsapp-request.v1} is also how far the sender scales out:
 * at most one instance per partition does work, and each number's ceiling is shared by partitions.
 */
public final class Partitioning {
    /** Configuration prefix: {@code topics.partitions.notify.whatsapp-request.v1=12}. */
    public static final String KEY_PREFIX = "topics.partitions.";

    /** Topics read together, by the same key, in one task: their partition counts must be equal. */
    public record Group(String name, List<TopicSpec<?>> topics, String why) {
        public Group {
            topics = List.copyOf(topics);
        }

    }

    /** Care joins a conversation's inbound messages, agent replies and what AppCare sent, by phone. */
    public static final Group CARE_CONVERSATION = new Group("care-conversation",
            List.of(Topics.CARE_INBOUND, Topics.CARE_AGENT_REPLY, Topics.WHATSAPP_REQUEST),
            "care reads them by phone in one task: a conversation is whole only if they agree on partitions");

    /**
     * Every co-partitioning rule. The notifier repartitions its inputs itself (they need not agree); the
     * sender reads one keyed topic (its ledger and preference views are read whole).
     */
    public static final List<Group> CO_PARTITIONED = List.of(CARE_CONVERSATION);

    private Partitioning() {
    }

    /** The per-topic counts the configuration sets; an unknown topic or a count below 1 is an error. */
    public static Map<String, Integer> configured(Map<String, String> settings) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            if (!key.startsWith(KEY_PREFIX)) {
                return;
            }
            String topic = key.substring(KEY_PREFIX.length());
            if (Topics.byName(topic).isEmpty()) {
                throw new IllegalArgumentException(KEY_PREFIX + topic + ": no such topic in the contract (topics: "
                        + Topics.ALL.stream().map(TopicSpec::name).collect(Collectors.joining(", ")) + ")");
            }
            int n;
            try {
                n = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new IllegalArgumentException(KEY_PREFIX + topic + " must be a partition count of at least 1, got '"
                        + value + "'");
            }
            counts.put(topic, n);
        });
        return counts;
    }

    /**
     * What is wrong with these partition counts (topic name to count, names without suffix): one line per
     * group whose topics disagree; empty when all is well. Topics missing from {@code counts} are not judged.
     */
    public static List<String> violations(Map<String, Integer> counts, Collection<Group> groups) {
        List<String> problems = new ArrayList<>();
        for (Group group : groups) {
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (TopicSpec<?> t : group.topics()) {
                Optional.ofNullable(counts.get(t.name())).ifPresent(n -> seen.put(t.name(), n));
            }
            if (seen.values().stream().distinct().count() > 1) {
                problems.add("co-partitioned topics of '" + group.name() + "' disagree: " + seen + " (" + group.why()
                        + "); give them the same partition count");
            }
        }
        return problems;
    }

    /**
     * A role's check at start: reads the partition counts of {@code group}'s topics from the broker, under
     * the names the role uses ({@code topicNames}: the contract's names, or with a test suffix), and throws
     * {@link IllegalStateException} naming the counts if they disagree.
     */
    public static void requireCoPartitioned(Admin admin, Group group, TopicNames topicNames) {
        List<String> names = topicNames.names(group.topics());
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(names).allTopicNames().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe the topics " + names + " (create them first: appcare "
                    + "topics create): " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 60 s describing " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            counts.put(group.topics().get(i).name(), descriptions.get(names.get(i)).partitions().size());
        }
        List<String> problems = violations(counts, List.of(group));
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems) + " — on the broker: " + names);
        }
    }
}
