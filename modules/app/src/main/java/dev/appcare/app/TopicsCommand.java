package dev.appcare.app;

import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.Partitioning;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import dev.appcare.runtime.AppConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code appcare topics create [--dry-run]}: creates every topic of the contract, idempotently. */
@Command(name = "topics", description = "Manage AppCare's topics.", mixinStandardHelpOptions = true,
        subcommands = TopicsCommand.Create.class)
final class TopicsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create every AppCare topic that is missing; report topics that differ from the contract.")
    static final class Create extends ContractTask {
        @Option(names = "--partitions", defaultValue = "0",
                description = "Partitions for new topics (default: each topic's own default); "
                        + "topics.partitions.<topic>=N in --config sets one topic's count and wins.")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "0",
                description = "Replication factor for new topics (default: min(3, brokers)).")
        short replicationFactor;

        @Option(names = "--erasure-bound", paramLabel = "DURATION",
                description = "An erased traveller is gone from every topic within this (key " + ErasureBound.CONFIG
                        + ", as for the roles; ISO-8601, default PT24H); sets segment.ms, max.compaction.lag.ms and the"
                        + " retention of topics with personal data (docs/privacy.md).")
        String erasureBound;

        @Option(names = "--tombstone-retention", paramLabel = "DURATION",
                description = "How long erasure tombstones stay readable: longer than any role may be down (key "
                        + ErasureBound.TOMBSTONE_CONFIG + "; default P7D, or the bound if longer).")
        String tombstoneRetention;

        @Override
        public Integer call() throws Exception {
            try {
                return createTopics();
            } catch (IllegalArgumentException e) {
                // A setting that is no duration (--erasure-bound, the file's erasure.bound): one line, as picocli's usage errors.
                System.err.println("topics create: " + e.getMessage());
                return picocli.CommandLine.ExitCode.USAGE;
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
            Map<String, String> flags = new HashMap<>();
            flags.put(ErasureBound.CONFIG, erasureBound);
            flags.put(ErasureBound.TOMBSTONE_CONFIG, tombstoneRetention);
            AppConfig config = kafka.appConfig(flags);
            try (Admin admin = Admin.create(KafkaOptions.adminConfig(config))) {
                ErasureBound bound = ErasureBound.from(config.asMap());
                TopicProvisioner provisioner = new TopicProvisioner(admin, Topics.ALL, partitions, replicationFactor,
                        bound, Partitioning.configured(config.asMap()));
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
