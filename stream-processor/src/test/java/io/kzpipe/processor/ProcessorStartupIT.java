package io.kzpipe.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.testkit.FreePorts;
import io.kzpipe.testkit.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The service's exit codes for the failures that happen before any record is processed. */
class ProcessorStartupIT {

    @Test
    void exitsWithCode2AndListsEveryProblemWhenTheConfigurationIsInvalid() {
        ServiceProcess p = ServiceProcess.start("io.kzpipe.processor.Main",
                Map.of("PROCESSOR_DEDUP_WINDOW", "soon", "PROCESSOR_MANAGEMENT_PORT", "-1"),
                Path.of("target", "it-logs", "startup-config.log"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !p.isAlive());
            assertThat(p.exitCode()).isEqualTo(2);
            assertThat(p.logTail(10)).contains("PROCESSOR_DEDUP_WINDOW", "PROCESSOR_MANAGEMENT_PORT");
        } finally {
            p.kill();
        }
    }

    @Test
    void exitsWithCode1WhenKafkaCannotBeReachedWithinTheStartupTimeout() throws IOException {
        int closedPort = FreePorts.find();
        ServiceProcess p = ServiceProcess.start(
                "io.kzpipe.processor.Main", Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closedPort,
                        "PROCESSOR_MANAGEMENT_PORT", "0", "PROCESSOR_STARTUP_TIMEOUT", "3s"),
                Path.of("target", "it-logs", "startup-nokafka.log"));
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !p.isAlive());
            assertThat(p.exitCode()).isEqualTo(1);
            assertThat(p.logTail(40)).contains("stream processor failed to start", "cannot create topics");
        } finally {
            p.kill();
        }
    }
}
