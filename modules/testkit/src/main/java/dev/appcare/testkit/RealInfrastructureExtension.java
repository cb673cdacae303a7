package dev.appcare.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test and lifecycle methods a {@link RealInfrastructure}, {@link KafkaBroker} or
 * {@link ApicurioRegistry} parameter, all backed by the test JVM's {@linkplain RealInfrastructure#shared()
 * shared instance}. Nothing starts until a parameter asks for it, so a tagged class whose tests happen not to
 * need it costs nothing.
 *
 * <p>Usually applied through {@link IntegrationTest}.
 */
public final class RealInfrastructureExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(RealInfrastructureExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RealInfrastructure.class || type == KafkaBroker.class || type == ApicurioRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RealInfrastructure infrastructure = shared(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == KafkaBroker.class) {
            return infrastructure.broker();
        }
        if (type == ApicurioRegistry.class) {
            return infrastructure.registry();
        }
        return infrastructure;
    }

    private static RealInfrastructure shared(ExtensionContext context) {
        try {
            RealInfrastructure infrastructure = RealInfrastructure.shared();
            // The root context's store is closed once, when the whole run in this JVM ends (JUnit closes
            // AutoCloseable values it holds), which is the "end of the test run" we want. Registering
            // the closer is idempotent; the shutdown hooks stay as the fallback.
            context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SharedCloser.class,
                    key -> new SharedCloser(), SharedCloser.class);
            return infrastructure;
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Could not start the real Kafka broker and schema registry: "
                    + e.getMessage(), e);
        }
    }

    /** What the root store closes at the end of the run. */
    private static final class SharedCloser implements AutoCloseable {
        @Override
        public void close() {
            RealInfrastructure.closeShared();
        }
    }
}
