package io.kzpipe.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A private {@code clickhouse-server} for the local pipeline, the benchmarks and the test kit: the one place
 * that writes its {@code config.xml} and {@code users.xml} and finds its binary. Listens on 127.0.0.1 only; user
 * {@code default} without password; time zone UTC; {@code date_time_input_format=best_effort} (the sink's
 * text timestamps). Root element {@code <yandex>}: Debian's 18.16 needs it and current releases accept it.
 */
public final class ClickHouseServerConfig {

    /** What to do when no binary is found. */
    public static final String INSTALL_HINT = "install it: apt-get install -y clickhouse-server clickhouse-client";

    private static final List<String> WELL_KNOWN_DIRS = List.of("/usr/sbin", "/usr/bin", "/usr/local/bin",
            "/usr/local/sbin");
    private static final List<String> DATA_DIRS = List.of("data", "tmp", "user_files", "format_schemas");

    private ClickHouseServerConfig() {}

    /**
     * Creates {@code home}'s data directories and writes {@code home/config.xml} and {@code home/users.xml};
     * the server logs to {@code serverLog} and {@code errorLog}. Returns the path of {@code config.xml}.
     */
    public static Path write(Path home, Path serverLog, Path errorLog, int httpPort, int tcpPort) {
        try {
            for (String dir : DATA_DIRS) {
                Files.createDirectories(home.resolve(dir));
            }
            Files.createDirectories(serverLog.toAbsolutePath().getParent());
            Path config = home.resolve("config.xml");
            Files.writeString(config, configXml(home, serverLog, errorLog, httpPort, tcpPort), StandardCharsets.UTF_8);
            Files.writeString(home.resolve("users.xml"), usersXml(), StandardCharsets.UTF_8);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ClickHouse configuration in " + home, e);
        }
    }

    /** The data directories {@link #write} creates under a home; deleting them deletes the server's data. */
    public static List<String> dataDirs() {
        return DATA_DIRS;
    }

    static String configXml(Path home, Path serverLog, Path errorLog, int httpPort, int tcpPort) {
        String h = xml(home.toAbsolutePath().toString());
        return """
                <?xml version="1.0"?>
                <!-- Written by the launcher (io.kzpipe.launcher.ClickHouseServerConfig) on every start. -->
                <yandex>
                  <logger><level>warning</level><log>%4$s</log><errorlog>%5$s</errorlog><size>10M</size><count>2</count></logger>
                  <http_port>%2$d</http_port><tcp_port>%3$d</tcp_port><listen_host>127.0.0.1</listen_host>
                  <max_concurrent_queries>50</max_concurrent_queries><mark_cache_size>268435456</mark_cache_size>
                  <path>%1$s/data/</path><tmp_path>%1$s/tmp/</tmp_path>
                  <user_files_path>%1$s/user_files/</user_files_path><format_schema_path>%1$s/format_schemas/</format_schema_path>
                  <users_config>users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
                  <timezone>UTC</timezone>
                </yandex>
                """
                .formatted(h, httpPort, tcpPort, xml(serverLog.toAbsolutePath().toString()),
                        xml(errorLog.toAbsolutePath().toString()));
    }

    static String usersXml() {
        return """
                <?xml version="1.0"?>
                <yandex>
                  <profiles><default>
                    <max_memory_usage>4000000000</max_memory_usage>
                    <date_time_input_format>best_effort</date_time_input_format>
                  </default></profiles>
                  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
                  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
                </yandex>
                """;
    }

    /** The command that runs the server with {@code config}. */
    public static List<String> command(Path binary, Path config) {
        return List.of(binary.toString(), "--config-file=" + config.toAbsolutePath());
    }

    /**
     * The {@code clickhouse-server} binary: {@code CLICKHOUSE_SERVER_BIN} of {@code env}, else PATH, else the
     * usual sbin/bin directories; null when there is none.
     */
    public static Path findBinary(Map<String, String> env) {
        List<String> dirs = new ArrayList<>();
        String pathVar = env.get("PATH");
        if (pathVar != null) {
            dirs.addAll(List.of(pathVar.split(File.pathSeparator)));
        }
        dirs.addAll(WELL_KNOWN_DIRS);
        String configured = env.get("CLICKHOUSE_SERVER_BIN");
        return findBinary(configured == null || configured.isBlank() ? null : configured.trim(), dirs);
    }

    /** {@code configured} when set (it must be executable), else the first executable clickhouse-server in {@code dirs}, else null. */
    public static Path findBinary(String configured, List<String> dirs) {
        if (configured != null) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path) || Files.isDirectory(path)) {
                throw new IllegalStateException("CLICKHOUSE_SERVER_BIN=" + configured + " is not an executable file");
            }
            return path;
        }
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "clickhouse-server");
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
