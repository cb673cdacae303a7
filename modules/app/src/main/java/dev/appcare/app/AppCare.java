package dev.appcare.app;

import dev.appcare.care.CareCommand;
import dev.appcare.notifier.NotifierCommand;
import dev.appcare.ops.OpsCommand;
import dev.appcare.optin.OptinCommand;
import dev.appcare.sender.SenderCommand;
import dev.appcare.whatsappsim.WhatsAppSimulatorMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code appcare} command: one subcommand per role and per operations task. Each role runs until
 * it is stopped (Ctrl-C / SIGTERM shuts it down gracefully).
 */
@Command(name = "appcare", mixinStandardHelpOptions = true, version = "appcare 0.1.0",
        description = "AppCare: flight-status and boarding-pass notifications over WhatsApp, on Kafka.",
        subcommands = {NotifierCommand.class, SenderCommand.class, OptinCommand.class, CareCommand.class, OpsCommand.class, WhatsAppSimulatorMain.class, TopicsCommand.class, SchemasCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class AppCare {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new AppCare());
    }
}
