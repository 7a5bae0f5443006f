package io.kzpipe.cli;

import io.kzpipe.cli.local.LocalCommands;
import io.kzpipe.cli.replay.Replay;
import io.kzpipe.cli.report.Reconcile;
import io.kzpipe.cli.report.Report;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the command-line tools that {@code ./pipeline} runs: {@code Main <command> [args]}, the exit
 * status is the command's. Output is UTF-8 whatever the locale;
 * titles are bold and warnings coloured when run in a terminal. Commands: {@code report} ({@link Report}),
 * {@code replay} ({@link Replay}), {@code reconcile} ({@link Reconcile}); run by {@code ./pipeline} (system property
 * {@value LocalCommands#ROOT_PROPERTY}), also the local pipeline's {@code up}, {@code down}, {@code status} and
 * {@code demo} ({@link LocalCommands}).
 */
public final class Main {

    private Main() {}

    /** Logging configuration of the tools, a classpath resource (the gateway jar they use has a logback.xml too). */
    static final String LOGBACK_CONFIGURATION = "logback-cli.xml";

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIGURATION); // before the first logger
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int status = run(Arrays.asList(args), out, err, System.console() != null);
        out.flush();
        err.flush();
        System.exit(status);
    }

    private static String usage() {
        return "usage: Main report [dashboard.json]   the \"" + Report.DASHBOARD_TITLE
                + "\" dashboard's ClickHouse panels as text tables\n"
                + "       Main replay --help             send dead letters through the pipeline again\n"
                + "       Main reconcile [--since 1h] [dashboard.json]   the ledger per minute; exit 1 when a minute is "
                + "unbalanced\n" + "       with -D" + LocalCommands.ROOT_PROPERTY
                + "=<repository> (as ./pipeline runs it): up [part...], down, "
                + "status, demo, kaizala subscribe|list|unsubscribe|backfill, and the commands above on the local "
                + "pipeline";
    }

    /** Runs one command; returns its exit status (2 for an unknown command). */
    static int run(List<String> args, PrintStream out, PrintStream err, boolean styled) {
        String command = args.isEmpty() ? "help" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        String root = System.getProperty(LocalCommands.ROOT_PROPERTY);
        if (root != null && LocalCommands.COMMANDS.contains(command)) {
            return LocalCommands.run(Path.of(root).toAbsolutePath().normalize(), command, rest, System.getenv(), out,
                    err, styled);
        }
        switch (command) {
            case "report" :
                return Report.run(rest, System.getenv(), Clock.systemUTC(), out, err, styled);
            case "replay" :
                return Replay.run(rest, System.getenv(), Clock.systemUTC(), out, err);
            case "reconcile" :
                return Reconcile.run(rest, System.getenv(), Clock.systemUTC(), out, err);
            case "help", "-h", "--help" :
                out.println(usage());
                return 0;
            default :
                err.println("unknown command '" + command + "'");
                err.println(usage());
                return 2;
        }
    }
}
