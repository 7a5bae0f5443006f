package io.kzpipe.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.Main;
import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import io.kzpipe.launcher.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code ./pipeline report}: the "Kaizala responses" dashboard as text tables, produced from the dashboard
 * definition itself. Every ClickHouse panel (dashboard order, panels of collapsed rows included), each target that
 * Grafana runs, is expanded as Grafana and the ClickHouse plugin expand it ({@link GrafanaMacros}) with every
 * variable at All and the time range from 1970 to now, its database {@code kaizala.} replaced by the configured
 * one, and run over HTTP. A panel added to the dashboard appears in the report without any other change.
 *
 * <p>{@code $__interval_s} follows the span of the data (as Grafana follows the time range): one minute up to
 * 3 hours, one hour up to 3 days, else one day. Each panel shows at most {@link Settings#rows()} rows and says
 * how many more there were. A query that fails (or cannot be expanded) prints a warning with ClickHouse's error
 * and the report goes on; the exit status is then 1. Panels of other datasources (Prometheus) are skipped.
 */
public final class Report {

    /** The dashboard bundled in the jar (copied from {@code deploy/grafana/dashboards} at build time). */
    public static final String DASHBOARD_RESOURCE = "io/kzpipe/cli/dashboards/kaizala-responses.json";
    /** The dashboard this report is about, when given a directory of dashboards. */
    public static final String DASHBOARD_TITLE = "Kaizala responses";
    /** Rows per panel unless {@code PIPELINE_REPORT_ROWS} says otherwise. */
    public static final int DEFAULT_ROWS = 20;

    private static final Pattern DATABASE = Pattern.compile("\\bkaizala\\.");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TRAILING = Pattern.compile("[\\s;]+$");
    private static final String FORMAT = "\nFORMAT TabSeparatedWithNamesAndTypes";

    /**
     * Where and how much to report, from the same environment variables as {@code ./pipeline} and the sink.
     *
     * @param url      ClickHouse HTTP endpoint ({@code CLICKHOUSE_URL}, default
     *                 {@code http://127.0.0.1:$PIPELINE_CLICKHOUSE_HTTP_PORT}, port 8123)
     * @param user     ({@code CLICKHOUSE_USER}, default {@code default})
     * @param password ({@code CLICKHOUSE_PASSWORD}, default empty)
     * @param database the sink's database, replacing {@code kaizala} in the SQL ({@code CLICKHOUSE_DATABASE})
     * @param rows     rows shown per panel ({@code PIPELINE_REPORT_ROWS}, default {@value Report#DEFAULT_ROWS})
     */
    public record Settings(String url, String user, String password, String database, int rows) {

        /** Checks the values. */
        public Settings {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (!IDENTIFIER.matcher(database).matches()) {
                throw new IllegalArgumentException(
                        "CLICKHOUSE_DATABASE must be a plain database name, got '" + database + "'");
            }
            if (rows < 0) {
                throw new IllegalArgumentException("PIPELINE_REPORT_ROWS must be a number, got '" + rows + "'");
            }
        }

        /**
         * Settings from environment variables; unset or empty ones take their defaults.
         *
         * @throws IllegalArgumentException for a value that is not valid (the message names the variable)
         */
        public static Settings fromEnvironment(Map<String, String> env) {
            String port = value(env, "PIPELINE_CLICKHOUSE_HTTP_PORT", "8123");
            String rows = value(env, "PIPELINE_REPORT_ROWS", Integer.toString(DEFAULT_ROWS));
            if (!rows.matches("\\d{1,9}")) {
                throw new IllegalArgumentException("PIPELINE_REPORT_ROWS must be a number, got '" + rows + "'");
            }
            return new Settings(value(env, "CLICKHOUSE_URL", "http://127.0.0.1:" + port),
                    value(env, "CLICKHOUSE_USER", "default"), env.getOrDefault("CLICKHOUSE_PASSWORD", ""),
                    value(env, "CLICKHOUSE_DATABASE", "kaizala"), Integer.parseInt(rows));
        }

        private static String value(Map<String, String> env, String name, String fallback) {
            String v = env.get(name);
            return v == null || v.isBlank() ? fallback : v.strip();
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final PrintStream out;
    private final Console console;
    private final ClickHouseHttp clickHouse;

    /**
     * @param settings where and how much to report
     * @param clock    "now", the end of the time range
     * @param out      the report
     * @param err      warnings and errors
     * @param styled   bold titles and coloured warnings (ANSI escapes), for a terminal
     */
    public Report(Settings settings, Clock clock, PrintStream out, PrintStream err, boolean styled) {
        this.settings = settings;
        this.clock = clock;
        this.out = out;
        this.console = new Console(out, err, styled);
        this.clickHouse = new ClickHouseHttp(settings.url(), settings.user(), settings.password());
    }

    /** Same as {@code io.kzpipe.cli.Main report ARGS}: {@code Report [dashboard.json | dashboards-dir]}. */
    public static void main(String[] args) {
        Main.main(Stream.concat(Stream.of("report"), Stream.of(args)).toArray(String[]::new));
    }

    /**
     * The command: {@code [dashboard.json | directory]} (a directory: its dashboard titled
     * {@value #DASHBOARD_TITLE}; nothing: the dashboard bundled in the jar), settings from {@code env}.
     *
     * @return the exit status: 0 when every query ran (or for {@code --help}), 1 when one failed or ClickHouse
     *         could not be reached, 2 for wrong arguments or settings
     */
    public static int run(List<String> args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err,
            boolean styled) {
        boolean help = args.size() == 1 && (args.get(0).equals("-h") || args.get(0).equals("--help"));
        if (help || args.size() > 1) {
            PrintStream usage = help ? out : err;
            usage.println("usage: Report [dashboard.json | dashboards directory]   (default: the bundled "
                    + DASHBOARD_TITLE + " dashboard)");
            usage.println("settings: CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE, "
                    + "PIPELINE_REPORT_ROWS");
            return help ? 0 : 2;
        }
        Report report;
        JsonNode dashboard;
        try {
            report = new Report(Settings.fromEnvironment(env), clock, out, err, styled);
            dashboard = args.isEmpty()
                    ? Dashboards.loadResource(DASHBOARD_RESOURCE)
                    : Dashboards.find(Path.of(args.get(0)), DASHBOARD_TITLE);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            new Console(out, err, styled).error(e.getMessage());
            return 2;
        }
        return report.print(dashboard);
    }

    /**
     * Prints the report of a dashboard.
     *
     * @return 0 when every query ran, else 1
     */
    public int print(JsonNode dashboard) {
        Instant to = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        out.printf("%s: database %s at %s, all data (times in UTC)%n", console.bold(dashboard.path("title").asText()),
                settings.database(), settings.url());
        int queries = 0;
        int failed = 0;
        try {
            long interval = intervalSeconds(dataSpanSeconds());
            console.note("$__interval_s = " + interval + " ("
                    + (interval == 60 ? "per minute" : interval == 3600 ? "per hour" : "per day")
                    + ", from the span of the data)");
            GrafanaMacros macros = macros(to, interval);
            for (JsonNode panel : Dashboards.panels(dashboard)) {
                List<Dashboards.Target> targets = reportedTargets(panel);
                if (targets.isEmpty()) {
                    continue;
                }
                String title = panel.path("title").asText();
                out.printf("%n%s%n",
                        console.bold(title.isBlank() ? "(panel " + panel.path("id").asText() + ")" : title));
                for (Dashboards.Target target : targets) {
                    queries++;
                    if (targets.size() > 1) {
                        out.println("  query " + target.refId());
                    }
                    String where = "panel '" + title + "' query " + target.refId();
                    if (!panelQuery(macros, target, where)) {
                        failed++;
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            console.error("cannot query ClickHouse at " + settings.url() + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            console.error("interrupted");
            return 1;
        }
        out.flush();
        if (failed > 0) {
            console.error(failed + " of " + queries + " panel queries failed (see the warnings above)");
            return 1;
        }
        return 0;
    }

    /** The SQL of a ClickHouse target as sent: expanded, on {@code database} (for {@code kaizala}), with its FORMAT. */
    static String sql(GrafanaMacros macros, String text, String database) {
        String expanded = DATABASE.matcher(macros.expand(text)).replaceAll(Matcher.quoteReplacement(database + "."));
        return TRAILING.matcher(expanded).replaceAll("") + FORMAT;
    }

    /** How the report expands every query: all data (from 1970 to {@code to}), every variable at All. */
    public static GrafanaMacros macros(Instant to, long intervalSeconds) {
        return GrafanaMacros.allSelected(Instant.EPOCH, to, intervalSeconds);
    }

    /** The ClickHouse targets the report runs for a panel: visible ones, in order (empty for other datasources). */
    public static List<Dashboards.Target> reportedTargets(JsonNode panel) {
        return Dashboards.targets(panel).stream().filter(t -> t.isClickHouse() && !t.hidden()).toList();
    }

    /** The query that measures the span of the data (seconds), for {@code db}. */
    public static String spanSql(String db) {
        return "SELECT toUInt32(max(received_at)) - toUInt32(min(received_at)) FROM " + db + ".responses FORMAT TSV";
    }

    /** {@code $__interval_s} for data spanning that many seconds: minute up to 3 h, hour up to 3 days, else day. */
    public static long intervalSeconds(long spanSeconds) {
        if (spanSeconds <= 3 * 3600) {
            return 60;
        }
        return spanSeconds <= 3 * 86400 ? 3600 : 86400;
    }

    /** Runs one target and prints its table; false (after a warning) when it could not be expanded or failed. */
    private boolean panelQuery(GrafanaMacros macros, Dashboards.Target target, String where)
            throws IOException, InterruptedException {
        String sql;
        try {
            sql = sql(macros, target.text(), settings.database());
        } catch (IllegalArgumentException e) {
            console.warn(where + " cannot be expanded: " + e.getMessage());
            return false;
        }
        ResultTable table;
        try {
            table = clickHouse.table(sql, settings.rows());
        } catch (ClickHouseHttp.QueryFailedException e) {
            console.warn(where + " failed: " + e.getMessage());
            return false;
        }
        if (table.totalRows() == 0) {
            console.note("(no rows)");
            return true;
        }
        table.render().forEach(out::println);
        if (table.moreRows() > 0) {
            console.note("(" + table.moreRows() + " more row" + (table.moreRows() == 1 ? "" : "s") + ")");
        }
        return true;
    }

    /**
     * Seconds between the first and the last response received (0 when there is none or the table cannot be
     * read). The table, not a view: bounds need no deduplication, and reading the table is cheaper.
     */
    private long dataSpanSeconds() throws IOException, InterruptedException {
        try {
            return Long.parseLong(clickHouse.text(spanSql(settings.database())));
        } catch (ClickHouseHttp.QueryFailedException | NumberFormatException e) {
            return 0;
        }
    }
}
