package io.kzpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import io.kzpipe.testkit.SqlEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The known dataset the dashboard tests run on (DashboardQueriesIT, ReportIT): a fresh database with the sink's own
 * migrations, then every {@code dataset/<table>.jsonl} test resource inserted into its table. The ledger's tests
 * (LedgerQueriesIT, ReconcileIT) load {@code ledger-dataset/} the same way.
 */
final class DashboardDataset {

    private DashboardDataset() {}

    /** Creates a database {@code <prefix>_<8 hex>}, applies the sink's migrations, loads the dataset; returns its name. */
    static String load(SqlEngine ch, String prefix) {
        return load(ch, prefix, "dataset");
    }

    /** As {@link #load(SqlEngine, String)}, with the rows of {@code <folder>/<table>.jsonl}. */
    static String load(SqlEngine ch, String prefix, String folder) {
        String db = ch.createDatabase(prefix);
        for (SchemaMigrator.Migration m : SchemaMigrator.load(db)) {
            m.statements().forEach(ch::query);
        }
        for (String table : tables(folder)) {
            String rows = resource(folder + "/" + table + ".jsonl");
            JsonNode first = Yaml.json(rows.lines().findFirst().orElseThrow());
            List<String> columns = new ArrayList<>();
            first.fieldNames().forEachRemaining(columns::add);
            // explicit column list: received_at is computed by its DEFAULT, as for the sink's inserts
            ch.insert("INSERT INTO " + db + "." + table + " (" + String.join(", ", columns) + ") FORMAT JSONEachRow",
                    rows);
        }
        return db;
    }

    /** The tables the dataset has rows for ({@code dataset/<table>.jsonl}), sorted. */
    static List<String> tables() {
        return tables("dataset");
    }

    private static List<String> tables(String folder) {
        URL dir = DashboardDataset.class.getClassLoader().getResource(folder);
        if (dir == null) {
            throw new IllegalStateException("missing test resource folder " + folder + "/");
        }
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jsonl"))
                    .map(n -> n.substring(0, n.length() - ".jsonl".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test resource as UTF-8 text. */
    static String resource(String name) {
        try (InputStream in = DashboardDataset.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
