package dev.appcare.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Which part of the house may import which, as {@code docs/architecture.md} draws it:
 * <pre>
 *   app ──► roles (notifier, sender, optin, ops, care, whatsapp-sim) ──► runtime ──► model
 * </pre>
 * A role never imports another role (the simulator shares nothing with the sender beyond the model);
 * {@code model} and {@code runtime} import no role and not the command; nothing in main code imports the
 * test kit. Checked by {@link ArchitectureTest} over every class the build produces.
 */
final class HouseRules {
    /** Role name to its package; a new role is added here and in docs/architecture.md. */
    static final List<String[]> ROLES = List.of(
            new String[] {"notifier", "dev.appcare.notifier.."},
            new String[] {"sender", "dev.appcare.sender.."},
            new String[] {"optin", "dev.appcare.optin.."},
            new String[] {"ops", "dev.appcare.ops.."},
            new String[] {"care", "dev.appcare.care.."},
            new String[] {"whatsapp-sim", "dev.appcare.whatsappsim.."},
            // Not a role but held to the same rule: scripts/chaos sees the roles only as processes.
            new String[] {"chaos", "dev.appcare.chaos.."});
    static final String[] MODEL = {"dev.appcare.model..", "dev.appcare.avro.."};
    static final String RUNTIME = "dev.appcare.runtime..";
    static final String APP = "dev.appcare.app..";
    static final String TESTKIT = "dev.appcare.testkit..";

    private HouseRules() {
    }

    /** One rule per role: it imports no other role and not the command. */
    static List<ArchRule> rolesStayApart() {
        List<ArchRule> rules = new ArrayList<>();
        for (String[] role : ROLES) {
            List<String> forbidden = new ArrayList<>();
            for (String[] other : ROLES) {
                if (other != role) {
                    forbidden.add(other[1]);
                }
            }
            forbidden.add(APP);
            rules.add(noClasses().that().resideInAPackage(role[1])
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .as("the " + role[0] + " role imports no other role and not the appcare command")
                    .allowEmptyShould(true));
        }
        return rules;
    }

    /** model and runtime sit below every role. */
    static ArchRule sharedLayersImportNoRole() {
        List<String> above = new ArrayList<>();
        ROLES.forEach(r -> above.add(r[1]));
        above.add(APP);
        return noClasses().that().resideInAnyPackage(MODEL[0], MODEL[1], RUNTIME)
                .should().dependOnClassesThat().resideInAnyPackage(above.toArray(String[]::new))
                .as("model and runtime import no role and not the appcare command");
    }

    /** The model knows nothing of how a role lives. */
    static ArchRule modelImportsNoRuntime() {
        return noClasses().that().resideInAnyPackage(MODEL)
                .should().dependOnClassesThat().resideInAPackage(RUNTIME)
                .as("model imports no runtime")
                .allowEmptyShould(true);
    }

    /** Production code never depends on the test kit. */
    static ArchRule mainCodeImportsNoTestKit() {
        return noClasses().that().resideOutsideOfPackage(TESTKIT)
                .should().dependOnClassesThat().resideInAPackage(TESTKIT)
                .as("main code imports no test kit");
    }
}
