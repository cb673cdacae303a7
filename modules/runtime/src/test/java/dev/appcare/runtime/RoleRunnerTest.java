package dev.appcare.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class RoleRunnerTest {

    /** A real role in miniature: it runs until stopped or until its one piece of work fails. */
    static final class TinyRole implements Role {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch terminated = new CountDownLatch(1);
        private final boolean failsToStart;
        volatile boolean failed;
        volatile int stops;

        TinyRole(boolean failsToStart) {
            this.failsToStart = failsToStart;
        }

        @Override
        public TinyRole start() {
            if (failsToStart) {
                throw new IllegalStateException("missing topic(s) [flight.status.v1]");
            }
            started.countDown();
            return this;
        }

        /** What a role's watchdog does when its thread dies for good. */
        void failForGood() {
            failed = true;
            terminated.countDown();
        }

        @Override
        public boolean awaitTermination() throws InterruptedException {
            terminated.await();
            return failed;
        }

        @Override
        public synchronized void stop() {
            stops++;
            terminated.countDown();
        }
    }

    private final StringWriter err = new StringWriter();

    @Test
    void shouldExitWithFailedWhenTheRoleFailsForGoodAndStopIt() throws Exception {
        TinyRole role = new TinyRole(false);
        Thread work = new Thread(() -> {
            try {
                role.started.await();
                role.failForGood();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        work.start();

        int exit = RoleRunner.run("tiny", new PrintWriter(err), () -> role);

        assertThat(exit).isEqualTo(RoleRunner.FAILED).isEqualTo(70);
        assertThat(role.stops).as("stopped once, by the runner, its shutdown hook removed").isEqualTo(1);
        work.join();
    }

    @Test
    void shouldExitZeroWhenTheRoleIsStopped() throws Exception {
        TinyRole role = new TinyRole(false);
        Thread stopper = new Thread(() -> {
            try {
                role.started.await();
                role.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();

        int exit = RoleRunner.run("tiny", new PrintWriter(err), () -> role);

        assertThat(exit).isEqualTo(RoleRunner.STOPPED);
        stopper.join();
    }

    @Test
    void shouldSayInOneLineWhyTheRoleCannotStart() throws Exception {
        TinyRole role = new TinyRole(true);

        int exit = RoleRunner.run("tiny", new PrintWriter(err), () -> role);

        assertThat(exit).isEqualTo(RoleRunner.CANNOT_START);
        assertThat(err.toString()).isEqualTo("tiny: missing topic(s) [flight.status.v1]" + System.lineSeparator());
        assertThat(role.stops).as("what a failed start opened is closed").isEqualTo(1);
    }

    @Test
    void shouldSayInOneLineWhyTheRoleCannotBeBuilt() throws Exception {
        int exit = RoleRunner.run("tiny", new PrintWriter(err), () -> {
            throw new IllegalArgumentException("missing configuration 'schema.registry.url' (or env APPCARE_SCHEMA_REGISTRY_URL)");
        });

        assertThat(exit).isEqualTo(RoleRunner.CANNOT_START);
        assertThat(err.toString()).startsWith("tiny: missing configuration 'schema.registry.url'");
    }

    @Command(name = "tiny")
    static final class TinyCommand extends RoleCommand {
        final TinyRole role = new TinyRole(true);

        @Override
        protected Role role(Map<String, String> env) {
            return role;
        }
    }

    @Test
    void shouldRunARoleCommandThroughTheRunnerUnderTheCommandsName() {
        TinyCommand command = new TinyCommand();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setErr(new PrintWriter(err));

        int exit = commandLine.execute("--bootstrap-servers", "k:9092");

        assertThat(exit).isEqualTo(RoleRunner.CANNOT_START);
        assertThat(err.toString()).isEqualTo("tiny: missing topic(s) [flight.status.v1]" + System.lineSeparator());
        assertThat(command.options.appConfig(Map.of(), Map.of()).asMap()).isEqualTo(Map.of("kafka.bootstrap.servers", "k:9092"));
    }
}
