package io.kzpipe.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Where the local pipeline lives and on which ports: {@code PIPELINE_HOME} (default {@code <repository>/.run})
 * with {@code logs/}, {@code pids/} and {@code settings.env}, and the port settings (environment variables,
 * else the defaults). {@code up} records the ports it used in {@code settings.env}; while any part runs, the
 * recorded values win, so {@code status} and {@code down} see what {@code up} started.
 */
public final class LocalSettings {

    public static final Service.Port KAFKA_PORT = new Service.Port("PIPELINE_KAFKA_PORT", 9092);
    public static final Service.Port KAFKA_CONTROLLER_PORT = new Service.Port("PIPELINE_KAFKA_CONTROLLER_PORT", 9093);
    public static final Service.Port CLICKHOUSE_HTTP_PORT = new Service.Port("PIPELINE_CLICKHOUSE_HTTP_PORT", 8123);
    public static final Service.Port CLICKHOUSE_TCP_PORT = new Service.Port("PIPELINE_CLICKHOUSE_TCP_PORT", 9000);

    private final Path root;
    private final Path home;
    private final Map<String, String> env;
    private final Map<String, Integer> ports;

    private LocalSettings(Path root, Path home, Map<String, String> env, Map<String, Integer> ports) {
        this.root = root;
        this.home = home;
        this.env = env;
        this.ports = ports;
    }

    /** Every port setting, in the order {@code settings.env} lists them. */
    public static List<Service.Port> portSettings() {
        return Stream
                .concat(Stream.of(KAFKA_PORT, KAFKA_CONTROLLER_PORT, CLICKHOUSE_HTTP_PORT, CLICKHOUSE_TCP_PORT),
                        Arrays.stream(Service.values())
                                .flatMap(service -> Stream.of(service.port(), service.healthPort())))
                .distinct()
                .toList();
    }

    /** {@code PIPELINE_HOME} of {@code env}, else {@code root/.run}, absolute and normalized. */
    public static Path home(Path root, Map<String, String> env) {
        String configured = env.get("PIPELINE_HOME");
        Path home = configured == null || configured.isBlank() ? root.resolve(".run") : Path.of(configured);
        return home.toAbsolutePath().normalize();
    }

    /**
     * The settings of {@code env}; when {@code running} and {@code settings.env} exists, its values win and a
     * different value in the environment is reported through {@code console}.
     */
    public static LocalSettings load(Path root, Map<String, String> env, boolean running, Console console) {
        Path home = home(root, env);
        Properties recorded = running ? readRecorded(home.resolve("settings.env")) : new Properties();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Service.Port port : portSettings()) {
            String name = port.variable();
            String value = env.get(name);
            String kept = recorded.getProperty(name);
            if (kept != null) {
                if (value != null && !value.isEmpty() && !value.equals(kept)) {
                    console.warn(name + "=" + value + " ignored: the running pipeline uses " + kept
                            + " ('./pipeline down' first to change it)");
                }
                value = kept;
            }
            if (value == null || value.isEmpty()) {
                value = Integer.toString(port.defaultValue());
            }
            if (!value.matches("[0-9]{1,5}")) {
                throw new Console.Failure(name + " must be a port number, got '" + value + "'");
            }
            ports.put(name, Integer.parseInt(value));
        }
        return new LocalSettings(root, home, env, ports);
    }

    private static Properties readRecorded(Path file) {
        Properties values = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(reader); // the NAME=value lines of save()
        } catch (IOException e) {
            // none recorded
        }
        return values;
    }

    /** Writes the ports in use to {@code settings.env} ({@code NAME=value} lines, also sourced by bench scripts). */
    public void save() {
        StringBuilder text = new StringBuilder();
        ports.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve("settings.env"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + home.resolve("settings.env"), e);
        }
    }

    public Path root() {
        return root;
    }

    public Path home() {
        return home;
    }

    public Map<String, String> env() {
        return env;
    }

    /** Every port setting with its value, as {@code NAME -> "port"} for a child's environment. */
    public Map<String, String> portEnvironment() {
        Map<String, String> out = new LinkedHashMap<>();
        ports.forEach((name, value) -> out.put(name, Integer.toString(value)));
        return out;
    }

    public int port(Service.Port port) {
        return ports.get(port.variable());
    }

    public Path logDir() {
        return home.resolve("logs");
    }

    public Path log(String part) {
        return logDir().resolve(part + ".log");
    }

    public Path pidFile(String part) {
        return home.resolve("pids").resolve(part + ".pid");
    }

    /** What every process started for this home has on its command line (see {@link Processes#running}). */
    public String marker() {
        return home + "/";
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + port(KAFKA_PORT);
    }

    public String clickHouseUrl() {
        return "http://127.0.0.1:" + port(CLICKHOUSE_HTTP_PORT);
    }

    public String serviceUrl(Service service) {
        return "http://127.0.0.1:" + port(service.port());
    }

    public String healthUrl(Service service) {
        return "http://127.0.0.1:" + port(service.healthPort()) + service.healthPath();
    }

    /** The service's runnable jar in the repository ({@code <module>/target/<module>.jar}). */
    public Path serviceJar(Service service) {
        return root.resolve(service.module()).resolve("target").resolve(service.module() + ".jar");
    }

    /** The module is a runnable service (it activates the parent POM's {@code service} profile). */
    public boolean runnable(Service service) {
        return Files.isRegularFile(root.resolve(service.module()).resolve("src/main/resources/service.properties"));
    }

    /** The ClickHouse database the sink writes (CLICKHOUSE_DATABASE, default kaizala). */
    public String database() {
        String db = env.get("CLICKHOUSE_DATABASE");
        return db == null || db.isBlank() ? "kaizala" : db;
    }

    /**
     * The file of callback tokens the local gateway accepts ({@code KAIZALA_CALLBACK_TOKENS_FILE}), which it re-reads
     * when it changes: {@code PIPELINE_HOME/gateway/callback-tokens}. {@code kaizala subscribe} appends to it.
     */
    public Path callbackTokensFile() {
        return home.resolve("gateway").resolve("callback-tokens");
    }

    /**
     * The local callback token(s) that {@code up} prints and {@code demo} posts with: KAIZALA_CALLBACK_TOKENS when
     * set, else the first token of {@link #callbackTokensFile()}. That file is created (mode 600) on first use with
     * a token generated then, or the one an earlier version kept in {@code PIPELINE_HOME/callback-token}.
     */
    public String callbackTokens() {
        Path file = ensureCallbackTokensFile();
        String configured = env.get("KAIZALA_CALLBACK_TOKENS");
        if (configured != null && !configured.isEmpty()) {
            return configured;
        }
        // the format is io.kzpipe.model.config.CallbackTokenFile's (the launcher depends on no project module):
        // one token per line, blank lines and # comments ignored
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.map(String::strip)
                    .filter(token -> !token.isEmpty() && !token.startsWith("#"))
                    .findFirst()
                    .orElseThrow(() -> new Console.Failure("no callback token in " + file
                            + ": add one (a line of its own), or delete the file for a new one"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * {@link #callbackTokensFile()}, created unless it exists: with a new token, the one an earlier version kept in
     * {@code PIPELINE_HOME/callback-token}, or (KAIZALA_CALLBACK_TOKENS set, the gateway gets those too) none.
     */
    public Path ensureCallbackTokensFile() {
        Path file = callbackTokensFile();
        if (!Files.isRegularFile(file)) {
            try {
                createTokensFile(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + file, e);
            }
        }
        return file;
    }

    private void createTokensFile(Path file) throws IOException {
        Path legacy = home.resolve("callback-token");
        String configured = env.get("KAIZALA_CALLBACK_TOKENS");
        String token;
        if (configured != null && !configured.isEmpty()) {
            token = "# (none here: KAIZALA_CALLBACK_TOKENS was set when this file was created)";
        } else if (Files.isRegularFile(legacy) && !Files.readString(legacy, StandardCharsets.UTF_8).isBlank()) {
            token = Files.readString(legacy, StandardCharsets.UTF_8).strip();
        } else {
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            token = HexFormat.of().formatHex(bytes);
        }
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial,
                "# Callback tokens the local gateway accepts, one per line (# starts a comment). The gateway re-reads\n"
                        + "# this file within a second of a change; './pipeline kaizala subscribe' appends the token it\n"
                        + "# registers. The first token is the one './pipeline up' prints and './pipeline demo' uses.\n"
                        + token + "\n",
                StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
