package dev.appcare.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code topics create} and {@code schemas register} share: they bring the cluster in line with the
 * contract (topics, schemas), over the tools' connection options, and can first only check.
 */
abstract class ContractTask implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--dry-run", description = "Only check and print what would be done; change nothing.")
    boolean dryRun;
}
