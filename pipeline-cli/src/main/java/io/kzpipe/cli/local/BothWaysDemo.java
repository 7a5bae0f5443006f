package io.kzpipe.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.report.ClickHouseHttp;
import io.kzpipe.launcher.Console;
import io.kzpipe.launcher.LocalPipeline;
import io.kzpipe.launcher.LocalSettings;
import io.kzpipe.launcher.Processes;
import io.kzpipe.launcher.Service;
import io.kzpipe.model.json.Json;
import io.kzpipe.puller.command.BackfillCommand;
import io.kzpipe.puller.command.SubscribeCommand;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The second half of {@code ./pipeline demo}: both ways in, against the Kaizala double (module
 * {@code kaizala-double}, the local stand-in for the retired Kaizala API). Starts the double with a demo group of
 * {@value #SEEDED_RESPONSES} responses unless it runs; subscribes the local gateway to the group through the double
 * ({@code kaizala subscribe}: the double performs Kaizala's validation GET against the gateway, the token goes into
 * the gateway's tokens file); has the double push new and edited responses as webhook events; starts the puller on
 * the same group against the double unless it runs, and records a backfill of the group's history; then waits
 * until every response of the group is one row of {@code responses_latest}, whichever way it came in.
 */
final class BothWaysDemo {

    /** The demo group (the double's {@code KAIZALA_DOUBLE_GROUP_ID}). */
    static final String GROUP_ID = "5d0c9e2a-4b7f-4c1d-9a3e-6f8b2d1c0e42";

    static final int SEEDED_RESPONSES = 40;
    /** The double seeds the group's responses over the last 30 days (its {@code GroupSeed} spread). */
    private static final Duration HISTORY = Duration.ofDays(31);

    private static final Pattern RECORDS = Pattern
            .compile("(?m)^kz_puller_records_total\\{[^}]*source=\"group:" + GROUP_ID + "\"[^}]*} ([0-9.eE+]+)$");

    private final LocalPipeline pipeline;
    private final LocalSettings settings;
    private final Console console;
    private final String doubleUrl;

    BothWaysDemo(LocalPipeline pipeline, Console console) {
        this.pipeline = pipeline;
        this.settings = pipeline.settings();
        this.console = console;
        this.doubleUrl = settings.serviceUrl(Service.KAIZALA_DOUBLE);
    }

    /** Runs it; 0 when every response of the group is visible once, 1 otherwise. */
    int run(int timeoutSeconds) {
        console.step("Both ways in: the Kaizala double (a local stand-in for the Kaizala API) on " + doubleUrl);
        Map<String, String> kaizala = KaizalaCommands.doubleEnvironment(settings);
        startDouble(kaizala);
        subscribe(kaizala);
        int pushed = push();
        startPuller(kaizala);
        return awaitGroup(pushed, timeoutSeconds);
    }

    private void startDouble(Map<String, String> kaizala) {
        if (pipeline.running(Service.KAIZALA_DOUBLE.module()).isPresent()) {
            console.ok("kaizala-double already running");
            return;
        }
        Map<String, String> env = new HashMap<>();
        env.put("KAIZALA_DOUBLE_APPLICATION_ID", kaizala.get("KAIZALA_APPLICATION_ID"));
        env.put("KAIZALA_DOUBLE_APPLICATION_SECRET", kaizala.get("KAIZALA_APPLICATION_SECRET"));
        env.put("KAIZALA_DOUBLE_REFRESH_TOKEN", kaizala.get("KAIZALA_REFRESH_TOKEN"));
        env.put("KAIZALA_DOUBLE_GROUP_ID", GROUP_ID);
        env.put("KAIZALA_DOUBLE_SEED_RESPONSES", Integer.toString(SEEDED_RESPONSES));
        pipeline.start(Service.KAIZALA_DOUBLE, env);
    }

    /** Subscribes the gateway to the group through the double, unless an earlier run did. */
    private void subscribe(Map<String, String> kaizala) {
        String url = KaizalaCommands.webhookUrl(settings);
        for (JsonNode hook : get("/_double/webhooks").path("webhooks")) {
            if (url.equals(hook.path("callbackUrl").asText()) && GROUP_ID.equals(hook.path("objectId").asText())) {
                console.ok("the gateway is subscribed to group " + GROUP_ID + " already (webhook "
                        + hook.path("id").asText() + ")");
                return;
            }
        }
        console.out().printf("  ./pipeline kaizala subscribe --group %s%n", GROUP_ID);
        Map<String, String> env = new HashMap<>(settings.env());
        env.putAll(kaizala);
        int status = SubscribeCommand.main(KaizalaCommands.subscribeArgs(settings, List.of("--group", GROUP_ID)), env,
                console.out(), System.err);
        if (status != 0) {
            throw new Console.Failure("subscribing the gateway through the double failed (see above)");
        }
        // the gateway looks at its tokens file once a second
        Processes.pause(2000);
    }

    /** Two new responses and an edit, each pushed by the double as a webhook event; returns how many were stored. */
    private int push() {
        String action = get("/_double/groups/" + GROUP_ID).path("actions").path(0).path("actionId").asText();
        String base = "/_double/groups/" + GROUP_ID + "/actions/" + action + "/responses";
        int stored = 0;
        String edited = null;
        for (int i = 0; i < 3; i++) {
            JsonNode change = post(i < 2 ? base : base + "/" + edited + "/edit");
            String responseId = change.path("responseId").asText();
            edited = edited == null ? responseId : edited;
            for (JsonNode delivery : change.path("deliveries")) {
                int status = delivery.path("status").asInt();
                stored += status == 200 ? 1 : 0;
                console.out()
                        .printf("  %s %s %s  pushed to the gateway: HTTP %03d%s%n",
                                console.bold("[push %d/3]".formatted(i + 1)), i < 2 ? "new response" : "edit of",
                                responseId, status,
                                delivery.path("error").asText("").isEmpty()
                                        ? ""
                                        : " " + delivery.path("error").asText());
            }
        }
        return stored;
    }

    private void startPuller(Map<String, String> kaizala) {
        String source = "group:" + GROUP_ID;
        if (pipeline.running(Service.PULLER.module()).isPresent()) {
            console.ok("kaizala-puller already running (with its own settings); recording a backfill of " + source);
        } else {
            Map<String, String> env = new HashMap<>(kaizala);
            env.put(Service.PULLER_SOURCES, source);
            env.put("PULLER_INTERVAL_SECONDS", "5");
            pipeline.start(Service.PULLER, env);
        }
        Map<String, String> env = KaizalaCommands.environment(pipeline, console, false);
        Instant now = Instant.now();
        int status = BackfillCommand.main(
                List.of("--source", source, "--from", now.minus(HISTORY).toString(), "--to", now.toString()), env,
                console.out(), System.err);
        if (status != 0) {
            throw new Console.Failure("recording the backfill failed (see above)");
        }
    }

    /** Waits until each response of the group is one row of responses_latest; prints what came which way. */
    private int awaitGroup(int pushed, int timeoutSeconds) {
        long expected = get("/_double/groups/" + GROUP_ID).path("responses").asLong();
        String db = settings.database();
        ClickHouseHttp clickHouse = new ClickHouseHttp(settings.clickHouseUrl(), "default", "");
        String sql = "SELECT count(), uniqExact(response_id) FROM " + db + ".responses_latest WHERE group_id = '"
                + GROUP_ID + "' FORMAT TSV";
        console.step("Waiting until the group's " + expected + " responses are in " + db
                + ".responses_latest, one row each (up to " + timeoutSeconds + " s)");
        long start = System.nanoTime();
        String seen = "";
        while (System.nanoTime() - start < timeoutSeconds * 1_000_000_000L) {
            List<String> rows = Demo.lines(clickHouse, sql);
            seen = rows.isEmpty() ? "" : rows.get(0);
            if (seen.equals(expected + "\t" + expected)) {
                console.ok("all " + expected + " responses of group " + GROUP_ID + " are visible, one row each ("
                        + Console.elapsed(start) + "): " + pushed + " pushed by webhook, " + pulled()
                        + " records pulled by kaizala-puller, the same responses converged");
                return 0;
            }
            Processes.pause(1000);
        }
        console.warn(
                "after " + timeoutSeconds + " s, responses_latest has (rows, responses) = (" + seen.replace('\t', ',')
                        + ") of the group's " + expected + "; see " + settings.log(Service.PULLER.module()));
        return 1;
    }

    /** The puller's kz_puller_records_total of the demo group ("?" when its metrics cannot be read). */
    private String pulled() {
        try {
            String metrics = Demo.HTTP.send(HttpRequest
                    .newBuilder(URI.create(settings.healthUrl(Service.PULLER).replace("/health/ready", "/metrics")))
                    .timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = RECORDS.matcher(metrics);
            return m.find() ? Long.toString((long) Double.parseDouble(m.group(1))) : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(doubleUrl + path)).GET());
    }

    private JsonNode post(String path) {
        return send(HttpRequest.newBuilder(URI.create(doubleUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpRequest r = request.timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = Demo.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new Console.Failure("the double answered " + r.method() + " " + r.uri() + " with HTTP "
                        + response.statusCode() + ": " + response.body());
            }
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new Console.Failure("the double at " + doubleUrl + " did not answer " + r.uri() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Console.Failure("interrupted");
        }
    }
}
