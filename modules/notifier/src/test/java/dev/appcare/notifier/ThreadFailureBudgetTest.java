package dev.appcare.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThreadFailureBudgetTest {
    private static final long T = 1_800_000_000_000L;

    @Test
    void shouldReplaceAFewFailuresAndGiveUpOnOnesThatKeepComingBack() {
        ThreadFailureBudget budget = new ThreadFailureBudget(3, Duration.ofMinutes(10));

        assertThat(budget.replaceAfterFailureAt(T)).isTrue();
        assertThat(budget.replaceAfterFailureAt(T + 60_000)).isTrue();
        assertThat(budget.replaceAfterFailureAt(T + 120_000)).isTrue();
        assertThat(budget.replaceAfterFailureAt(T + 180_000)).as("a fourth within 10 minutes").isFalse();
    }

    @Test
    void shouldForgetFailuresOlderThanTheWindow() {
        ThreadFailureBudget budget = new ThreadFailureBudget(3, Duration.ofMinutes(10));
        for (int i = 0; i < 3; i++) {
            assertThat(budget.replaceAfterFailureAt(T + i * 1_000)).isTrue();
        }

        assertThat(budget.replaceAfterFailureAt(T + 600_000 + 1_000)).as("the first two are older than 10 min").isTrue();
        assertThat(budget.replaceAfterFailureAt(T + 600_000 + 2_000)).isTrue();
    }
}
