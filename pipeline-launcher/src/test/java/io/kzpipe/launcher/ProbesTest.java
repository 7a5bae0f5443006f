package io.kzpipe.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProbesTest {

    private static ProcessHandle start(String... command) throws Exception {
        return new ProcessBuilder(command).start().toHandle();
    }

    @Test
    void eachWaitEndsReadyDiedOrTimedOutAndOnlyReadyOnesRunTheirOnReady() throws Exception {
        ProcessHandle sleeping = start("sleep", "30");
        ProcessHandle exiting = start("sh", "-c", "sleep 0.3; exit 1");
        try {
            AtomicInteger polls = new AtomicInteger();
            List<String> ready = new java.util.ArrayList<>();
            Map<String, Probes.Waiting> waits = new LinkedHashMap<>();
            waits.put("ready", new Probes.Waiting(sleeping, Duration.ofSeconds(10), () -> polls.incrementAndGet() > 2,
                    () -> ready.add("ready")));
            waits.put("died",
                    new Probes.Waiting(exiting, Duration.ofSeconds(10), () -> false, () -> ready.add("died")));
            waits.put("slow",
                    new Probes.Waiting(sleeping, Duration.ofMillis(500), () -> false, () -> ready.add("slow")));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Console console = new Console(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), false);

            assertThat(Probes.awaitAll(waits, console)).containsEntry("ready", Probes.Wait.READY)
                    .containsEntry("died", Probes.Wait.DIED)
                    .containsEntry("slow", Probes.Wait.TIMEOUT);
            assertThat(ready).containsExactly("ready");
            assertThat(err.toString(StandardCharsets.UTF_8)).as("a failed wait ends the line of dots").isEqualTo("\n");
        } finally {
            sleeping.destroyForcibly();
            exiting.destroyForcibly();
        }
    }

    @Test
    void aSingleWaitWithoutConsole() throws Exception {
        ProcessHandle exited = start("true");
        exited.onExit().get();
        assertThat(Probes.await(exited, Duration.ofSeconds(5), () -> false)).isEqualTo(Probes.Wait.DIED);
        assertThat(Probes.await(exited, Duration.ofSeconds(5), () -> true)).isEqualTo(Probes.Wait.READY);
    }
}
