package dev.appcare.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@IntegrationTest
class RealInfrastructureIT {

    @Test
    void shouldHandEveryTestOfTheJvmTheSameInstance(RealInfrastructure infra, KafkaBroker broker,
                                                    ApicurioRegistry registry) {
        assertThat(infra).isSameAs(RealInfrastructure.shared());
        assertThat(broker).isSameAs(infra.broker());
        assertThat(registry).isSameAs(infra.registry());
        assertThat(infra.bootstrapServers()).isEqualTo(broker.bootstrapServers());
        assertThat(infra.schemaRegistryUrl()).isEqualTo(registry.url());
    }
}
