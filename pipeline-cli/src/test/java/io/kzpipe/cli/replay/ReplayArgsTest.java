package io.kzpipe.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplayArgsTest {

    private static ReplayArgs parse(String... args) {
        return ReplayArgs.parse(List.of(args));
    }

    @Test
    void criteriaOfOneKindAreAlternativesAndKindsMustAllMatch() {
        ReplayArgs a = parse("--stage", "processor", "--reason=record_too_large,too_deep", "--reason", "invalid_json",
                "--from", "2026-12-01", "--to=2026-12-01T10:00:00Z");
        assertThat(a.stages()).containsExactly("processor");
        assertThat(a.reasons()).containsExactlyInAnyOrder("record_too_large", "too_deep", "invalid_json");
        assertThat(a.from()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(a.to()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(a.dryRun()).isFalse();

        long nine = Instant.parse("2026-12-01T09:00:00Z").toEpochMilli();
        assertThat(a.selects("processor", "too_deep", nine, "x")).isTrue();
        assertThat(a.selects("gateway", "too_deep", nine, "x")).as("other stage").isFalse();
        assertThat(a.selects("processor", "missing_event_id", nine, "x")).as("other reason").isFalse();
        assertThat(a.selects("processor", "too_deep", a.to().toEpochMilli(), "x")).as("--to is exclusive").isFalse();
        assertThat(a.selects("processor", "too_deep", a.from().toEpochMilli(), "x")).as("--from is inclusive").isTrue();
        assertThat(a.selects("processor", "too_deep", a.from().toEpochMilli() - 1, "x")).isFalse();
    }

    @Test
    void idsSelectExactlyThoseRowsAndDryRunCountsOnly() {
        ReplayArgs a = parse("--id", "processor:kaizala.raw:0:7,gateway:kaizala.dlq.gateway:1:2", "--dry-run");
        assertThat(a.ids()).isEqualTo(Set.of("processor:kaizala.raw:0:7", "gateway:kaizala.dlq.gateway:1:2"));
        assertThat(a.dryRun()).isTrue();
        assertThat(a.selects("processor", "any", 0, "processor:kaizala.raw:0:7")).isTrue();
        assertThat(a.selects("processor", "any", 0, "processor:kaizala.raw:0:8")).isFalse();
    }

    @Test
    void allSelectsEverythingButOnlyWhenAskedFor() {
        ReplayArgs a = parse("--all", "--dry-run");
        assertThat(a.selects("gateway", "too_deep", 0, "a")).isTrue();
        assertThat(a.selects("processor", "invalid_json", Long.MAX_VALUE, "b")).isTrue();
        assertThatThrownBy(() -> parse()).hasMessageContaining("say which dead letters");
        assertThatThrownBy(() -> parse("--dry-run")).hasMessageContaining("say which dead letters");
        assertThatThrownBy(() -> parse("--all", "--stage", "gateway")).hasMessageContaining("--all selects everything");
    }

    @Test
    void wrongArgumentsAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> parse("--stage", "sink")).hasMessageContaining("--stage must be gateway or processor")
                .hasMessageContaining("not in Kafka");
        assertThatThrownBy(() -> parse("--stage")).hasMessageContaining("--stage needs a value");
        assertThatThrownBy(() -> parse("--reason=")).hasMessageContaining("--reason needs a value");
        assertThatThrownBy(() -> parse("--from", "yesterday")).hasMessageContaining("--from must be a UTC time");
        assertThatThrownBy(() -> parse("--from", "2026-12-02", "--to", "2026-12-01"))
                .hasMessageContaining("not before");
        assertThatThrownBy(() -> parse("--stages", "gateway")).hasMessageContaining("unknown argument '--stages'");
        assertThatThrownBy(() -> parse("--dry-run=yes", "--all")).hasMessageContaining("--dry-run takes no value");
        assertThatThrownBy(() -> parse("processor")).hasMessageContaining("unknown argument 'processor'");
    }
}
