package io.kzpipe.cli.local;

import io.kzpipe.launcher.Console;
import io.kzpipe.launcher.LocalPipeline;
import io.kzpipe.launcher.LocalSettings;
import io.kzpipe.launcher.Service;
import io.kzpipe.puller.command.BackfillCommand;
import io.kzpipe.puller.command.ListCommand;
import io.kzpipe.puller.command.SubscribeCommand;
import io.kzpipe.puller.command.UnsubscribeCommand;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./pipeline kaizala subscribe|list|unsubscribe|backfill [options]}: the puller's commands
 * ({@code io.kzpipe.puller.command}, also {@code java -jar kaizala-puller.jar <command>}) with the local pipeline's
 * defaults: {@code subscribe} registers the local gateway's webhook URL ({@code --url} unless given) and appends the
 * token to the gateway's tokens file ({@code --tokens-file}, {@code PIPELINE_HOME/gateway/callback-tokens}), which
 * the running gateway re-reads within a second; {@code backfill} talks to the local broker. The Kaizala API is
 * {@code KAIZALA_API_URL} and its credentials ({@code KAIZALA_APPLICATION_ID}, {@code _SECRET},
 * {@code KAIZALA_REFRESH_TOKEN}); when {@code KAIZALA_API_URL} is unset and the local Kaizala double runs
 * ({@code ./pipeline demo} starts it), the double with its demo credentials.
 */
final class KaizalaCommands {

    /**
     * The demo connector: the double runs with these credentials when {@code ./pipeline demo} starts it (they are
     * also the double's own defaults, {@code io.kzpipe.kaizaladouble.DoubleSettings}); demo values, not secrets.
     */
    static final Map<String, String> DOUBLE_CREDENTIALS = Map.of("KAIZALA_APPLICATION_ID", "demo-connector",
            "KAIZALA_APPLICATION_SECRET", "demo-connector-secret", "KAIZALA_REFRESH_TOKEN", "demo-refresh-token");

    private KaizalaCommands() {}

    static String usage() {
        return String.join("\n",
                "usage: ./pipeline kaizala subscribe --group <id> [--events SurveyResponse,...] [--url <public URL>]",
                "       ./pipeline kaizala list --group <id>", "       ./pipeline kaizala unsubscribe --id <webhookId>",
                "       ./pipeline kaizala backfill --source group:<id> --from <ISO|epoch> --to <ISO|epoch>",
                "       ./pipeline kaizala backfill --status",
                "(--group may be --action <id> or --package <id>; subscribe's URL defaults to the local gateway's,",
                " its token is appended to the gateway's tokens file; the Kaizala API is KAIZALA_API_URL, else the",
                " local double when it runs)");
    }

    /** Runs {@code kaizala <command> args}; returns its exit status. */
    static int run(LocalPipeline pipeline, Console console, List<String> args, PrintStream out, PrintStream err) {
        String command = args.isEmpty() ? "help" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        return switch (command) {
            case "subscribe" -> SubscribeCommand.main(subscribeArgs(pipeline.settings(), rest),
                    environment(pipeline, console, true), out, err);
            case "list" -> ListCommand.main(rest, environment(pipeline, console, true), out, err);
            case "unsubscribe" -> UnsubscribeCommand.main(rest, environment(pipeline, console, true), out, err);
            case "backfill" -> BackfillCommand.main(rest, environment(pipeline, console, false), out, err);
            case "help", "-h", "--help" -> {
                out.println(usage());
                yield 0;
            }
            default -> throw new Console.Failure("unknown command 'kaizala " + command + "'\n" + usage(), 2);
        };
    }

    /** {@code args} with the local gateway's URL and tokens file unless they name their own. */
    static List<String> subscribeArgs(LocalSettings settings, List<String> args) {
        List<String> out = new ArrayList<>(args);
        if (!hasOption(args, "url")) {
            out.add("--url");
            out.add(webhookUrl(settings));
        }
        if (!hasOption(args, "tokens-file")) {
            out.add("--tokens-file");
            out.add(settings.ensureCallbackTokensFile().toString());
        }
        return out;
    }

    /** The local gateway's webhook URL, as the double (on this machine) reaches it. */
    static String webhookUrl(LocalSettings settings) {
        return settings.serviceUrl(Service.GATEWAY) + Service.WEBHOOK_PATH;
    }

    private static boolean hasOption(List<String> args, String name) {
        return args.stream().anyMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="));
    }

    /**
     * The commands' environment: the launcher's, the local broker, and (for the Kaizala commands, when
     * {@code KAIZALA_API_URL} is unset and the double runs) the double with its demo credentials.
     */
    static Map<String, String> environment(LocalPipeline pipeline, Console console, boolean kaizala) {
        LocalSettings settings = pipeline.settings();
        Map<String, String> env = new HashMap<>(settings.env());
        env.put("KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrap());
        String configured = env.get("KAIZALA_API_URL");
        if (kaizala && (configured == null || configured.isBlank())
                && pipeline.running(Service.KAIZALA_DOUBLE.module()).isPresent()) {
            env.putAll(doubleEnvironment(settings));
            console.note("Kaizala API: the local double on " + env.get("KAIZALA_API_URL")
                    + " (set KAIZALA_API_URL and the KAIZALA_* credentials for another)");
        }
        return env;
    }

    /** {@code KAIZALA_API_URL} of the local double and the demo credentials. */
    static Map<String, String> doubleEnvironment(LocalSettings settings) {
        Map<String, String> env = new HashMap<>(DOUBLE_CREDENTIALS);
        env.put("KAIZALA_API_URL", settings.serviceUrl(Service.KAIZALA_DOUBLE));
        return env;
    }
}
