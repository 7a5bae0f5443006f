package io.kzpipe.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./pipeline reconcile [--since 1h|30m|2d|ISO instant] [dashboard.json | dashboards directory]}: the ledger
 * (docs/DESIGN.md "Ledger") per minute of gateway receive time, from {@code --since} (default one hour ago) to now.
 * It runs the SQL of the panel {@value #PANEL_TITLE} of the {@value #DASHBOARD_TITLE} dashboard, expanded as
 * Grafana expands it ({@link GrafanaMacros}: the time range, nothing else), prints every minute and a summary.
 *
 * <p>Exit status: {@value #BALANCED} when every minute older than the lag allowance balances (younger ones are
 * {@code pending}, they do not count), {@value #UNBALANCED} when one does not, {@value #USAGE} for wrong arguments or
 * settings, {@value #FAILED} when ClickHouse cannot be reached or the query fails.
 */
public final class Reconcile {

    public static final String DASHBOARD_RESOURCE = "io/kzpipe/cli/dashboards/pipeline-health.json";
    public static final String DASHBOARD_TITLE = "Pipeline health";
    public static final String PANEL_TITLE = "Ledger by minute";
    /** The column of the panel that judges a minute, and its verdicts. */
    public static final String STATUS_COLUMN = "status";

    public static final String STATUS_UNBALANCED = "UNBALANCED";
    public static final String STATUS_PENDING = "pending";

    public static final int BALANCED = 0;
    public static final int UNBALANCED = 1;
    public static final int USAGE = 2;
    public static final int FAILED = 3;

    private static final Pattern RELATIVE = Pattern.compile("(\\d{1,6})([mhd])");
    private static final Duration DEFAULT_SINCE = Duration.ofHours(1);

    private Reconcile() {}

    /**
     * The command; settings ({@code CLICKHOUSE_URL}, {@code CLICKHOUSE_USER}, {@code CLICKHOUSE_PASSWORD},
     * {@code CLICKHOUSE_DATABASE}) from {@code env}, "now" from {@code clock}.
     *
     * @return the exit status (class comment)
     */
    public static int run(List<String> args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
        Instant to = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant from = to.minus(DEFAULT_SINCE);
        String file = null;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("-h") || a.equals("--help")) {
                    usage(out);
                    return BALANCED;
                } else if (a.equals("--since") && i + 1 < args.size()) {
                    from = since(args.get(++i), to);
                } else if (a.startsWith("--since=")) {
                    from = since(a.substring("--since=".length()), to);
                } else if (!a.startsWith("-") && file == null) {
                    file = a;
                } else {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
            }
            Report.Settings settings = Report.Settings.fromEnvironment(env);
            JsonNode dashboard = file == null
                    ? Dashboards.loadResource(DASHBOARD_RESOURCE)
                    : Dashboards.find(Path.of(file), DASHBOARD_TITLE);
            String sql = Report.sql(GrafanaMacros.allSelected(from, to, 60), ledgerSql(dashboard), settings.database());
            return reconcile(settings, sql, from, to, out, err);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            usage(err);
            return USAGE;
        }
    }

    /** The SQL of the ledger panel of a dashboard (its one ClickHouse target). */
    public static String ledgerSql(JsonNode dashboard) {
        for (JsonNode panel : Dashboards.panels(dashboard)) {
            if (PANEL_TITLE.equals(panel.path("title").asText())) {
                List<Dashboards.Target> targets = Report.reportedTargets(panel);
                if (targets.size() != 1) {
                    throw new IllegalArgumentException(
                            "panel '" + PANEL_TITLE + "' has " + targets.size() + " ClickHouse queries, expected 1");
                }
                return targets.get(0).text();
            }
        }
        throw new IllegalArgumentException(
                "no panel '" + PANEL_TITLE + "' in dashboard '" + dashboard.path("title").asText() + "'");
    }

    /** {@code 90m}, {@code 6h}, {@code 2d} before {@code to}, or an ISO-8601 instant ({@code 2026-11-20T10:00:00Z}). */
    static Instant since(String value, Instant to) {
        Matcher m = RELATIVE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return to.minus(switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        try {
            Instant at = Instant.parse(value);
            if (!at.isBefore(to)) {
                throw new IllegalArgumentException("--since " + value + " is not in the past");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--since takes 30m, 6h, 2d or an instant like 2026-11-20T10:00:00Z, got '" + value + "'");
        }
    }

    private static int reconcile(Report.Settings settings, String sql, Instant from, Instant to, PrintStream out,
            PrintStream err) {
        ResultTable table;
        try {
            table = new ClickHouseHttp(settings.url(), settings.user(), settings.password()).table(sql,
                    Integer.MAX_VALUE);
        } catch (ClickHouseHttp.QueryFailedException e) {
            err.println("error: the ledger query failed: " + e.getMessage());
            return FAILED;
        } catch (IOException | UncheckedIOException e) {
            err.println("error: cannot query ClickHouse at " + settings.url() + ": " + e);
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return FAILED;
        }
        out.printf("Ledger of database %s at %s, gateway receive time %s .. %s (UTC), per minute%n",
                settings.database(), settings.url(), from, to);
        int status = table.names().indexOf(STATUS_COLUMN);
        if (status < 0) {
            err.println("error: the ledger query returned no column '" + STATUS_COLUMN + "': " + table.names());
            return FAILED;
        }
        if (table.rows().isEmpty()) {
            out.println("    (no events in the range)");
        } else {
            table.render().forEach(out::println);
        }
        List<String> unbalanced = new ArrayList<>();
        int pending = 0;
        for (List<String> row : table.rows()) {
            if (STATUS_UNBALANCED.equals(row.get(status))) {
                unbalanced.add(row.get(0));
            } else if (STATUS_PENDING.equals(row.get(status))) {
                pending++;
            }
        }
        int balanced = table.rows().size() - unbalanced.size() - pending;
        out.printf("%d minutes: %d balanced, %d unbalanced, %d pending (younger than the lag allowance)%n",
                table.rows().size(), balanced, unbalanced.size(), pending);
        out.flush();
        if (!unbalanced.isEmpty()) {
            err.println("error: unbalanced minutes: " + String.join(", ", unbalanced)
                    + " (docs/DESIGN.md \"Ledger\" says where to look)");
            return UNBALANCED;
        }
        return BALANCED;
    }

    private static void usage(PrintStream to) {
        to.println("usage: reconcile [--since 30m|6h|2d|2026-11-20T10:00:00Z] [dashboard.json | dashboards directory]"
                + "   (default: the last hour, the bundled " + DASHBOARD_TITLE + " dashboard)");
        to.println("settings: CLICKHOUSE_URL, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD, CLICKHOUSE_DATABASE");
        to.println("exit status: 0 balanced, 1 a minute older than the lag allowance is unbalanced, 2 usage, "
                + "3 ClickHouse unreachable or the query failed");
    }
}
