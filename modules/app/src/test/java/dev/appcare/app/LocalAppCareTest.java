package dev.appcare.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What LocalAppCare refuses before any role runs (the roles themselves, started and stopped through it, are
 * exercised on a real broker by ErasureAcrossRolesIT, SecuredClusterIT, CareEndToEndIT and the demo).
 */
class LocalAppCareTest {
    private static final Clock SCENARIO = Clock.fixed(Instant.parse("2026-06-01T08:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldRefuseAScenarioClockForTheNotifierOrTheOptinApiWhichReadTheSystemClock() {
        assertThatThrownBy(() -> LocalAppCare.with(Map.of()).clock(SCENARIO).notifier(Map.of()).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the notifier and the opt-in API read the system clock: a clock fits only the sender and care");
        assertThatThrownBy(() -> LocalAppCare.with(Map.of()).clock(SCENARIO).optin(Map.of()).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a clock fits only the sender and care");
    }

    @Test
    void shouldSayWhichRoleWasNotAskedForRatherThanHandOutNothing() {
        try (LocalAppCare none = LocalAppCare.with(Map.of()).start()) {
            assertThatThrownBy(none::optin).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the opt-in API was not asked for, so it is not running");
            assertThatThrownBy(none::optinPort).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(none::notifier).hasMessage("the notifier was not asked for, so it is not running");
            assertThatThrownBy(none::sender).hasMessage("the sender was not asked for, so it is not running");
            assertThatThrownBy(none::care).hasMessage("care was not asked for, so it is not running");
        }
    }
}
