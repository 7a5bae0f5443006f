package io.kzpipe.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.report.ClickHouseHttp;
import io.kzpipe.launcher.Console;
import io.kzpipe.launcher.LocalPipeline;
import io.kzpipe.launcher.LocalSettings;
import io.kzpipe.launcher.Processes;
import io.kzpipe.launcher.Service;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./pipeline demo}: posts the demo deliveries ({@code deploy/local/demo/deliveries.txt}: one
 * {@code <file> <note>} per line, in posting order) to the running gateway with the callback token, prints each
 * HTTP status and body, then waits until every delivery is visible in ClickHouse: an accepted event as its
 * {@code events_latest} row (or, if the processor refused it, as a dead letter), a dead-lettered body as its
 * {@code dead_letters_latest} row (matched by the {@code X-Request-Id} the gateway answered). The answers of the
 * last run are kept in {@code PIPELINE_HOME/demo-last}. Then, when the Kaizala double and the puller are built,
 * {@link BothWaysDemo} shows the webhook and the pull way in against the double. Setting:
 * {@code PIPELINE_DEMO_TIMEOUT} (seconds to wait for the rows of each part, default 120).
 */
final class Demo {

    /** The demo's HTTP client (also {@link BothWaysDemo}'s). */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private enum Kind {
        EVENT, DEAD_LETTER, REFUSED
    }

    /** One posted delivery and what became of it at the gateway. */
    private record Posted(String file, Kind kind, String eventId, String requestId) {
        String describe() {
            return file + " (" + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (eventId.isEmpty() ? "" : " eventId " + eventId)
                    + (requestId.isEmpty() ? "" : ", request " + requestId) + ")";
        }
    }

    private final LocalPipeline pipeline;
    private final LocalSettings settings;
    private final Console console;

    Demo(LocalPipeline pipeline, Console console) {
        this.pipeline = pipeline;
        this.settings = pipeline.settings();
        this.console = console;
    }

    int run() {
        Path dir = settings.root().resolve("deploy/local/demo");
        Path manifest = dir.resolve("deliveries.txt");
        if (!Files.isRegularFile(manifest)) {
            throw new Console.Failure("missing " + manifest);
        }
        String gateway = Service.GATEWAY.module();
        if (pipeline.running(gateway).isEmpty() || !pipeline.ready(gateway)) {
            throw new Console.Failure("the gateway is not running or not ready: start the pipeline with ./pipeline up "
                    + "('./pipeline status' shows each part)");
        }
        if (pipeline.running(Service.SINK.module()).isEmpty()) {
            console.warn("sink-clickhouse is not running: the deliveries will wait in Kafka and not reach ClickHouse");
        }
        List<String[]> deliveries = readManifest(manifest, dir);
        String url = settings.serviceUrl(Service.GATEWAY) + Service.WEBHOOK_PATH;
        String token = settings.callbackTokens().split(",")[0];
        console.step("Posting " + deliveries.size() + " Kaizala deliveries to " + url);
        Path answers = settings.home().resolve("demo-last"); // the answers of the last run, for a closer look
        List<Posted> posted = new ArrayList<>();
        try {
            Processes.deleteTree(answers);
            Files.createDirectories(answers);
            for (int i = 0; i < deliveries.size(); i++) {
                String file = deliveries.get(i)[0];
                console.out()
                        .printf("  %s %s  %s%n", console.bold("[%2d/%d]".formatted(i + 1, deliveries.size())), file,
                                console.dim(deliveries.get(i)[1]));
                posted.add(post(url, token, file, Files.readAllBytes(dir.resolve(file)),
                        answers.resolve((i + 1) + "-" + file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int timeout = timeoutSeconds();
        int status = awaitVisible(posted, timeout);
        if (status == 0) {
            status = bothWaysIn(timeout);
        }
        if (status == 0) {
            summary(new ClickHouseHttp(settings.clickHouseUrl(), "default", ""), settings.database());
            console.out().printf("%nNext: ./pipeline report   (the dashboard panels as text tables)%n");
        }
        return status;
    }

    /** The webhook and pull ways in against the Kaizala double ({@link BothWaysDemo}), when both jars are built. */
    private int bothWaysIn(int timeout) {
        for (Service service : List.of(Service.KAIZALA_DOUBLE, Service.PULLER)) {
            if (!Files.isRegularFile(settings.serviceJar(service))) {
                console.note("the pull demo is skipped: no " + settings.root().relativize(settings.serviceJar(service))
                        + " (./pipeline up builds it)");
                return 0;
            }
        }
        return new BothWaysDemo(pipeline, console).run(timeout);
    }

    private int timeoutSeconds() {
        String timeoutText = settings.env().getOrDefault("PIPELINE_DEMO_TIMEOUT", "120");
        if (!timeoutText.matches("[0-9]{1,6}")) {
            throw new Console.Failure("PIPELINE_DEMO_TIMEOUT must be a number of seconds, got '" + timeoutText + "'");
        }
        return Integer.parseInt(timeoutText);
    }

    private static List<String[]> readManifest(Path manifest, Path dir) {
        List<String[]> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+", 2);
                if (!Files.isRegularFile(dir.resolve(parts[0]))) {
                    throw new Console.Failure(manifest + " names " + parts[0] + ", which does not exist");
                }
                out.add(new String[]{parts[0], parts.length > 1 ? parts[1] : ""});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private Posted post(String url, String token, String file, byte[] body, Path answer) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("kz-callback-token", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        int status;
        String text;
        String requestId = "";
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            text = response.body();
            requestId = response.headers().firstValue("X-Request-Id").orElse("");
            Files.writeString(answer, "HTTP " + status + "\n" + response.headers().map() + "\n\n" + text,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            status = 0;
            text = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Console.Failure("interrupted");
        }
        console.out().printf("          HTTP %03d %s%n", status, text);
        if (status == 200 && text.contains("\"status\":\"accepted\"")) {
            JsonNode reply = Json.MAPPER.readTree(text);
            return new Posted(file, Kind.EVENT, reply.path("eventId").asText(""), requestId);
        }
        return status == 200
                ? new Posted(file, Kind.DEAD_LETTER, "", requestId)
                : new Posted(file, Kind.REFUSED, "", "");
    }

    /** Polls ClickHouse until every accepted or dead-lettered delivery has its row; prints the totals. */
    private int awaitVisible(List<Posted> posted, int timeout) {
        String db = settings.database();
        ClickHouseHttp clickHouse = new ClickHouseHttp(settings.clickHouseUrl(), "default", "");
        long refused = posted.stream().filter(p -> p.kind() == Kind.REFUSED).count();
        String events = sqlList(posted.stream().map(Posted::eventId));
        String requests = sqlList(posted.stream().map(Posted::requestId));
        console.step("Waiting until the deliveries are visible in ClickHouse (" + db + ".events_latest, " + db
                + ".dead_letters_latest; up to " + timeout + " s)");
        long start = System.nanoTime();
        while (true) {
            Set<String> seen = new java.util.HashSet<>();
            seen.addAll(lines(clickHouse, "SELECT DISTINCT event_id FROM " + db + ".events_latest WHERE event_id IN ("
                    + events + ") FORMAT TSV"));
            seen.addAll(lines(clickHouse, "SELECT DISTINCT request_id FROM " + db
                    + ".dead_letters_latest WHERE request_id IN (" + requests + ") FORMAT TSV"));
            List<Posted> missing = posted.stream()
                    .filter(p -> p.kind() != Kind.REFUSED)
                    .filter(p -> !(seen.contains(p.eventId()) && !p.eventId().isEmpty())
                            && !(seen.contains(p.requestId()) && !p.requestId().isEmpty()))
                    .toList();
            if (missing.isEmpty()) {
                console.ok(
                        "all " + (posted.size() - refused) + " stored deliveries are visible (" + Console.elapsed(start)
                                + ")" + (refused > 0 ? "; " + refused + " refused by the gateway" : ""));
                return 0;
            }
            if (System.nanoTime() - start > timeout * 1_000_000_000L) {
                console.warn("after " + timeout + " s, " + missing.size() + " of " + (posted.size() - refused)
                        + " deliveries are not visible in ClickHouse:");
                missing.forEach(p -> System.err.println("      " + p.describe()));
                console.warn("check './pipeline status' and the logs in " + settings.logDir()
                        + " (stream-processor.log, sink-clickhouse.log)");
                return 1;
            }
            Processes.pause(500);
        }
    }

    /** Rows per _latest view, so the effect of duplicates, the edit and the rejects is visible. */
    private void summary(ClickHouseHttp clickHouse, String db) {
        String[][] views = {{"events", "events_latest"}, {"responses", "responses_latest"},
                {"options", "answers_option_latest"}, {"numbers", "answers_numeric_latest"},
                {"locations", "answers_location_latest"}, {"rejects", "answer_rejects_latest"},
                {"messages", "messages_latest"}, {"jobs", "jobs_latest"}, {"memberships", "memberships_latest"},
                {"definitions", "action_definitions_latest"}, {"dead_letters", "dead_letters_latest"}};
        String sql = Arrays.stream(views)
                .map(v -> "(SELECT count() FROM " + db + "." + v[1] + ") AS " + v[0])
                .collect(Collectors.joining(", ", "SELECT ", " FORMAT PrettyCompactNoEscapes"));
        lines(clickHouse, sql).forEach(line -> console.out().println("    " + line));
    }

    /** The lines of a query's answer; none when it fails (a poll asks again; a check finds nothing). */
    static List<String> lines(ClickHouseHttp clickHouse, String sql) {
        try {
            String text = clickHouse.text(sql);
            return text.isEmpty() ? List.of() : text.lines().toList();
        } catch (ClickHouseHttp.QueryFailedException | IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Console.Failure("interrupted");
        }
    }

    /** {@code 'a','b'} for an IN (...) list; the values are ids without quotes ({@code ''} when there is none). */
    private static String sqlList(java.util.stream.Stream<String> values) {
        String list = values.filter(v -> !v.isEmpty())
                .map(v -> "'" + v.replace("'", "").replace("\\", "") + "'")
                .collect(Collectors.joining(","));
        return list.isEmpty() ? "''" : list;
    }
}
