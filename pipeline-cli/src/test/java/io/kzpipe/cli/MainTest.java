package io.kzpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpListsTheCommands() {
        assertThat(run("help")).isZero();
        assertThat(run()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: Main report", "Main replay");
    }

    @Test
    void anUnknownCommandIsAnError() {
        assertThat(run("replays")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'replays'", "usage: Main report");
    }

    @Test
    void reportTakesItsOwnArguments() {
        assertThat(run("report", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: Report");
    }

    @Test
    void replayTakesItsOwnArguments() {
        assertThat(run("replay", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: replay");
        assertThat(run("replay")).as("no selection").isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("say which dead letters");
    }

    private int run(String... args) {
        return Main.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }
}
