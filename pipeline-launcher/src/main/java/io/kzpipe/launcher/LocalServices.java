package io.kzpipe.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts a service detached: {@code java <options> -Dpipeline.home=<PIPELINE_HOME>/ -jar <private copy of its jar>}
 * in {@code PIPELINE_HOME/<module>}, with the local broker, ClickHouse, callback tokens file and static group
 * membership ids in its environment (and {@code KAIZALA_CALLBACK_TOKENS} when set: the launcher's own environment is
 * inherited).
 */
final class LocalServices {

    private final LocalSettings settings;

    LocalServices(LocalSettings settings) {
        this.settings = settings;
    }

    /** The environment a service gets on top of the launcher's (which it inherits). */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(settings.portEnvironment());
        env.put("KAFKA_BOOTSTRAP_SERVERS", settings.kafkaBootstrap());
        env.put("CLICKHOUSE_URL", settings.clickHouseUrl());
        env.put("CLICKHOUSE_USER", "default");
        env.put("CLICKHOUSE_PASSWORD", "");
        env.put("KAIZALA_CALLBACK_TOKENS_FILE", settings.ensureCallbackTokensFile().toString());
        env.put("PROCESSOR_STATE_DIR", settings.home().resolve(Service.PROCESSOR.module()).resolve("state").toString());
        // static group membership (docs/DESIGN.md, "Restarts, outages and health"): each `up` after a `down` or a
        // crash takes the partitions back at once instead of waiting for the group to time out the old member
        env.put("PROCESSOR_INSTANCE_ID", settings.env().getOrDefault("PROCESSOR_INSTANCE_ID", "processor-0"));
        env.put("SINK_INSTANCE_ID", settings.env().getOrDefault("SINK_INSTANCE_ID", "sink-0"));
        // glibc's default of up to 8 malloc arenas per core only adds RSS to a JVM, which allocates little natively
        env.put("MALLOC_ARENA_MAX", settings.env().getOrDefault("MALLOC_ARENA_MAX", "2"));
        return env;
    }

    /**
     * Copies the jar and its lib/ to {@code PIPELINE_HOME/<module>/app} and starts it with {@code extraEnv} on top of
     * {@link #environment()}; does not wait.
     */
    ProcessHandle start(Service service, Map<String, String> extraEnv) {
        Path dir = settings.home().resolve(service.module());
        Path jar = privateCopy(service, dir.resolve("app"));
        List<String> command = new ArrayList<>();
        command.add(Processes.java());
        command.addAll(service.javaOptions(settings.env()));
        command.add("-Dpipeline.home=" + settings.marker());
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> env = environment();
        env.putAll(extraEnv);
        return Processes.startDetached(service.module(), command, dir, env, settings.log(service.module()),
                settings.pidFile(service.module()));
    }

    /**
     * A private copy of the jar and its lib/: a later build (mvn package, ./pipeline test) rewrites target/, and a
     * running JVM whose jars change underneath fails with NoClassDefFoundError on the next class it loads.
     */
    private Path privateCopy(Service service, Path app) {
        Path jar = settings.serviceJar(service);
        try {
            Processes.deleteTree(app);
            Files.createDirectories(app.resolve("lib"));
            Files.copy(jar, app.resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            try (Stream<Path> libs = Files.list(jar.getParent().resolve("lib"))) {
                for (Path lib : libs.toList()) {
                    Files.copy(lib, app.resolve("lib").resolve(lib.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            return app.resolve(jar.getFileName());
        } catch (IOException e) {
            throw new Console.Failure("cannot copy " + service.module() + "'s jar and lib/ to " + app + ": " + e);
        }
    }
}
