package io.kzpipe.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A ClickHouse server an integration test can use, with a minimal HTTP client for setup and assertions.
 * Obtained as a test-method parameter through {@link ClickHouseExtension} (one server per test JVM, shared by
 * every test class: create your own database with {@link #createDatabase(String)}).
 *
 * <p>Queries go over HTTP ({@code java.net.http}); write {@code FORMAT ...} in the SQL and qualify tables with
 * their database ({@code db.table}): the portable way on both 18.16 and a current LTS. Thread-safe. As a
 * {@link SqlEngine} it can run the same statements as {@link ChDb} (see {@link ChDbExtension}).
 */
public final class TestClickHouse implements SqlEngine {

    private static final Duration QUERY_TIMEOUT = Duration.ofMinutes(2);

    private final String httpUrl;
    private final String user;
    private final String password;
    private final String description;
    private final String diagnostics;
    private final HttpClient client;
    private final List<String> createdDatabases = new CopyOnWriteArrayList<>();
    private volatile String name;

    TestClickHouse(String httpUrl, String user, String password, String description, String diagnostics) {
        this.httpUrl = httpUrl.endsWith("/") ? httpUrl.substring(0, httpUrl.length() - 1) : httpUrl;
        this.user = user;
        this.password = password;
        this.description = description;
        this.diagnostics = diagnostics;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** {@code http://host:port}, no trailing slash. */
    public String httpUrl() {
        return httpUrl;
    }

    public String host() {
        return URI.create(httpUrl).getHost();
    }

    public int httpPort() {
        return URI.create(httpUrl).getPort();
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Where this server comes from (environment, container, private process). */
    public String description() {
        return description;
    }

    /** Where to look when something fails (server log paths), or an empty string. */
    public String diagnostics() {
        return diagnostics;
    }

    /**
     * {@code ClickHouse <version> server <url>}, e.g. {@code ClickHouse 18.16.1 server http://127.0.0.1:18123};
     * the version is asked once ({@code SELECT version()}).
     *
     * @throws ClickHouseQueryException when the server cannot be asked for its version
     */
    @Override
    public String name() {
        String known = name;
        if (known == null) {
            known = "ClickHouse " + query("SELECT version() FORMAT TSV").trim() + " server " + httpUrl;
            name = known;
        }
        return known;
    }

    /**
     * Creates a fresh database named {@code <prefix>_<8 hex>} and returns its name. Prefix characters other
     * than letters, digits and {@code _} become {@code _}.
     */
    @Override
    public String createDatabase(String prefix) {
        String database = uniqueDatabaseName(prefix);
        query("CREATE DATABASE " + database);
        createdDatabases.add(database);
        return database;
    }

    /** {@code <prefix>_<8 hex>}, prefix characters other than letters, digits and {@code _} replaced by {@code _}. */
    static String uniqueDatabaseName(String prefix) {
        String clean = prefix.replaceAll("[^A-Za-z0-9_]", "_");
        return clean + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
    }

    /**
     * Runs one statement and returns the response body (TSV unless the SQL says {@code FORMAT ...}; empty for DDL).
     *
     * @throws ClickHouseQueryException with ClickHouse's error text on any HTTP error or connection failure
     */
    @Override
    public String query(String sql) {
        return send(HttpRequest.newBuilder(URI.create(httpUrl + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)), sql);
    }

    /**
     * Runs an {@code INSERT ... FORMAT <fmt>} statement with {@code data} as its payload, e.g.
     * {@code insert("INSERT INTO db.t (a, b) FORMAT JSONEachRow", "{\"a\":1,\"b\":\"x\"}\n")}.
     *
     * @throws ClickHouseQueryException with ClickHouse's error text on any HTTP error or connection failure
     */
    @Override
    public void insert(String insertStatement, String data) {
        String url = httpUrl + "/?query=" + URLEncoder.encode(insertStatement, StandardCharsets.UTF_8);
        send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(data, StandardCharsets.UTF_8)), insertStatement);
    }

    @Override
    public String toString() {
        return "ClickHouse " + httpUrl + " (" + description + ")";
    }

    /** Drops the databases {@link #createDatabase(String)} made (for servers the tests do not own). */
    void dropCreatedDatabases() {
        for (String name : new ArrayList<>(createdDatabases)) {
            try {
                query("DROP DATABASE IF EXISTS " + name);
                createdDatabases.remove(name);
            } catch (ClickHouseQueryException e) {
                // best effort: the server may already be gone
            }
        }
    }

    private String send(HttpRequest.Builder builder, String sql) {
        builder.timeout(QUERY_TIMEOUT);
        if (user != null && !user.isEmpty()) {
            String credentials = user + ":" + (password == null ? "" : password);
            builder.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response;
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ClickHouseQueryException(0, sql, httpUrl + ": " + e, diagnostics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClickHouseQueryException(0, sql, "interrupted", diagnostics, e);
        }
        if (response.statusCode() != 200) {
            throw new ClickHouseQueryException(response.statusCode(), sql, response.body().trim(), diagnostics, null);
        }
        return response.body();
    }
}
