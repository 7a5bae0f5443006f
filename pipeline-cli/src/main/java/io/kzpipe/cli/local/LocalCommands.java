package io.kzpipe.cli.local;

import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.replay.Replay;
import io.kzpipe.cli.report.ClickHouseHttp;
import io.kzpipe.cli.report.Reconcile;
import io.kzpipe.cli.report.Report;
import io.kzpipe.launcher.Console;
import io.kzpipe.launcher.LocalPipeline;
import io.kzpipe.launcher.LocalSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands of {@code ./pipeline} that act on the local pipeline of a repository ({@code -Dpipeline.root}):
 * {@code up [part...]}, {@code down}, {@code status} and {@code demo} on the launcher ({@link LocalPipeline}),
 * {@code report}, {@code reconcile} and {@code replay} pointed at the local ClickHouse and broker, and
 * {@code kaizala ...} ({@link KaizalaCommands}: webhook subscriptions and backfills with the local defaults).
 */
public final class LocalCommands {

    /** The system property naming the repository root; set by {@code ./pipeline}. */
    public static final String ROOT_PROPERTY = "pipeline.root";
    /** The commands handled here. */
    public static final List<String> COMMANDS = List.of("up", "down", "status", "demo", "report", "reconcile", "replay",
            "kaizala");

    private LocalCommands() {}

    /** Runs one command on the pipeline of {@code root}; returns its exit status. */
    public static int run(Path root, String command, List<String> args, Map<String, String> env, PrintStream out,
            PrintStream err, boolean styled) {
        Console console = new Console(out, err, styled);
        try {
            LocalPipeline pipeline = LocalPipeline.open(root, env, console);
            return switch (command) {
                case "up" -> pipeline.up(args);
                case "down" -> pipeline.down();
                case "status" -> pipeline.status();
                case "demo" -> new Demo(pipeline, console).run();
                case "report" -> report(pipeline, out, err, styled);
                case "reconcile" -> reconcile(pipeline, args, out, err);
                case "replay" -> Replay.run(args, KaizalaCommands.environment(pipeline, console, false),
                        Clock.systemUTC(), out, err);
                case "kaizala" -> KaizalaCommands.run(pipeline, console, args, out, err);
                default -> throw new Console.Failure("unknown command: " + command, 2);
            };
        } catch (Console.Failure e) {
            console.error(e.getMessage());
            return e.status();
        }
    }

    /** The environment with the local ClickHouse (user default, no password) and database. */
    static Map<String, String> withClickHouse(LocalSettings settings) {
        Map<String, String> env = new HashMap<>(settings.env());
        env.put("CLICKHOUSE_URL", settings.clickHouseUrl());
        env.put("CLICKHOUSE_USER", "default");
        env.put("CLICKHOUSE_PASSWORD", "");
        env.put("CLICKHOUSE_DATABASE", settings.database());
        return env;
    }

    private static void requireClickHouse(LocalPipeline pipeline, int status) {
        if (pipeline.running("clickhouse").isEmpty() || !pipeline.ready("clickhouse")) {
            throw new Console.Failure("ClickHouse is not running on " + pipeline.settings().clickHouseUrl()
                    + ": start the pipeline with ./pipeline up", status);
        }
    }

    /** The repository's copy of a dashboard the jar bundles as {@code resource} (the source of the bundled one). */
    private static Path dashboard(LocalSettings settings, String resource) {
        Path path = settings.root().resolve(Dashboards.REPOSITORY_DASHBOARDS).resolve(Path.of(resource).getFileName());
        if (!Files.isRegularFile(path)) {
            throw new Console.Failure("no dashboard " + path);
        }
        return path;
    }

    private static int report(LocalPipeline pipeline, PrintStream out, PrintStream err, boolean styled) {
        requireClickHouse(pipeline, 1);
        LocalSettings settings = pipeline.settings();
        String db = settings.database();
        List<String> exists = Demo.lines(new ClickHouseHttp(settings.clickHouseUrl(), "default", ""),
                "SELECT count() FROM system.tables WHERE database = '" + db.replace("'", "")
                        + "' AND name = 'responses_latest' FORMAT TSV");
        if (!exists.equals(List.of("1"))) {
            throw new Console.Failure(
                    "no " + db + ".responses_latest view yet: the sink creates the tables when it starts "
                            + "('./pipeline status')");
        }
        return Report.run(List.of(dashboard(settings, Report.DASHBOARD_RESOURCE).toString()), withClickHouse(settings),
                Clock.systemUTC(), out, err, styled);
    }

    private static int reconcile(LocalPipeline pipeline, List<String> args, PrintStream out, PrintStream err) {
        requireClickHouse(pipeline, 3); // 3, as Reconcile's for an unreachable ClickHouse: 1 means "unbalanced"
        List<String> all = new ArrayList<>(args);
        all.add(dashboard(pipeline.settings(), Reconcile.DASHBOARD_RESOURCE).toString());
        return Reconcile.run(all, withClickHouse(pipeline.settings()), Clock.systemUTC(), out, err);
    }
}
