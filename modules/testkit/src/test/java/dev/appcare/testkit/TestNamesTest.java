package dev.appcare.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestNamesTest {

    @Test
    void shouldMakeDistinctNamesThatKeepTheBaseReadable() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            names.add(TestNames.unique("flight.status.v1"));
        }

        assertThat(names).hasSize(1000).allMatch(name -> name.startsWith("flight.status.v1-"));
    }

    @Test
    void shouldOnlyUseCharactersKafkaAllowsInTopicNames() {
        String name = TestNames.unique("Fan out/KL1234 ✈ test" + "x".repeat(300));

        assertThat(name).matches("[A-Za-z0-9._-]+").hasSizeLessThanOrEqualTo(249).startsWith("Fan_out_KL1234___test");
    }
}
