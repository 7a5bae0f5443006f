package io.kzpipe.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessesTest {

    @Test
    void aDetachedProcessIsFoundByItsPidFileAndMarkerAndStoppedGracefully(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("logs/part.log");
        Path pidFile = dir.resolve("pids/part.pid");
        String marker = dir + "/marker";
        ProcessHandle process = Processes.startDetached("part",
                // sh stays (an exec would replace the command line holding the marker) and ends its sleep on TERM
                List.of("sh", "-c", "echo hello $GREETING; sleep 60 & trap 'kill $!; exit 0' TERM; wait", marker), dir,
                Map.of("GREETING", "world"), log, pidFile);
        try {
            assertThat(Processes.recordedPid(pidFile)).contains(process.pid());
            assertThat(Processes.running(pidFile, marker)).contains(process);
            assertThat(Processes.running(pidFile, dir + "/another-home")).isEmpty();
            for (int i = 0; i < 50 && !Files.readString(log).contains("hello world"); i++) {
                Thread.sleep(100);
            }
            assertThat(Files.readString(log)).contains(": starting part\n", "hello world");

            assertThat(Processes.stop(process, Duration.ofSeconds(10))).isTrue();
            assertThat(process.isAlive()).isFalse();
            assertThat(Processes.running(pidFile, marker)).isEmpty();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGrace(@TempDir Path dir) {
        ProcessHandle process = Processes.startDetached("stubborn",
                List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"), dir, Map.of(), dir.resolve("log"),
                dir.resolve("pid"));
        try {
            Processes.pause(300); // the trap is set
            assertThat(Processes.stop(process, Duration.ofMillis(500))).isFalse();
            assertThat(process.isAlive()).isFalse();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aMissingOrGarbledPidFileIsNoProcess(@TempDir Path dir) throws Exception {
        assertThat(Processes.running(dir.resolve("none.pid"), "x")).isEmpty();
        Files.writeString(dir.resolve("bad.pid"), "12ab");
        assertThat(Processes.recordedPid(dir.resolve("bad.pid"))).isEmpty();
        assertThat(Processes.tail(dir.resolve("none.log"), 3)).startsWith("(cannot read");
    }
}
