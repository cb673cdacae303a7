package dev.appcare.app;

import dev.appcare.model.topics.ErasureBound;
import dev.appcare.model.topics.Partitioning;
import dev.appcare.model.topics.TopicProvisioner;
import dev.appcare.model.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
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
            try (Admin admin = Admin.create(kafka.adminConfig())) {
                TopicProvisioner provisioner = new TopicProvisioner(admin, Topics.ALL, partitions, replicationFactor,
                        new ErasureBound(erasureBound, tombstoneRetention), Partitioning.configured(kafka.appConfig()));
                List<TopicProvisioner.Step> steps = dryRun ? provisioner.plan() : provisioner.apply();
                System.out.println(dryRun ? "Plan (dry run, nothing changed):" : "Done:");
                steps.forEach(step -> System.out.println("  " + step));
                boolean differs = steps.stream().anyMatch(s -> s.action() == TopicProvisioner.Action.DIFFERS);
                if (differs) {
                    System.out.println("Some topics differ from the contract; change them deliberately (kafka-configs).");
                }
                return differs ? 3 : 0;
            }
        }
    }
}
