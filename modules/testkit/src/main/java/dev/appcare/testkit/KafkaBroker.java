package dev.appcare.testkit;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft, one combined broker + controller node) running inside the test
 * JVM, listening on 127.0.0.1 only. Configured so that exactly-once works on a single node and so
 * that topics must be created explicitly, as in production.
 *
 * <p>Usually obtained through {@link RealInfrastructureExtension} (one broker per test JVM); tests then
 * share it and keep apart by using their own topic and group names ({@link TestNames}).
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The broker settings the kit always applies. Internal topics at replication 1 / min ISR 1: with the
     * defaults (3 / 2) a single node cannot run transactions or share groups. Fewer internal partitions
     * than the default 50 make the first consumer group and the first transaction noticeably quicker.
     */
    static final Map<String, String> DEFAULT_CONFIG = Map.ofEntries(
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "4"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "4"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            // Topics are part of the contract and always created explicitly; a typo must fail, not create.
            Map.entry("auto.create.topics.enable", "false"));

    /** The SASL/PLAIN user of {@link #startSecured}: the kit's super user (no ACLs needed). */
    public static final String SASL_USER = "plain-admin";
    public static final String SASL_PASSWORD = "plain-admin-secret";

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Map<String, Object> securityConfig;
    private final Thread shutdownHook;
    /** The key material of {@link #startSaslSsl}, deleted on close; null otherwise. */
    private final TlsMaterial tls;
    private Admin admin;
    private boolean closed;

    private KafkaBroker(KafkaClusterTestKit cluster, String bootstrapServers, Map<String, Object> securityConfig,
                        TlsMaterial tls) {
        this.cluster = cluster;
        this.tls = tls;
        this.bootstrapServers = bootstrapServers;
        this.securityConfig = Map.copyOf(securityConfig);
        this.shutdownHook = new Thread(this::closeQuietly, "kafka-broker-shutdown");
    }

    /** Starts a broker with the kit's defaults and returns once it accepts clients. */
    public static KafkaBroker start() {
        return start(Map.of());
    }

    /** Starts a broker with extra broker settings (they win over the defaults). */
    public static KafkaBroker start(Map<String, String> extraBrokerConfig) {
        return start(extraBrokerConfig, SecurityProtocol.PLAINTEXT);
    }

    /**
     * Starts a broker whose listeners (clients and controller) only speak SASL_PLAINTEXT with the PLAIN
     * mechanism and run the standard authorizer (the kit's setup: user {@value #SASL_USER} is a super user). A client without
     * {@link #clientSecurityConfig()} cannot connect: that is what the secured-cluster tests rely on.
     */
    public static KafkaBroker startSecured(Map<String, String> extraBrokerConfig) {
        return start(extraBrokerConfig, SecurityProtocol.SASL_PLAINTEXT);
    }

    /**
     * Starts a broker whose client listener speaks only SASL_SSL (PLAIN over TLS, standard authorizer, the
     * same user as {@link #startSecured}), with throwaway key material ({@link TlsMaterial}, deleted on
     * close). {@link #clientSecurityConfig()} then holds the SASL settings and the trust store; host name
     * verification stays on (the certificate names 127.0.0.1). The controller listener stays
     * SASL_PLAINTEXT on 127.0.0.1: Kafka's test kit sets up SASL only for that protocol, and no AppCare
     * client talks to the controller.
     */
    public static KafkaBroker startSaslSsl(Map<String, String> extraBrokerConfig) {
        TlsMaterial tls = TlsMaterial.generate();
        try {
            return start(extraBrokerConfig, SecurityProtocol.SASL_SSL, tls);
        } catch (RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    private static KafkaBroker start(Map<String, String> extraBrokerConfig, SecurityProtocol protocol) {
        return start(extraBrokerConfig, protocol, null);
    }

    private static KafkaBroker start(Map<String, String> extraBrokerConfig, SecurityProtocol protocol, TlsMaterial tls) {
        long started = System.nanoTime();
        KafkaClusterTestKit cluster = null;
        // The kit knows PLAINTEXT and SASL_PLAINTEXT only; SASL_SSL is its SASL setup with TLS on the client listener.
        SecurityProtocol kitProtocol = protocol == SecurityProtocol.SASL_SSL ? SecurityProtocol.SASL_PLAINTEXT : protocol;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(kitProtocol)
                    // The kit's authorizer admits the controller connection only as its SASL super user.
                    .setControllerSecurityProtocol(kitProtocol)
                    .setBaseDirectory(dataDirectory())
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            DEFAULT_CONFIG.forEach(builder::setConfigProp);
            // Also turned on by the kit for Kafka's own tests of unreleased features.
            builder.setConfigProp("unstable.api.versions.enable", "false");
            builder.setConfigProp("unstable.feature.versions.enable", "false");
            // 127.0.0.1 rather than the kit's "localhost": it is what the broker advertises to clients.
            builder.setConfigProp("listeners", "%s://127.0.0.1:0,%s://127.0.0.1:0".formatted(
                    nodes.brokerListenerName().value(), nodes.controllerListenerName().value()));
            if (tls != null) {
                // The kit only puts its own map if none is set: the client listener becomes SASL_SSL.
                builder.setConfigProp("listener.security.protocol.map", "%s:SASL_SSL,%s:SASL_PLAINTEXT".formatted(
                        nodes.brokerListenerName().value(), nodes.controllerListenerName().value()));
                builder.setConfigProp("ssl.keystore.location", tls.keyStore().toString());
                builder.setConfigProp("ssl.keystore.password", tls.password());
                builder.setConfigProp("ssl.key.password", tls.password());
                builder.setConfigProp("ssl.keystore.type", TlsMaterial.STORE_TYPE);
                // The client listener is also the inter-broker one: the broker trusts its own certificate.
                builder.setConfigProp("ssl.truststore.location", tls.trustStore().toString());
                builder.setConfigProp("ssl.truststore.password", tls.password());
                builder.setConfigProp("ssl.truststore.type", TlsMaterial.STORE_TYPE);
            }
            extraBrokerConfig.forEach(builder::setConfigProp);
            bindListenersOnLoopback(builder);

            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();

            // The kit's own bootstrapServers() says "localhost", which may resolve to ::1 first.
            ListenerName listener = nodes.brokerListenerName();
            String bootstrap = cluster.brokers().values().stream()
                    .map(broker -> "127.0.0.1:" + broker.boundPort(listener))
                    .collect(Collectors.joining(","));
            Map<String, Object> security = new HashMap<>();
            if (protocol != SecurityProtocol.PLAINTEXT) {
                security.put("security.protocol", protocol.name);
                security.put("sasl.mechanism", "PLAIN");
                security.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + SASL_USER + "\" password=\"" + SASL_PASSWORD + "\";");
            }
            if (tls != null) {
                security.putAll(trustStoreConfig(tls));
            }
            KafkaBroker broker = new KafkaBroker(cluster, bootstrap, security, tls);
            Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
            log.info("Kafka broker ready at {} in {} ms", bootstrap,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return broker;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Could not start the in-process Kafka broker", e);
        }
    }

    /**
     * What {@code kafka-storage format} gives a new production cluster of this Kafka release: the latest
     * production metadata version and each feature (transactions v2, groups, streams, ...) at its default
     * level for it. The kit's own default is the newest <em>unreleased</em> metadata version, and its
     * {@code setBootstrapMetadataVersion} drops the feature levels (transaction.version 0 and so on).
     */
    private static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = Feature.PRODUCTION_FEATURES.stream()
                .collect(Collectors.toMap(Feature::featureName, feature -> feature.defaultLevel(version)));
        return BootstrapMetadata.fromVersions(version, features, "appcare-testkit");
    }

    /**
     * A fresh kafka-* folder under the {@code java.io.tmpdir} system property (target/ in Maven builds).
     * The kit's own default goes through {@code Files.createTempDirectory}, which uses the value the JVM
     * started with and so ignores surefire's systemPropertyVariables, landing in /tmp.
     */
    private static Path dataDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmp);
        return Files.createTempDirectory(tmp, "kafka-");
    }

    /**
     * {@code KafkaClusterTestKit} pre-binds its listener sockets on the wildcard address and offers no
     * setting for it, so its socket manager is swapped for one that binds on 127.0.0.1 (see
     * {@link LoopbackSocketFactoryManager}). The field is private; this is pinned to Kafka 4.3.x and
     * fails loudly rather than silently listening on every interface if a Kafka upgrade renames it.
     */
    private static void bindListenersOnLoopback(KafkaClusterTestKit.Builder builder) {
        try {
            Field field = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
            field.setAccessible(true);
            field.set(builder, new LoopbackSocketFactoryManager());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("This Kafka version's KafkaClusterTestKit.Builder has no "
                    + "'socketFactoryManager' field; update LoopbackSocketFactoryManager/KafkaBroker for it", e);
        }
    }

    /** The {@code bootstrap.servers} value, e.g. {@code 127.0.0.1:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates topics with {@code partitions} partitions, replication 1, and waits until they have leaders. */
    public void createTopic(String name, int partitions) {
        createTopics(new NewTopic(name, partitions, (short) 1));
    }

    /** Creates the topics (configs included) and waits until every partition has a leader. */
    public void createTopics(NewTopic... topics) {
        List<NewTopic> list = Arrays.asList(topics);
        Set<String> names = list.stream().map(NewTopic::name).collect(Collectors.toSet());
        try {
            admin().createTopics(list).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(names);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topics " + names + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topics " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted creating topics " + names, e);
        }
    }

    /**
     * The controller acknowledges a new topic before the broker has loaded it; a producer or consumer
     * started in that gap sees "unknown topic" and, for consumers, may be assigned nothing. Waiting
     * for leaders here keeps every test that creates a topic from having to know that.
     */
    private void awaitLeaders(Set<String> names) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin().describeTopics(names).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean ready = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .map(TopicPartitionInfo::leader)
                        .allMatch(leader -> leader != null && !leader.isEmpty());
                if (ready) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Could not describe topics " + names, e.getCause());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("Topics " + names + " have no leader after " + ADMIN_TIMEOUT);
            }
            Thread.sleep(20);
        }
    }

    /** A shared admin client owned by the broker (closed with it); do not close it yourself. */
    public synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("The Kafka broker is closed");
        }
        if (admin == null) {
            admin = Admin.create(adminProperties());
        }
        return admin;
    }

    /** The key material of a {@link #startSaslSsl} broker (deleted when it closes), for a test's other TLS servers; else null. */
    public TlsMaterial tls() {
        return tls;
    }

    /** A Kafka client's trust store settings for {@code tls} (Kafka's key names). */
    public static Map<String, Object> trustStoreConfig(TlsMaterial tls) {
        return Map.of("ssl.truststore.location", tls.trustStore().toString(),
                "ssl.truststore.password", tls.password(), "ssl.truststore.type", TlsMaterial.STORE_TYPE);
    }

    /**
     * What a client needs besides {@code bootstrap.servers}: empty, the SASL settings of {@link #startSecured},
     * or those and the trust store of {@link #startSaslSsl}.
     */
    public Map<String, Object> clientSecurityConfig() {
        return securityConfig;
    }

    /** Settings for an admin client of your own (a fresh, mutable map). */
    public Map<String, Object> adminProperties() {
        Map<String, Object> props = new HashMap<>(securityConfig);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /** Producer settings without serializers (a fresh, mutable map): {@code acks=all}, idempotent. */
    public Map<String, Object> producerProperties() {
        Map<String, Object> props = new HashMap<>(securityConfig);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    /**
     * Consumer settings without deserializers (a fresh, mutable map). Reads from the earliest offset,
     * since a test's topic is new and it wants what was written before it subscribed, and only
     * committed records, since AppCare's pipeline writes with transactions.
     */
    public Map<String, Object> consumerProperties(String groupId) {
        Map<String, Object> props = new HashMap<>(securityConfig);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }

    /** Stops the broker and deletes its data directories. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Called from the hook itself, or during JVM shutdown: nothing to unregister.
        }
        long started = System.nanoTime();
        synchronized (this) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        }
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the Kafka broker cleanly", e);
        } finally {
            if (tls != null) {
                tls.close();
            }
        }
        log.info("Kafka broker at {} stopped in {} ms", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.warn("Kafka broker did not stop cleanly", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + "]";
    }
}
