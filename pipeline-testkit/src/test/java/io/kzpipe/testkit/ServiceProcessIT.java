package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessIT {

    private static final String MAIN = "io.kzpipe.testkit.fixtures.SleepingMain";

    @Test
    void aChildJvmGetsTheEnvironmentAndStopRunsItsShutdownHooks(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("logs/service.log");
        ServiceProcess service = ServiceProcess.start(MAIN, Map.of("GREETING", "hello"), log);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.exists(log) && Files.readString(log).contains("started"));
        assertThat(service.isAlive()).isTrue();
        assertThat(Files.readString(log)).contains("started with GREETING=hello");

        service.stop();
        assertThat(service.isAlive()).isFalse();
        assertThat(Files.readString(log)).contains("graceful shutdown");
    }

    @Test
    void killSkipsShutdownHooksAndRestartRunsTheSameCommandAgain(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("service.log");
        ServiceProcess service = ServiceProcess.start(MAIN, Map.of("GREETING", "again"), log);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(log) && Files.readString(log).contains("started"));
            long firstPid = service.pid();

            service.kill();
            assertThat(service.isAlive()).isFalse();
            assertThat(service.exitCode()).isNotZero();
            assertThat(Files.readString(log)).doesNotContain("graceful shutdown");

            service.restart();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(log).split("started with GREETING=again", -1).length == 3);
            assertThat(service.pid()).isNotEqualTo(firstPid);
            assertThat(service.isAlive()).isTrue();
        } finally {
            service.close();
        }
        assertThat(service.isAlive()).isFalse();
    }
}
