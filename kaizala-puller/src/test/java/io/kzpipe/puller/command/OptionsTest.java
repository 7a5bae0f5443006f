package io.kzpipe.puller.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void optionsTakeValuesSeparatedOrInline() {
        Options o = Options.parse(List.of("--group", "g", "--url=https://x/webhook", "--status"),
                Set.of("group", "url"), Set.of("status"));

        assertThat(o.get("group")).isEqualTo("g");
        assertThat(o.get("url")).isEqualTo("https://x/webhook");
        assertThat(o.has("status")).isTrue();
    }

    @Test
    void unknownOptionsMissingValuesAndMissingRequiredOnesAreNamed() {
        assertThatThrownBy(() -> Options.parse(List.of("--nope"), Set.of("a"), Set.of()))
                .hasMessageContaining("'--nope'");
        assertThatThrownBy(() -> Options.parse(List.of("--a"), Set.of("a"), Set.of()))
                .hasMessageContaining("--a needs a value");
        assertThatThrownBy(() -> Options.parse(List.of(), Set.of("a"), Set.of()).required("a"))
                .hasMessageContaining("--a is required");
    }

    @Test
    void aSubscribeRequestNamesOneTargetAndAnHttpUrl() {
        SubscribeCommand.Request r = SubscribeCommand.Request.parse(List.of("--group", "g", "--url",
                "https://hooks.example/webhook", "--events", "SurveyResponse, JobResponse", "--tokens-file", "/tmp/t"));

        assertThat(r.target()).isEqualTo(new KaizalaTarget("g", "Group"));
        assertThat(r.events()).containsExactly("SurveyResponse", "JobResponse");
        assertThat(r.tokensFile()).isEqualTo(Path.of("/tmp/t"));
        assertThat(SubscribeCommand.Request.parse(List.of("--package", "p", "--url", "http://localhost:8080/webhook"))
                .target()
                .defaultEvents()).containsExactly("ActionCreated", "ActionResponse");
        assertThat(new KaizalaTarget("g", "Group").defaultEvents()).hasSize(13);
        assertThatThrownBy(() -> SubscribeCommand.Request.parse(List.of("--url", "https://x/")))
                .hasMessageContaining("exactly one of");
        assertThatThrownBy(() -> SubscribeCommand.Request.parse(List.of("--group", "g", "--url", "x")))
                .hasMessageContaining("http(s) URL");
    }
}
