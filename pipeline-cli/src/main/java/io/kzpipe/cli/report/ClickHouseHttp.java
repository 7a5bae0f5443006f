package io.kzpipe.cli.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A minimal ClickHouse HTTP client for the report: POSTs SQL that names its own {@code FORMAT} and qualifies its
 * tables (the portable way on 18.16 and a current LTS), with {@code wait_end_of_query=1} so that an error in the
 * middle of a result still arrives as an HTTP error. Thread-safe.
 */
public final class ClickHouseHttp {

    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);

    /** ClickHouse answered with an error: its HTTP status and error text. */
    public static final class QueryFailedException extends Exception {
        QueryFailedException(int status, String error) {
            super(error.isEmpty() ? "HTTP " + status : error);
        }
    }

    private final URI endpoint;
    private final String authorization;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * @param url      {@code http://host:port} of ClickHouse's HTTP interface
     * @param user     user name, or empty for none
     * @param password its password (may be empty)
     */
    public ClickHouseHttp(String url, String user, String password) {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.endpoint = URI.create(base + "/?wait_end_of_query=1");
        this.authorization = user.isEmpty()
                ? null
                : "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Runs a query ending in {@code FORMAT TSV} (or any one-value format) and returns the body, stripped. */
    public String text(String sql) throws QueryFailedException, IOException, InterruptedException {
        try (BufferedReader in = query(sql)) {
            return body(in);
        }
    }

    /**
     * Runs a query ending in {@code FORMAT TabSeparatedWithNamesAndTypes}, keeps its first {@code maxRows} rows and
     * counts the others (streamed: a long result is not held in memory).
     */
    ResultTable table(String sql, int maxRows) throws QueryFailedException, IOException, InterruptedException {
        try (BufferedReader in = query(sql)) {
            String names = in.readLine();
            String types = in.readLine();
            if (names == null || types == null) {
                return new ResultTable(List.of(), List.of(), List.of(), 0);
            }
            List<List<String>> rows = new ArrayList<>();
            long total = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (total < maxRows) {
                    rows.add(ResultTable.parseTsvLine(line));
                }
                total++;
            }
            return new ResultTable(ResultTable.parseTsvLine(names), ResultTable.parseTsvLine(types), rows, total);
        }
    }

    /** The answer to {@code sql}, to be closed by the caller. @throws QueryFailedException unless HTTP 200 */
    private BufferedReader query(String sql) throws QueryFailedException, IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(QUERY_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            try (in) {
                throw new QueryFailedException(response.statusCode(), body(in));
            }
        }
        return in;
    }

    private static String body(BufferedReader in) {
        return in.lines().collect(Collectors.joining("\n")).strip();
    }
}
