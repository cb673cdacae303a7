package dev.appcare.optin;

import dev.appcare.runtime.AppConfig;
import dev.appcare.runtime.Role;
import dev.appcare.runtime.RoleCommand;
import dev.appcare.runtime.RoleRunner;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code appcare optin}: runs the opt-in API until stopped (Ctrl-C or SIGTERM stop it gracefully:
 * calls under way finish, queued writes are committed), through {@link RoleRunner} like every role.
 */
@Command(name = "optin", mixinStandardHelpOptions = true,
        description = {"Runs the opt-in API: the HTTP service the booking site calls to opt travellers in to "
                + "WhatsApp messages, read or change their preference, opt them out and erase them.",
                "Configuration: the --config file, then APPCARE_* environment variables, then these options. "
                        + "At least one API key is required (optin.auth.key.<name>.secret and .permissions); "
                        + "see docs/optin-api.md."})
public final class OptinCommand extends RoleCommand {

    @Option(names = "--host", description = "Address to listen on (key optin.http.host; default 127.0.0.1).")
    String host;

    @Option(names = "--port", description = "Port to listen on (key optin.http.port; default " + OptinSettings.DEFAULT_PORT + ").")
    Integer port;

    @Option(names = "--management-port", description = "Port of /health and /metrics, apart from the API (key "
            + "optin.management.port; default " + OptinSettings.DEFAULT_MANAGEMENT_PORT + "; host optin.management.host, default 127.0.0.1).")
    Integer managementPort;

    /** Runs the role on its own ({@code java -cp ... dev.appcare.optin.OptinCommand}); usually it is {@code appcare optin}. */
    public static void main(String[] args) {
        main(new OptinCommand(), args);
    }

    @Override
    protected Role role(Map<String, String> env) {
        return new OptinApp(appConfig(env));
    }

    AppConfig appConfig(Map<String, String> env) {
        Map<String, Object> flags = new HashMap<>();
        flags.put(OptinSettings.HOST, host);
        flags.put(OptinSettings.PORT, port);
        flags.put(OptinSettings.MANAGEMENT_PORT, managementPort);
        return options.appConfig(env, flags);
    }
}
