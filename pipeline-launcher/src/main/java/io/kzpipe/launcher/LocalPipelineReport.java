package io.kzpipe.launcher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Optional;

/** What {@link LocalPipeline} prints about itself: the summary after {@code up}, and {@code status}. */
final class LocalPipelineReport {

    private final LocalPipeline pipeline;
    private final LocalSettings settings;
    private final Console console;

    LocalPipelineReport(LocalPipeline pipeline, Console console) {
        this.pipeline = pipeline;
        this.settings = pipeline.settings();
        this.console = console;
    }

    /** The summary {@code up} ends with: where the webhook, the tokens, ClickHouse and Kafka are. */
    void summary(long start, boolean failed) {
        String token = settings.callbackTokens();
        PrintStream out = console.out();
        String headline = console.bold(failed ? "Pipeline is partly up" : "Pipeline is up");
        out.printf("%n%s (%s). Data, logs and PIDs: %s%n", headline, Console.elapsed(start), settings.home());
        Service gateway = Service.GATEWAY;
        if (pipeline.running(gateway.module()).isPresent()) {
            out.printf("  Webhook URL      %s%s  (POST, header kz-callback-token)%n", settings.serviceUrl(gateway),
                    Service.WEBHOOK_PATH);
        } else if (Files.isRegularFile(settings.serviceJar(gateway))) {
            out.printf("  Webhook URL      (ingest-gateway is not running: see %s)%n", settings.log(gateway.module()));
        } else {
            out.printf("  Webhook URL      (ingest-gateway is not built yet)%n");
        }
        out.printf("  Callback token   %s%n", token);
        out.printf("  Tokens file      %s  (accepted tokens, one per line; re-read on change)%n",
                settings.callbackTokensFile());
        if (pipeline.running(Service.PULLER.module()).isPresent()) {
            out.printf("  Puller           %s  (%s=%s)%n", settings.healthUrl(Service.PULLER), Service.PULLER_SOURCES,
                    settings.env().getOrDefault(Service.PULLER_SOURCES, ""));
        }
        out.printf("  ClickHouse       %s  (user default, no password; clickhouse-client --port %d)%n",
                settings.clickHouseUrl(), settings.port(LocalSettings.CLICKHOUSE_TCP_PORT));
        out.printf("  Kafka            %s%n", settings.kafkaBootstrap());
        out.printf("  Status / stop    ./pipeline status   ./pipeline down%n");
        out.flush();
    }

    /** Each part's PID, state and URL; returns 1 when a part has died, else 0. */
    int status() {
        PrintStream out = console.out();
        int status = 0;
        out.printf("%-18s %-8s %-22s %s%n", "PART", "PID", "STATE", "URL");
        for (String part : LocalPipeline.parts()) {
            String pid = "-";
            String state;
            Optional<ProcessHandle> live = pipeline.running(part);
            Service service = Service.byModule(part);
            if (live.isPresent()) {
                pid = Long.toString(live.get().pid());
                state = pipeline.ready(part) ? "running, ready" : "running, not ready";
            } else if (pipeline.died(part)) {
                pid = pipeline.recordedPid(part);
                state = "DEAD (see logs)";
                status = 1;
            } else if (service != null && !Files.isRegularFile(settings.serviceJar(service))) {
                state = "not built";
            } else if (service != null && service.start() == Service.Start.WHEN_CONFIGURED
                    && !service.startedByDefault(settings.env())) {
                state = "not configured";
            } else {
                state = "stopped";
            }
            out.printf("%-18s %-8s %-22s %s%n", part, pid, state, pipeline.url(part));
        }
        out.printf("%nLogs: %s%n", settings.logDir());
        out.flush();
        return status;
    }
}
