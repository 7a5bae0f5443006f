package io.kzpipe.deploy;

import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import io.kzpipe.testkit.ChDbExtension;
import io.kzpipe.testkit.Engines;
import io.kzpipe.testkit.SqlEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark, not a test (no {@code *Test}/{@code *IT} name, so the build never runs it): times every ClickHouse
 * query of the "Kaizala responses" dashboard for 24 h, 7 d and 30 d on ClickHouse 18.16 (server) and the current
 * engine (chDB), beside its ceiling, then doubles the history outside those ranges and times again. Run by
 * {@code bench/dashboards/run.sh}; figures and method in docs/BENCHMARKS.md.
 *
 * <p>The data is generated inside each engine by one {@code INSERT ... SELECT} per table over {@code numbers()}
 * ({@link #insertStatements}): the rows the processor writes for N responses (3 numeric, 2 option and 1 text
 * answer each, a location for 1 in 10; 1 in 10 responses edited up to two days later, with the processor's
 * supersession marker for the original; 1 in 100 rows inserted twice, as a retried insert leaves them), identical
 * on both engines. The ceiling of a query is the same query without deduplication: {@code FINAL} and the
 * supersession condition removed.
 */
@ExtendWith(ChDbExtension.class)
class DashboardsBench {

    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;
    /** End of the generated history and of every timed range. */
    private static final long END_MS = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli();

    private static final Map<String, Long> RANGES = new LinkedHashMap<>();
    private static final Pattern DATABASE = Pattern.compile("\\bkaizala\\.");
    private static final Pattern FINAL = Pattern.compile(" FINAL\\b");
    private static final int RUNS = Integer.getInteger("bench.runs", 3);

    static {
        RANGES.put("24h", DAY_MS);
        RANGES.put("7d", 7 * DAY_MS);
        RANGES.put("30d", 30 * DAY_MS);
    }

    @Test
    void dashboardQueriesOnBothEngines(Engines both) throws IOException {
        long responses = Long.getLong("bench.responses", 1_000_000L);
        int days = Integer.getInteger("bench.days", 90);
        Path out = Path.of(System.getProperty("bench.out", "target/dashboards-bench.md"));
        List<SqlEngine> engines = both.all();
        // what the compose profile of the Grafana user sets on a current ClickHouse (18.16 has no such setting)
        both.chDb().query("SET do_not_merge_across_partitions_select_final = 1");
        Map<SqlEngine, String> dbs = new LinkedHashMap<>();
        for (SqlEngine e : engines) {
            String db = e.createDatabase("kz_bench");
            for (SchemaMigrator.Migration m : SchemaMigrator.load(db)) {
                m.statements().forEach(e::query);
            }
            dbs.put(e, db);
        }
        StringBuilder report = new StringBuilder();
        report.append(
                String.format(Locale.ROOT, "# Dashboard queries, %,d responses over %d days, then %,d over %d days%n%n",
                        responses / 2, days / 2, responses, days));
        // first half: the most recent days/2 days; second half: the days/2 days before them (outside every range)
        long halfSpan = days / 2 * DAY_MS;
        load(dbs, 0, responses / 2, END_MS - halfSpan, halfSpan, report);
        Map<String, double[]> first = timeAll(dbs, report, "half history");
        load(dbs, responses / 2, responses / 2, END_MS - 2 * halfSpan, halfSpan, report);
        Map<String, double[]> second = timeAll(dbs, report, "full history");
        report.append(
                "\n## Growth of each 7 d time when the history doubles (full / half)\n\n| query | 18.16 | current |\n|---|---|---|\n");
        for (Map.Entry<String, double[]> e : second.entrySet()) {
            if (e.getKey().startsWith("7d ")) {
                double[] a = first.get(e.getKey());
                report.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", e.getKey().substring(3),
                        e.getValue()[0] / a[0], e.getValue()[1] / a[1]));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
        System.out.println(report);
    }

    private static void load(Map<SqlEngine, String> dbs, long first, long count, long startMs, long spanMs,
            StringBuilder report) {
        for (Map.Entry<SqlEngine, String> e : dbs.entrySet()) {
            long t0 = System.nanoTime();
            for (String sql : insertStatements(e.getValue(), first, count, startMs, spanMs)) {
                e.getKey().query(sql);
            }
            report.append(String.format(Locale.ROOT, "Loaded responses %,d..%,d into %s in %.1f s%n", first,
                    first + count - 1, e.getKey().name(), (System.nanoTime() - t0) / 1e9));
        }
        for (Map.Entry<SqlEngine, String> e : dbs.entrySet()) {
            // as a live server's background merges leave past days: one part per day partition
            long t0 = System.nanoTime();
            String db = e.getValue();
            for (String line : e.getKey()
                    .query("SELECT DISTINCT table, partition_id FROM system.parts WHERE database = '" + db
                            + "' AND active FORMAT TSV")
                    .lines()
                    .toList()) {
                String[] f = line.split("\t");
                e.getKey().query("OPTIMIZE TABLE " + db + "." + f[0] + " PARTITION ID '" + f[1] + "' FINAL");
            }
            report.append(String.format(Locale.ROOT, "Merged every day partition on %s in %.1f s%n", e.getKey().name(),
                    (System.nanoTime() - t0) / 1e9));
        }
    }

    /** Times every dashboard query and its ceiling per range on both engines; key "range query" → {18.16 s, current s}. */
    private static Map<String, double[]> timeAll(Map<SqlEngine, String> dbs, StringBuilder report, String label) {
        Map<String, double[]> times = new LinkedHashMap<>();
        List<Dashboards.Query> queries = Dashboards.clickHouseQueries()
                .stream()
                .filter(q -> q.dashboard().equals("Kaizala responses"))
                .toList();
        List<SqlEngine> engines = new ArrayList<>(dbs.keySet());
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, Long> range : RANGES.entrySet()) {
            Instant to = Instant.ofEpochMilli(END_MS);
            Instant from = to.minusMillis(range.getValue());
            long interval = Math.max(60, range.getValue() / 1000 / 200);
            GrafanaMacros macros = new GrafanaMacros(from, to, interval, Map.of());
            report.append(String.format(Locale.ROOT,
                    "%n## %s, range %s, every variable at All (median of %d runs, seconds)%n%n", label, range.getKey(),
                    RUNS));
            report.append(
                    "| query | 18.16 | 18.16 ceiling | ratio | current | current ceiling | ratio | same rows |\n");
            report.append("|---|---|---|---|---|---|---|---|\n");
            double[] total = new double[4];
            for (Dashboards.Query q : queries) {
                String expanded = macros.expand(q.text());
                double[] t = new double[4];
                List<String> results = new ArrayList<>();
                for (int i = 0; i < engines.size(); i++) {
                    SqlEngine engine = engines.get(i);
                    String sql = DATABASE.matcher(expanded).replaceAll(Matcher.quoteReplacement(dbs.get(engine) + "."));
                    t[2 * i] = median(engine, sql + "\nFORMAT TSV", results);
                    t[2 * i + 1] = median(engine, ceiling(sql) + "\nFORMAT TSV", null);
                }
                boolean same = results.get(0).equals(results.get(1));
                if (!same) {
                    mismatches.add(String.format(Locale.ROOT,
                            "%s %s: 18.16 %d rows, current %d rows; first difference: %s", range.getKey(), q.where(),
                            results.get(0).lines().count(), results.get(1).lines().count(), firstDifference(results)));
                }
                for (int i = 0; i < 4; i++) {
                    total[i] += t[i];
                }
                times.put(range.getKey() + " " + q.where(), new double[]{t[0], t[2]});
                report.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.1f | %.3f | %.3f | %.1f | %s |%n",
                        q.where(), t[0], t[1], t[0] / t[1], t[2], t[3], t[2] / t[3], same ? "yes" : "NO"));
            }
            mismatches.forEach(m -> report.append("\nDIFFERENT ROWS: ").append(m).append('\n'));
            mismatches.clear();
            report.append(String.format(Locale.ROOT,
                    "| **one refresh (sum)** | %.3f | %.3f | %.1f | %.3f | %.3f | %.1f | |%n", total[0], total[1],
                    total[0] / total[1], total[2], total[3], total[2] / total[3]));
            System.out.print(report);
        }
        return times;
    }

    private static String firstDifference(List<String> results) {
        List<String> a = results.get(0).lines().toList();
        List<String> b = results.get(1).lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "(none)";
            String y = i < b.size() ? b.get(i) : "(none)";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ": '" + x + "' vs '" + y + "'";
            }
        }
        return "none";
    }

    /** The query without deduplication: no FINAL, no supersession condition (one line in every dashboard query). */
    static String ceiling(String sql) {
        String noFinal = FINAL.matcher(sql).replaceAll("");
        return String.join("\n",
                Arrays.stream(noFinal.split("\n")).filter(l -> !l.contains("response_supersessions")).toList());
    }

    private static double median(SqlEngine engine, String sql, List<String> results) {
        String result = engine.query(sql); // warm-up, and the rows compared between the engines
        if (results != null) {
            results.add(result);
        }
        double[] runs = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            engine.query(sql);
            runs[i] = Duration.ofNanos(System.nanoTime() - t0).toNanos() / 1e9;
        }
        Arrays.sort(runs);
        return runs[RUNS / 2];
    }

    /**
     * One INSERT ... SELECT per table for responses {@code first .. first+count-1}, received uniformly over
     * {@code [startMs, startMs + spanMs)}.
     */
    static List<String> insertStatements(String db, long first, long count, long startMs, long spanMs) {
        // one row per response version (and per copy: 1 in 100 inserted twice)
        String versions = "SELECT i, rid, upd, copy, ms, if(upd = 1, toUInt64(4611686018427387904) + toUInt64(ms), toUInt64(ms)) AS ver"
                + " FROM (SELECT number + " + first + " AS i, hex(MD5(toString(i))) AS rid,"
                + " arrayJoin(if(i % 10 = 0, [0, 1], [0])) AS upd, arrayJoin(if(i % 100 = 1, [0, 1], [0])) AS copy,"
                + " toInt64(" + startMs + " + intDiv((number * " + spanMs + "), " + count
                + ")) + upd * toInt64((i * 7919) % 172800000) AS ms" + " FROM numbers(" + count + "))";
        String common = "concat('ev-', rid, '-', toString(upd)), rid, ver, concat('action-', toString(i % 200)), concat('group-', toString(i % 20))";
        String answerCols = "(schema_version, row_id, event_id, response_id, version, action_id, group_id, question_index, question_title,"
                + " question_type, received_at_ms, ";
        List<String> out = new ArrayList<>();
        out.add("INSERT INTO " + db
                + ".responses (schema_version, row_id, event_id, event_type, response_id, action_id, group_id,"
                + " action_package_id, package_id, responder, responder_id, responder_name, responder_profile_pic, is_anonymous, is_update,"
                + " response_time_ms, version, answer_count, received_at_ms)"
                + " SELECT 1, concat(rid, ':', toString(ver)), concat('ev-', rid, '-', toString(upd)), 'ActionResponse', rid,"
                + " concat('action-', toString(i % 200)), concat('group-', toString(i % 20)), concat('com.contoso.p', toString(i % 5)),"
                + " concat('com.contoso.p', toString(i % 5)), concat('hash-', toString(i % 50000)), '', concat('user ', toString(i % 50000)), '',"
                + " 0, upd, NULL, ver, 6, ms FROM (" + versions + ")");
        out.add("INSERT INTO " + db + ".answers_numeric " + answerCols + "value) SELECT 1, " + rowId() + ", " + common
                + ", q, concat('Quantity ', toString(q)), 'Numeric', ms, toFloat64((i + q * 7 + upd) % 100)"
                + " FROM (SELECT *, arrayJoin([0, 1, 2]) AS q FROM (" + versions + "))");
        out.add("INSERT INTO " + db + ".answers_option " + answerCols
                + "option_title, option_index, selection_index) SELECT 1, " + rowId() + ", " + common
                + ", q, if(q = 3, 'Product', 'Channel'), if(q = 3, 'SingleOption', 'MultiOption'), ms,"
                + " if(q = 3, ['Apples', 'Bananas', 'Cherries', 'Dates'][(i + upd) % 4 + 1], ['SMS', 'App', 'Web'][(i * 3 + upd) % 3 + 1]),"
                + " toInt32((i + upd) % 3), 0 FROM (SELECT *, arrayJoin([3, 4]) AS q FROM (" + versions + "))");
        out.add("INSERT INTO " + db + ".answers_text " + answerCols + "text) SELECT 1, " + rowId() + ", " + common
                + ", 5, 'Retailer', 'Text', ms, concat('Shop ', toString((i + upd) % 50)) FROM (SELECT *, 5 AS q FROM ("
                + versions + "))");
        out.add("INSERT INTO " + db + ".answers_location " + answerCols
                + "latitude, longitude, place_name, accuracy) SELECT 1, " + rowId() + ", " + common
                + ", 6, 'Delivery', 'Location', ms, 17 + (i % 1000) / 1000, 78 + (i % 997) / 1000, 'Hyderabad', NULL"
                + " FROM (SELECT *, 6 AS q FROM (" + versions + ") WHERE i % 10 = 3)");
        out.add("INSERT INTO " + db
                + ".response_supersessions (schema_version, row_id, event_id, response_id, version, superseded_by,"
                + " action_id, group_id, received_at_ms, superseded_at_ms) SELECT 1, concat(rid, ':', toString(ms)), concat('ev-', rid, '-1'),"
                + " rid, toUInt64(ms), toUInt64(4611686018427387904) + toUInt64(edit_ms), concat('action-', toString(i % 200)),"
                + " concat('group-', toString(i % 20)), ms, edit_ms FROM (SELECT i, rid, ms, ms + toInt64((i * 7919) % 172800000) AS edit_ms"
                + " FROM (" + versions + ") WHERE upd = 0 AND copy = 0 AND i % 10 = 0)");
        return out;
    }

    private static String rowId() {
        return "concat(rid, ':', toString(ver), ':', toString(q), ':0')";
    }
}
