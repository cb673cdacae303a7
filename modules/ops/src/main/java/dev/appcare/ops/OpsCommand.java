package dev.appcare.ops;

import dev.appcare.avro.FlightStatusEvent;
import dev.appcare.avro.MessageKind;
import dev.appcare.model.topics.Topics;
import dev.appcare.ops.rules.OffsetReset;
import dev.appcare.ops.rules.RedriveRules;
import dev.appcare.ops.rules.Tally;
import dev.appcare.ops.rules.TimeArgs;
import dev.appcare.ops.rules.Trace;
import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.ClientSettings;
import dev.appcare.runtime.RoleOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code appcare ops}: replay after incidents without messaging anyone twice. In the conventions of
 * Kafka's own tools ({@code kafka-consumer-groups --reset-offsets}): each subcommand prints a plan and
 * changes nothing unless given {@code --execute}; {@code --command-config FILE} holds client properties
 * (TLS, SASL) and the registry's ({@code schema.registry.url}, {@code basic.auth.user.info}, ...).
 * Runbooks: {@code docs/runbook/}; how each works: {@code docs/ops.md}.
 */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = "Operations: redrive dead letters, reprocess an input window, reset a role's offsets, trace a traveller or flight.",
        subcommands = {OpsCommand.Redrive.class, OpsCommand.Reprocess.class, OpsCommand.Reset.class, OpsCommand.TraceCommand.class})
public final class OpsCommand {
    /** Exit status of a plan that must not be executed now (a role still running); picocli's usage errors are 2. */
    public static final int REFUSED = 3;

    /** Connection options every subcommand takes. */
    public static final class Connection {
        @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: --command-config, "
                + "then APPCARE_KAFKA_BOOTSTRAP_SERVERS, then 127.0.0.1:9092).")
        String bootstrapServers;

        @Option(names = "--schema-registry-url", description = "Confluent-API registry (default: --command-config, "
                + "then APPCARE_SCHEMA_REGISTRY_URL, then http://127.0.0.1:8081/apis/ccompat/v7).")
        String schemaRegistryUrl;

        @Option(names = "--command-config", paramLabel = "FILE",
                description = "Properties for the Kafka clients (security.protocol, sasl.*, ssl.*) and the registry "
                        + "(schema.registry.url, basic.auth.user.info, bearer.auth.token); the roles' own file "
                        + "(kafka.* keys) works too.")
        Path commandConfig;

        @Option(names = "--topic-suffix", defaultValue = "",
                description = "Appended to every topic name, as the roles' topic-suffix setting (default: none).")
        String topicSuffix;

        /**
         * An option wins; else the {@code --command-config} file, left to the clients when it names a broker or
         * registry (either spelling); else {@code APPCARE_*} as for the roles ({@link AppConfig}); else the local stack.
         */
        OpsContext context(PrintWriter out) {
            Map<String, String> file = commandConfig == null ? Map.of() : AppConfig.load(commandConfig, Map.of(), Map.of()).asMap();
            AppConfig env = AppConfig.load(null, System.getenv(), Map.of());
            String bootstrap = bootstrapServers;
            if (bootstrap == null && !file.containsKey("bootstrap.servers") && !file.containsKey(RoleOptions.BOOTSTRAP_SERVERS)) {
                bootstrap = env.get(RoleOptions.BOOTSTRAP_SERVERS, ClientSettings.DEFAULT_BOOTSTRAP);
            }
            String registry = schemaRegistryUrl;
            if (registry == null && !file.containsKey(RoleOptions.SCHEMA_REGISTRY_URL)) {
                registry = env.get(RoleOptions.SCHEMA_REGISTRY_URL, RoleOptions.DEFAULT_REGISTRY);
            }
            return OpsContext.of(bootstrap, registry, commandConfig, topicSuffix, Clock.systemUTC(), out);
        }
    }

    /**
     * What every subcommand shares: the connection options, its output, and a bad argument value as a clear
     * one-line error (exit 2), never a stack trace.
     */
    abstract static class Subcommand implements Callable<Integer> {
        @Mixin
        Connection connection;
        @Spec
        CommandSpec spec;

        @Override
        public final Integer call() throws Exception {
            try {
                PrintWriter out = spec.commandLine().getOut();
                return run(out, connection.context(out));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("appcare " + spec.qualifiedName().replace("appcare ", "") + ": " + e.getMessage());
                spec.commandLine().getErr().flush();
                return picocli.CommandLine.ExitCode.USAGE;
            }
        }

        abstract Integer run(PrintWriter out, OpsContext ctx) throws Exception;
    }

    /** A subcommand that changes something: it prints its plan, and acts only when told to. */
    abstract static class Acting extends Subcommand {
        @Option(names = "--execute", description = "Act on the plan (default: print it only).")
        boolean execute;
    }

    static String header(boolean execute) {
        return execute ? "Executing:" : "Plan (dry run, nothing changed; add --execute to act):";
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Send dead letters of a window back to notify.whatsapp-request.v1 (after a WhatsApp outage "
                    + "or a bad token), skipping what expired, was superseded, was sent meanwhile, or belongs to a "
                    + "traveller who opted out or was erased since.")
    static final class Redrive extends Acting {
        @Option(names = "--from", required = true, description = "Start of the window of failure times (inclusive).")
        String from;
        @Option(names = "--to", defaultValue = "now", description = "End of the window (exclusive; default: ${DEFAULT-VALUE}).")
        String to;
        @Option(names = "--kind", description = "Only this kind of message (${COMPLETION-CANDIDATES}).")
        MessageKind kind;
        @Option(names = "--code", description = "Only dead letters with this WhatsApp error code.")
        Integer code;
        @Option(names = "--max-rate", defaultValue = "40", paramLabel = "N",
                description = "Write at most N requests a second (default: ${DEFAULT-VALUE}, half WhatsApp's default "
                        + "80 msg/s business-number ceiling; 0: unpaced). A replay faster than the sender's ceiling fills "
                        + "the sender's buffer, and then live requests wait behind it in Kafka: pace it below the "
                        + "sender's ceiling (sender.rate.per-second).")
        int maxRate;
        @Override
        Integer run(PrintWriter out, OpsContext ctx) throws Exception {
            RedriveRules.Selection selection = new RedriveRules.Selection(TimeArgs.instant(from, ctx.clock()),
                    TimeArgs.instant(to, ctx.clock()), kind, code);
            Redriver redriver = new Redriver(ctx);
            Redriver.Plan plan = redriver.plan(selection);
            out.println("Redrive " + header(execute));
            out.print(plan.render());
            if (execute) {
                int written = redriver.execute(plan, maxRate);
                out.println("Done: " + written + " request(s) written to " + ctx.topic(Topics.WHATSAPP_REQUEST)
                        + " with header appcare.replay=redrive; check with: appcare ops trace --traveller KEY");
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "reprocess", mixinStandardHelpOptions = true,
            description = "Make the notifier read an input window again (after a bug fix), by resetting its consumer "
                    + "group's offsets on that topic with its state kept. Messages already sent are not sent again: "
                    + "events already applied are stale (N3), messageIds are deterministic (N4), and the sender's "
                    + "ledger refuses an id it accepted (S4). Refused while the notifier runs.")
    static final class Reprocess extends Acting {
        @Option(names = "--topic", required = true, description = "flight.status.v1 or flight.boarding-pass.v1.")
        String topic;
        @Option(names = "--from", required = true, description = "Start of the window (record time).")
        String from;
        @Option(names = "--to", description = "End of the window, for the counts (default: the end of the topic). "
                + "The notifier reads everything after --from again; what follows the window it applied already and repeats no message.")
        String to;
        @Option(names = "--group", defaultValue = "appcare-notifier",
                description = "The notifier's notifier.application.id (default: ${DEFAULT-VALUE}).")
        String group;
        @Override
        Integer run(PrintWriter out, OpsContext ctx) throws Exception {
            var input = ctx.topicNames().spec(topic).filter(t -> t == Topics.FLIGHT_STATUS || t == Topics.BOARDING_PASS);
            if (input.isEmpty()) {
                throw new IllegalArgumentException("--topic must be " + Topics.FLIGHT_STATUS.name() + " or "
                        + Topics.BOARDING_PASS.name() + " (the notifier's event inputs), not " + topic);
            }
            String fullTopic = ctx.topic(input.get());
            Instant start = TimeArgs.instant(from, ctx.clock());
            Instant end = to == null ? null : TimeArgs.instant(to, ctx.clock());
            OffsetResetter resetter = new OffsetResetter(ctx);
            OffsetResetter.Plan plan = resetter.plan(group, List.of(fullTopic), start);
            out.println("Reprocess " + header(execute));
            out.println("  how: reset the notifier's offsets on " + fullTopic + " to " + start
                    + ", its state stores kept; restart the notifier afterwards");
            out.print(plan.render());
            out.print(window(ctx, fullTopic, plan, start, end).render("  "));
            return act(out, plan, resetter, execute, "start the notifier; it reads " + fullTopic + " from " + start);
        }

        /** The records the notifier would read again, by partition, kind and whether they fall in the window. */
        private static Tally window(OpsContext ctx, String topic, OffsetResetter.Plan plan, Instant from, Instant to) {
            Tally tally = new Tally();
            java.util.Map<TopicPartition, Long> current = new java.util.HashMap<>();
            plan.partitions().forEach(p -> current.put(p.partition(), p.current() == null ? p.logEnd() : p.current()));
            for (ConsumerRecord<byte[], byte[]> r : TopicScan.read(ctx, topic, from)) {
                if (r.offset() >= current.getOrDefault(new TopicPartition(r.topic(), r.partition()), Long.MAX_VALUE)) {
                    continue; // not read yet by the notifier anyway
                }
                boolean inWindow = to == null || r.timestamp() < to.toEpochMilli();
                String where = inWindow ? "in window" : "after window";
                tally.add("window", where);
                tally.add("partition", r.partition() + " " + where);
                tally.add("kind", kindOf(ctx, r) + " " + where);
            }
            return tally;
        }

        private static String kindOf(OpsContext ctx, ConsumerRecord<byte[], byte[]> r) {
            if (r.value() == null) {
                return "tombstone";
            }
            if (r.topic().startsWith(Topics.BOARDING_PASS.name())) {
                return "BOARDING_PASS";
            }
            try {
                FlightStatusEvent e = ctx.decode(Topics.FLIGHT_STATUS, r.value());
                return e.getStatus().name();
            } catch (RuntimeException e) {
                return "undecodable";
            }
        }
    }

    /** Which of a reset's two targets was given. */
    static final class Target {
        @Option(names = "--to-datetime", required = true, description = "Reset to the first offset at or after this time.")
        String toDatetime;
        @Option(names = "--by-duration", required = true, description = "Reset to this long before now (ISO-8601, e.g. PT2H).")
        String byDuration;

        Instant instant(Clock clock) {
            return toDatetime != null ? TimeArgs.instant(toDatetime, clock) : clock.instant().minus(TimeArgs.duration(byDuration));
        }
    }

    /** The roles whose consumer offsets {@code reset} moves, with their default group and topics. */
    enum Role {
        notifier("appcare-notifier", List.of(Topics.FLIGHT_STATUS.name(), Topics.BOARDING_PASS.name())),
        sender("appcare-sender", List.of(Topics.WHATSAPP_REQUEST.name()));

        final String group;
        final List<String> topics;

        Role(String group, List<String> topics) {
            this.group = group;
            this.topics = topics;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Reset a role's consumer offsets to a time (Admin API). The notifier's event inputs "
                    + "(flight.status.v1, flight.boarding-pass.v1) or the sender's notify.whatsapp-request.v1. "
                    + "Refused while the role's group has members.")
    static final class Reset extends Acting {
        @Option(names = "--role", required = true, description = "${COMPLETION-CANDIDATES}")
        Role role;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;
        @Option(names = "--group", description = "Consumer group (default: the role's: appcare-notifier, appcare-sender).")
        String group;
        @Option(names = "--topic", description = "Only these topics (default: the role's inputs, see above).")
        List<String> topics;
        @Override
        Integer run(PrintWriter out, OpsContext ctx) throws Exception {
            List<String> names = (topics == null || topics.isEmpty() ? role.topics : topics).stream()
                    .map(ctx.topicNames()::deployed).toList();
            OffsetResetter resetter = new OffsetResetter(ctx);
            OffsetResetter.Plan plan = resetter.plan(group == null ? role.group : group, names, target.instant(ctx.clock()));
            out.println("Reset " + header(execute));
            out.print(plan.render());
            return act(out, plan, resetter, execute, "start the " + role + " again");
        }
    }

    static int act(PrintWriter out, OffsetResetter.Plan plan, OffsetResetter resetter, boolean execute, String next)
            throws Exception {
        if (!execute) {
            out.flush();
            return plan.refusal() == null ? 0 : REFUSED;
        }
        try {
            resetter.execute(plan);
        } catch (OffsetResetter.RefusedException e) {
            out.println("Refused, nothing changed: " + e.getMessage());
            out.flush();
            return REFUSED;
        }
        long changed = plan.partitions().stream().filter(OffsetReset.Partition::changes).count();
        out.println("Done: offsets of " + changed + " partition(s) of group " + plan.group() + " moved; now " + next + ".");
        out.flush();
        return 0;
    }

    /** Which of trace's two subjects was given. */
    static final class Subject {
        @Option(names = "--traveller", required = true, description = "Traveller key, e.g. ABC123/1.")
        String traveller;
        @Option(names = "--flight", required = true, description = "Flight key, e.g. KL1234/2026-11-23/AMS.")
        String flight;
    }

    @Command(name = "trace", mixinStandardHelpOptions = true,
            description = "Everything AppCare did about one traveller or one flight, in time order: events in, "
                    + "requests, statuses, dead letters, and events that led to no message. Phone numbers masked.")
    static final class TraceCommand extends Subcommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Subject subject;
        @Option(names = "--since", description = "Only from this time on.")
        String since;
        @Option(names = "--json", description = "JSON for tools instead of lines for people.")
        boolean json;

        @Override
        Integer run(PrintWriter out, OpsContext ctx) throws Exception {
            Instant from = since == null ? null : TimeArgs.instant(since, ctx.clock());
            Tracer tracer = new Tracer(ctx);
            List<Trace.Entry> entries = subject.traveller != null ? tracer.traveller(subject.traveller, from)
                    : tracer.flight(subject.flight, from);
            out.print(json ? Tracer.json(entries) + "\n" : Trace.render(entries));
            out.flush();
            return 0;
        }
    }
}
