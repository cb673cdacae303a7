package dev.appcare.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test on real infrastructure: tagged {@code integration} (the parent pom runs
 * those in failsafe, {@code mvn verify}, and keeps them out of surefire) and able to take
 * {@link RealInfrastructure}, {@link KafkaBroker} or {@link ApicurioRegistry} parameters.
 *
 * <pre>{@code
 * @IntegrationTest
 * class FanOutIT {
 *     @Test
 *     void shouldSendOneRequestPerPassenger(RealInfrastructure infra) {
 *         String topic = TestNames.unique("flight.status");
 *         infra.broker().createTopic(topic, 3);
 *         ...
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("integration")
@ExtendWith(RealInfrastructureExtension.class)
public @interface IntegrationTest {
}
