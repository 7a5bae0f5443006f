package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.ServerException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned DDL in {@code db/NNN_name.sql} (classpath) in version order and records each file
 * in {@code <db>.schema_migrations} (version, name, SHA-256 checksum of its statements).
 *
 * <p>Files are plain SQL for the fixed database name {@code kaizala}; statements end with {@code ;} at the
 * end of a line and contain no other {@code ;}; lines starting with {@code --} are comments. The database
 * name is replaced by the configured one. Every statement is idempotent ({@code IF NOT EXISTS}), so a file
 * that ran but was not recorded (crash, or applied by deploy tooling) runs again harmlessly; recorded files
 * are skipped, so a second run is a no-op. A recorded file whose checksum changed stops start-up: a
 * released migration must never change; add a new file instead. Several sink instances may migrate at
 * the same time (idempotent statements; the ledger is a ReplacingMergeTree).
 *
 * <p>{@code RENAME TABLE} has no {@code IF EXISTS}: a {@code RENAME TABLE a TO b} (one pair) whose {@code a}
 * is gone while {@code b} exists counts as already applied and is skipped, so a file with renames can run
 * again after a crash too. Neither has 18.16 {@code ADD COLUMN IF NOT EXISTS}: an
 * {@code ALTER TABLE t ADD COLUMN c ...} (one column) whose column exists counts as applied and is skipped.
 */
public final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    /** Directory of the migration files on the classpath. */
    public static final String DIRECTORY = "db";
    /** Database name used inside the files. */
    public static final String FILE_DATABASE = "kaizala";

    private static final Pattern FILE_NAME = Pattern.compile("(\\d{3})_[a-z0-9_]+\\.sql");
    private static final Pattern RENAME = Pattern.compile("RENAME TABLE (\\w+)\\.(\\w+) TO (\\w+)\\.(\\w+)");
    private static final Pattern ADD_COLUMN = Pattern.compile("ALTER TABLE (\\w+)\\.(\\w+) ADD COLUMN (\\w+) [^,]+");
    private static final Pattern DATABASE_WORD = Pattern
            .compile("(?<![A-Za-z0-9_])" + FILE_DATABASE + "(?![A-Za-z0-9_])");

    /** One migration file. */
    public record Migration(int version, String name, String checksum, List<String> statements) {}

    private final ClickHouseSql sql;
    private final String database;

    public SchemaMigrator(ClickHouseSql sql, String database) {
        this.sql = sql;
        this.database = database;
    }

    /** Applies every migration not yet recorded; returns the names of the files applied. */
    public List<String> migrate() throws InterruptedException {
        List<Migration> migrations = load(database);
        Map<Integer, String> applied = applied();
        List<String> ran = new ArrayList<>();
        for (Migration m : migrations) {
            String recorded = applied.get(m.version());
            if (recorded != null) {
                if (!recorded.equals(m.checksum())) {
                    throw new IllegalStateException("migration " + m.name() + " changed after it was applied to "
                            + database + " (checksum " + recorded + " recorded, " + m.checksum()
                            + " now); add a new migration file instead of editing a released one");
                }
                continue;
            }
            for (String statement : m.statements()) {
                if (alreadyRenamed(statement) || columnAlreadyAdded(statement)) {
                    LOG.info("skipping '{}' of migration {}: already applied", statement, m.name());
                    continue;
                }
                sql.execute(statement);
            }
            sql.execute("INSERT INTO " + database + ".schema_migrations (version, name, checksum) VALUES ("
                    + m.version() + ", '" + m.name() + "', '" + m.checksum() + "')");
            LOG.info("applied migration {} to database {}", m.name(), database);
            ran.add(m.name());
        }
        if (ran.isEmpty()) {
            LOG.info("schema of database {} is up to date ({} migrations)", database, migrations.size());
        }
        return ran;
    }

    /** A {@code RENAME TABLE a TO b} whose source is gone and whose target exists. */
    private boolean alreadyRenamed(String statement) throws InterruptedException {
        Matcher m = RENAME.matcher(statement.strip());
        if (!m.matches()) {
            return false;
        }
        return !tableExists(m.group(1), m.group(2)) && tableExists(m.group(3), m.group(4));
    }

    /** An {@code ALTER TABLE t ADD COLUMN c ...} whose column exists. */
    private boolean columnAlreadyAdded(String statement) throws InterruptedException {
        Matcher m = ADD_COLUMN.matcher(statement.strip());
        if (!m.matches()) {
            return false;
        }
        List<String[]> rows = sql.queryTsv("SELECT count() FROM system.columns WHERE database = '" + m.group(1)
                + "' AND table = '" + m.group(2) + "' AND name = '" + m.group(3) + "' FORMAT TabSeparated");
        return !rows.isEmpty() && !"0".equals(rows.get(0)[0]);
    }

    private boolean tableExists(String db, String table) throws InterruptedException {
        List<String[]> rows = sql.queryTsv("SELECT count() FROM system.tables WHERE database = '" + db
                + "' AND name = '" + table + "' FORMAT TabSeparated");
        return !rows.isEmpty() && !"0".equals(rows.get(0)[0]);
    }

    /** Recorded migrations (version → checksum); empty when the database or ledger does not exist yet. */
    Map<Integer, String> applied() throws InterruptedException {
        Map<Integer, String> out = new HashMap<>();
        try {
            for (String[] row : sql.queryTsv(
                    "SELECT version, checksum FROM " + database + ".schema_migrations FINAL FORMAT TabSeparated")) {
                out.put(Integer.parseInt(row[0]), row[1]);
            }
        } catch (ServerException e) {
            int code = RetryPolicy.serverCode(e);
            if (code != 60 && code != 81) { // UNKNOWN_TABLE, UNKNOWN_DATABASE: nothing applied yet
                throw e;
            }
        }
        return out;
    }

    /** The migration files on the classpath, in version order, with {@code kaizala} replaced by {@code database}. */
    public static List<Migration> load(String database) {
        List<Migration> out = new ArrayList<>();
        for (Map.Entry<String, String> file : readFiles().entrySet()) {
            Matcher m = FILE_NAME.matcher(file.getKey());
            if (!m.matches()) {
                throw new IllegalStateException("migration file name must look like 001_name.sql: " + file.getKey());
            }
            // the checksum covers the statements (not comments), independent of the configured database
            String canonical = String.join(";\n", statements(file.getValue(), FILE_DATABASE));
            out.add(new Migration(Integer.parseInt(m.group(1)), file.getKey(), sha256(canonical),
                    statements(file.getValue(), database)));
        }
        out.sort((a, b) -> Integer.compare(a.version(), b.version()));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).version() == out.get(i - 1).version()) {
                throw new IllegalStateException("two migrations with version " + out.get(i).version());
            }
        }
        return out;
    }

    /** Splits a file into statements (ending with ';' at a line end), dropping comment lines. */
    public static List<String> statements(String text, String database) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty() && current.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().strip();
                statement = statement.substring(0, statement.length() - 1).strip();
                out.add(DATABASE_WORD.matcher(statement).replaceAll(database));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("statement without a final ';': " + current.toString().strip());
        }
        return out;
    }

    private static Map<String, String> readFiles() {
        URL marker = SchemaMigrator.class.getClassLoader().getResource(DIRECTORY + "/001_database.sql");
        if (marker == null) {
            throw new IllegalStateException(
                    "migration files (" + DIRECTORY + "/001_database.sql) not on the classpath");
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem fs = newJarFileSystem(uri)) {
                    return readDirectory(fs.provider().getPath(uri).getParent());
                }
            }
            return readDirectory(Path.of(uri).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate migration files", e);
        }
    }

    private static FileSystem newJarFileSystem(URI uri) throws IOException {
        try {
            return FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            throw new IllegalStateException("the jar file system of " + uri + " is already open", e);
        }
    }

    private static Map<String, String> readDirectory(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".sql")).toList()) {
                files.put(p.getFileName().toString(), Files.readString(p));
            }
        }
        return files;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
