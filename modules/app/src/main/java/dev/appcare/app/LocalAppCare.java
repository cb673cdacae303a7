package dev.appcare.app;

import dev.appcare.care.CareApp;
import dev.appcare.notifier.NotifierApp;
import dev.appcare.optin.OptinApp;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.Role;
import dev.appcare.sender.SenderApp;
import dev.appcare.sender.SenderConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The roles of AppCare started in this JVM, for the demo and the cross-role tests: each role asked for gets
 * the common settings (broker, registry, security, erasure bound...) with its own settings on top, runs its
 * production wiring, and is reachable here. Roles start in the order opt-in API, notifier, sender, care
 * and {@link #close()} stops them in reverse; a role that fails to start stops the ones started before it.
 *
 * <pre>{@code
 * try (LocalAppCare appcare = LocalAppCare.with(common).optin(Map.of("optin.http.port", "0")).notifier(...).start()) {
 *     ... appcare.optinPort() ...
 * }
 * }</pre>
 */
public final class LocalAppCare implements AutoCloseable {
    private final OptinApp optin;
    private final NotifierApp notifier;
    private final SenderApp sender;
    private final CareApp care;
    /** What started, in start order; stopped from the end. */
    private final List<Role> started;

    private LocalAppCare(OptinApp optin, NotifierApp notifier, SenderApp sender, CareApp care, List<Role> started) {
        this.optin = optin;
        this.notifier = notifier;
        this.sender = sender;
        this.care = care;
        this.started = started;
    }

    /** The settings every role gets; a role's own settings (given to the builder) win over them. */
    public static Builder with(Map<String, String> common) {
        return new Builder(common);
    }

    public OptinApp optin() {
        return asked(optin, "the opt-in API");
    }

    /** The opt-in API's HTTP port (bound on 127.0.0.1). */
    public int optinPort() {
        return optin().port();
    }

    public NotifierApp notifier() {
        return asked(notifier, "the notifier");
    }

    public SenderApp sender() {
        return asked(sender, "the sender");
    }

    public CareApp care() {
        return asked(care, "care");
    }

    private static <T> T asked(T role, String name) {
        if (role == null) {
            throw new IllegalStateException(name + " was not asked for, so it is not running");
        }
        return role;
    }

    /** Stops the roles in reverse start order; every role is stopped even if one fails to (the first failure is thrown). */
    @Override
    public void close() {
        RuntimeException failure = stopAll(started);
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException stopAll(List<Role> started) {
        RuntimeException failure = null;
        synchronized (started) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).stop();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = new IllegalStateException("stopping a role failed", e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            started.clear();
        }
        return failure;
    }

    /** Which roles to start, and each one's own settings. */
    public static final class Builder {
        private final Map<String, String> common;
        private Map<String, String> optin;
        private Map<String, String> notifier;
        private Map<String, String> sender;
        private Map<String, String> care;
        private Clock clock;

        private Builder(Map<String, String> common) {
            this.common = Map.copyOf(common);
        }

        public Builder optin(Map<String, String> settings) {
            this.optin = Map.copyOf(settings);
            return this;
        }

        public Builder notifier(Map<String, String> settings) {
            this.notifier = Map.copyOf(settings);
            return this;
        }

        public Builder sender(Map<String, String> settings) {
            this.sender = Map.copyOf(settings);
            return this;
        }

        public Builder care(Map<String, String> settings) {
            this.care = Map.copyOf(settings);
            return this;
        }

        /**
         * The clock the sender and care read as "now" (tests pass a scenario clock); by default the system's.
         * The notifier and the opt-in API take none, so a clock with either of them is refused at {@link #start()}.
         */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Starts the roles asked for; if one fails to start, those started before it are stopped and the failure thrown. */
        public LocalAppCare start() {
            if (clock != null && (optin != null || notifier != null)) {
                throw new IllegalStateException("the notifier and the opt-in API read the system clock: a clock fits only the sender and care");
            }
            Clock now = clock == null ? Clock.systemUTC() : clock;
            List<Role> started = new ArrayList<>();
            try {
                OptinApp o = optin == null ? null : add(started, new OptinApp(config(optin)).start());
                NotifierApp n = null;
                if (notifier != null) {
                    n = new NotifierApp(config(notifier));
                    // Added before start: a notifier whose start fails half-way still gets its stop.
                    started.add(n);
                    n.start();
                }
                SenderApp s = sender == null ? null : add(started, new SenderApp(SenderConfig.from(config(sender)), now::millis).start());
                CareApp c = care == null ? null : add(started, new CareApp(config(care), now).start());
                return new LocalAppCare(o, n, s, c, started);
            } catch (RuntimeException | Error e) {
                RuntimeException stopping = stopAll(started);
                if (stopping != null) {
                    e.addSuppressed(stopping);
                }
                throw e;
            }
        }

        private static <T extends Role> T add(List<Role> started, T role) {
            started.add(role);
            return role;
        }

        private AppConfig config(Map<String, String> role) {
            Map<String, String> values = new LinkedHashMap<>(common);
            values.putAll(role);
            return AppConfig.of(values);
        }
    }
}
