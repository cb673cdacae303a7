package dev.appcare.app;

import dev.appcare.model.registry.CompatibilityResult;
import dev.appcare.model.registry.IncompatibleSchemaException;
import dev.appcare.model.registry.SchemaNotFoundException;
import dev.appcare.model.registry.SchemaRegistryClient;
import dev.appcare.model.registry.SchemaRegistryClients;
import dev.appcare.model.registry.SchemaRegistryException;
import dev.appcare.model.topics.TopicSpec;
import dev.appcare.model.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import picocli.CommandLine.Command;

/**
 * {@code appcare schemas register [--dry-run]}: registers each topic's value schema under
 * {@code <topic>-value} with BACKWARD compatibility, so that writers can run with
 * {@code auto.register.schemas=false} and an incompatible change fails the deploy, not the producer.
 */
@Command(name = "schemas", description = "Manage AppCare's schemas in the registry.", mixinStandardHelpOptions = true,
        subcommands = SchemasCommand.Register.class)
final class SchemasCommand {

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register every topic's value schema (BACKWARD compatibility); --dry-run only checks.")
    static final class Register extends ContractTask {
        @Override
        public Integer call() {
            SchemaRegistryClient registry = SchemaRegistryClients.forConfig(kafka.registryConfig());
            try {
                return registerAll(registry);
            } catch (SchemaRegistryException e) {
                // Unreachable registry, refused credentials (401/403, with the hint which setting to check):
                // one clear line, not a stack trace; nothing after the first failure is attempted.
                System.err.println("schemas register: " + e.getMessage());
                return 3;
            }
        }

        private int registerAll(SchemaRegistryClient registry) {
            int failures = 0;
            for (TopicSpec<?> topic : Topics.ALL) {
                Schema schema = SpecificData.get().getSchema(topic.valueType());
                String subject = topic.valueSubject();
                try {
                    if (dryRun) {
                        CompatibilityResult result = registry.testCompatibility(subject, schema);
                        System.out.printf("  %-40s %s%n", subject, result.compatible() ? "compatible" : "INCOMPATIBLE " + result.messages());
                        failures += result.compatible() ? 0 : 1;
                    } else {
                        registry.setCompatibility(subject, "BACKWARD");
                        System.out.printf("  %-40s id %d%n", subject, registry.register(subject, schema));
                    }
                } catch (SchemaNotFoundException e) {
                    System.out.printf("  %-40s new subject (would be registered)%n", subject);
                } catch (IncompatibleSchemaException e) {
                    System.out.printf("  %-40s REFUSED: %s%n", subject, e.getMessage());
                    failures++;
                }
            }
            return failures == 0 ? 0 : 4;
        }
    }
}
