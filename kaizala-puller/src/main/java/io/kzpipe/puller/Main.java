package io.kzpipe.puller;

import io.kzpipe.model.config.SettingException;
import io.kzpipe.puller.command.BackfillCommand;
import io.kzpipe.puller.command.ListCommand;
import io.kzpipe.puller.command.SubscribeCommand;
import io.kzpipe.puller.command.UnsubscribeCommand;
import io.kzpipe.puller.config.PullerConfig;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code run} (the default) runs the service until SIGTERM; {@code backfill}, {@code subscribe},
 * {@code list} and {@code unsubscribe} run one command and exit with its status. Settings come from the environment
 * (exit 2 listing every problem); start-up failures and a fatal error of the pull loop exit 1.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    static final String USAGE = String.join("\n", "usage: java -jar kaizala-puller.jar [run]",
            "       java -jar kaizala-puller.jar backfill --source group:<groupId> --from <ISO|epoch> --to <ISO|epoch>",
            "       java -jar kaizala-puller.jar backfill --status",
            "       java -jar kaizala-puller.jar subscribe --group <id> --url <public webhook URL> "
                    + "[--events SurveyResponse,...] [--tokens-file <file>]",
            "       java -jar kaizala-puller.jar list --group <id>",
            "       java -jar kaizala-puller.jar unsubscribe --id <webhookId>",
            "(--group may be --action <id> or --package <id>; settings from env, see README \"Puller\")");

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        String command = args.length == 0 ? "run" : args[0];
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        Map<String, String> env = System.getenv();
        PrintStream out = System.out;
        PrintStream err = System.err;
        int status = switch (command) {
            case "run" -> run();
            case "backfill" -> BackfillCommand.main(rest, env, out, err);
            case "subscribe" -> SubscribeCommand.main(rest, env, out, err);
            case "list" -> ListCommand.main(rest, env, out, err);
            case "unsubscribe" -> UnsubscribeCommand.main(rest, env, out, err);
            case "help", "-h", "--help" -> {
                out.println(USAGE);
                yield 0;
            }
            default -> {
                err.println("unknown command '" + command + "'\n" + USAGE);
                yield 2;
            }
        };
        if (status != 0 || !command.equals("run")) {
            System.exit(status); // not after a SIGTERM'd run: exit would wait for the shutdown hooks that ran it
        }
    }

    private static int run() throws InterruptedException {
        PullerConfig config;
        try {
            config = PullerConfig.fromEnv(System.getenv());
        } catch (SettingException e) {
            LOG.error("{}", e.getMessage());
            return 2;
        }
        LOG.info("starting {} with {}", PullerApp.SERVICE, config);
        PullerApp app = new PullerApp(config);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "puller-shutdown"));
        try {
            app.start();
        } catch (Exception e) {
            LOG.error("start-up failed", e);
            return 1;
        }
        Throwable failure = app.awaitTermination();
        if (failure != null) {
            LOG.error("stopping after a fatal error: {}", failure.toString());
            return 1;
        }
        return 0;
    }
}
