package dev.appcare.app.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.appcare.notifier.forbidden.NotifierThatCallsTheSender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The import rules of {@link HouseRules} over every main class of every module (this module's test
 * classpath holds them all), and proof that the check bites: a class in a role package that imports
 * another role, compiled here as a test fixture, is reported.
 */
class ArchitectureTest {
    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                // Main classes only, from class folders or module jars alike (after `package`, Maven puts
                // the modules' jars on the classpath instead of their target/classes).
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.appcare");
    }

    @Test
    void shouldSeeEveryModulesMainClasses() {
        // Guards against a vacuous pass: the importer must actually find the modules' classes.
        for (String pkg : List.of("dev.appcare.model", "dev.appcare.notifier", "dev.appcare.sender", "dev.appcare.optin",
                "dev.appcare.whatsappsim", "dev.appcare.app")) {
            assertThat(mainClasses.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as("main classes of " + pkg + " imported").isTrue();
        }
        assertThat(mainClasses.stream().noneMatch(c -> c.getPackageName().contains(".forbidden")))
                .as("test fixtures are not main code").isTrue();
    }

    @Test
    void shouldKeepEveryRoleApartFromTheOthers() {
        List<String> violations = new ArrayList<>();
        for (ArchRule rule : HouseRules.rolesStayApart()) {
            violations.addAll(rule.evaluate(mainClasses).getFailureReport().getDetails());
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void shouldKeepModelAndRuntimeBelowTheRoles() {
        assertThat(HouseRules.sharedLayersImportNoRole().evaluate(mainClasses).getFailureReport().getDetails()).isEmpty();
        assertThat(HouseRules.modelImportsNoRuntime().evaluate(mainClasses).getFailureReport().getDetails()).isEmpty();
    }

    @Test
    void shouldKeepTheTestKitOutOfMainCode() {
        assertThat(HouseRules.mainCodeImportsNoTestKit().evaluate(mainClasses).getFailureReport().getDetails()).isEmpty();
    }

    @Test
    void shouldReportARoleThatImportsAnotherRole() {
        JavaClasses withFixture = new ClassFileImporter().importClasses(NotifierThatCallsTheSender.class);
        List<String> violations = new ArrayList<>();
        for (ArchRule rule : HouseRules.rolesStayApart()) {
            EvaluationResult result = rule.evaluate(withFixture);
            violations.addAll(result.getFailureReport().getDetails());
        }
        assertThat(violations).isNotEmpty().allSatisfy(v -> assertThat(v)
                .contains(NotifierThatCallsTheSender.class.getName()).contains("dev.appcare.sender."));
    }
}
