package dev.appcare.sender;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The sender's Kafka client settings: defaults, then {@code kafka.*} overrides, then what must hold. */
final class SenderClients {
    private final SenderConfig config;

    SenderClients(SenderConfig config) {
        this.config = config;
    }

    Map<String, Object> producerProperties(String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
        overrides(p, ProducerConfig.configNames());
        return p;
    }

    /** A group-less consumer reading a whole compacted topic (ledger, preferences). */
    KafkaConsumer<String, byte[]> viewConsumer(String clientId) {
        return new KafkaConsumer<>(consumerBase(clientId), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> consumerBase(String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        overrides(p, ConsumerConfig.configNames());
        // Requests (notifier, opt-in API) and preferences (opt-in API) are written in transactions: a
        // record of an aborted or still-open transaction must never be sent nor taken as consent. Not
        // overridable.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    Map<String, Object> requestConsumerProperties(String clientId) {
        Map<String, Object> p = consumerBase(clientId + "-requests");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        // Cooperative rebalancing: an instance joining or leaving moves only the partitions that change
        // owner; the others keep sending through the rebalance.
        p.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        return p;
    }

    /** {@code kafka.*} settings (security, timeouts...) that apply to this kind of client. */
    private void overrides(Map<String, Object> properties, Set<String> known) {
        config.kafkaOverrides().forEach((k, v) -> {
            if (known.contains(k)) {
                properties.put(k, v);
            }
        });
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
