package dev.appcare.app;

import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.Partitioning;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code appcare topics create [--dry-run]}: creates every topic of the contract, idempotently. */
@Command(name = "topics", description = "Manage AppCare's topics.", mixinStandardHelpOptions = true,
        subcommands = TopicsCommand.Create.class)
final class TopicsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create every AppCare topic that is missing; report topics that differ from the contract.")
    static final class Create implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--dry-run", description = "Only print what would be done.")
        boolean dryRun;

        @Option(names = "--partitions", defaultValue = "0",
                description = "Partitions for new topics (default: each topic's own default); "
                        + "topics.partitions.<topic>=N in --config sets one topic's count and wins.")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "0",
                description = "Replication factor for new topics (default: min(3, brokers)).")
        short replicationFactor;

        @Option(names = "--erasure-bound", defaultValue = "${env:APPCARE_ERASURE_BOUND:-PT24H}",
                description = "An erased traveller is gone from every topic within this (ISO-8601, default: ${DEFAULT-VALUE});"
                        + " sets segment.ms, max.compaction.lag.ms and the retention of topics with personal data (docs/privacy.md).")
        Duration erasureBound;

        @Option(names = "--tombstone-retention", defaultValue = "${env:APPCARE_ERASURE_TOMBSTONE_RETENTION:-P7D}",
                description = "How long erasure tombstones stay readable: longer than any role may be down (default: ${DEFAULT-VALUE}).")
        Duration tombstoneRetention;

        @Override
        public Integer call() throws Exception {
            try {
                return createTopics();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof AuthenticationException refused)) {
                    throw e;
                }
                // A cluster that refuses the client (TLS trust, SASL credentials): one clear line, not a stack trace.
                Throwable root = refused;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                System.err.println("topics create: the cluster refused the connection (" + refused.getClass().getSimpleName()
                        + ": " + refused.getMessage() + (root == refused ? "" : "; " + root.getMessage())
                        + "): check kafka.security.protocol, kafka.ssl.truststore.* and kafka.sasl.* in --config");
                return 3;
            }
        }

        private int createTopics() throws Exception {
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                ErasureBound bound = new ErasureBound(erasureBound, tombstoneRetention);
                TopicProvisioner provisioner = new TopicProvisioner(admin, Topics.ALL, partitions, replicationFactor,
                        bound, Partitioning.configured(kafka.appConfig().asMap()));
                List<TopicProvisioner.Step> steps = dryRun ? provisioner.plan() : provisioner.apply();
                System.out.println(dryRun ? "Plan (dry run, nothing changed):" : "Done:");
                steps.forEach(step -> System.out.println("  " + step));
                boolean differs = steps.stream().anyMatch(s -> s.action() == TopicProvisioner.Action.DIFFERS);
                if (differs) {
                    System.out.println("Some topics differ from the contract; change them deliberately (kafka-configs).");
                }
                warnAboutBrokers(admin, bound);
                return differs ? 3 : 0;
            }
        }

        /**
         * The bound also rests on two broker settings AppCare does not own (ErasureBound#brokerProblems): say
         * which broker breaks them. A warning, not a failure: the topics are right either way.
         */
        private static void warnAboutBrokers(Admin admin, ErasureBound bound) throws InterruptedException {
            try {
                List<ConfigResource> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                        .map(node -> new ConfigResource(ConfigResource.Type.BROKER, node.idString())).toList();
                admin.describeConfigs(brokers).all().get(30, TimeUnit.SECONDS).forEach((broker, config) -> {
                    Map<String, String> values = new HashMap<>();
                    config.entries().forEach(entry -> {
                        if (entry.value() != null) {
                            values.put(entry.name(), entry.value());
                        }
                    });
                    bound.brokerProblems(values).forEach(problem -> System.out.println("WARN broker " + broker.name() + ": " + problem));
                });
            } catch (ExecutionException | TimeoutException e) {
                System.out.println("WARN cannot read the brokers' settings (" + (e.getCause() == null ? e : e.getCause())
                        + "): check " + ErasureBound.RETENTION_CHECK + " <= B/8 and " + ErasureBound.CLEANER_BACKOFF
                        + " <= B/16 by hand (docs/privacy.md)");
            }
        }
    }
}
