package dev.appcare.runtime;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every role's command is ({@code appcare notifier}, {@code care}, {@code optin}, {@code sender}):
 * the shared {@link dev.appcare.runtime.RoleOptions}, and a run through {@link RoleRunner}. A role's command adds its own
 * options and says how its role is built from the resolved settings.
 */
public abstract class RoleCommand implements Callable<Integer> {
    @Spec
    protected CommandSpec spec;

    @Mixin
    protected RoleOptions options;

    /** The role, built from its settings ({@code env} is the process environment); nothing starts yet. */
    protected abstract Role role(Map<String, String> env);

    @Override
    public final Integer call() throws InterruptedException {
        return RoleRunner.run(spec.name(), spec.commandLine().getErr(), () -> role(System.getenv()));
    }

    /** Runs a role command as a process of its own ({@code java -cp ... <Role>Command}). */
    protected static void main(RoleCommand command, String[] args) {
        System.exit(new CommandLine(command).execute(args));
    }
}
