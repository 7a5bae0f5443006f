package io.kzpipe.model.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.config.EnvReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordLimitsTest {

    @Test
    void everyLimitFollowsFromTheDefaultBodyLimit() {
        RecordLimits limits = RecordLimits.from(new EnvReader(Map.of()));

        assertThat(limits.maxBodyBytes()).isEqualTo(1_048_576);
        assertThat(limits.bodyRecordBytes()).isEqualTo(1_048_576 + 65_536);
        assertThat(limits.typedRecordBytes()).isEqualTo(36 * 1_048_576 + 65_536);
        assertThat(limits.bodyTopicConfigs()).containsExactly(Map.entry("max.message.bytes", "1114112"));
        assertThat(limits.typedTopicConfigs()).containsExactly(Map.entry("max.message.bytes", "37814272"));
    }

    @Test
    void topicLimitsAreNeverBelowKafkasDefault() {
        RecordLimits smallest = new RecordLimits(1024);

        assertThat(smallest.bodyTopicConfigs()).containsEntry("max.message.bytes", "1048588");
        assertThat(smallest.typedTopicConfigs()).containsEntry("max.message.bytes", "1048588");
        assertThat(RecordLimits.topicConfigs(5_000_000)).containsEntry("max.message.bytes", "5000000");
    }

    @Test
    void theLargestBodyLimitKeepsTypedRecordsBelowTheBrokersRequestLimit() {
        RecordLimits largest = RecordLimits.from(new EnvReader(Map.of("GATEWAY_MAX_BODY_BYTES", "2097152")));

        assertThat(largest.typedRecordBytes()).isEqualTo(36 * 2_097_152 + 65_536).isLessThan(100 * 1024 * 1024);
    }

    @Test
    void aBodyLimitOutOfRangeIsAProblemNamingTheSetting() {
        EnvReader env = new EnvReader(Map.of("GATEWAY_MAX_BODY_BYTES", "4194304"));

        assertThat(RecordLimits.from(env).maxBodyBytes()).isEqualTo(RecordLimits.DEFAULT_MAX_BODY_BYTES);
        assertThat(env.problems())
                .containsExactly("GATEWAY_MAX_BODY_BYTES must be between 1024 and 2097152, got 4194304");
        assertThatThrownBy(() -> new RecordLimits(1023)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GATEWAY_MAX_BODY_BYTES");
    }

    @Test
    void aSettingBelowWhatTheBodyLimitRequiresNamesBothSettings() {
        EnvReader env = new EnvReader(Map.of());
        RecordLimits limits = new RecordLimits(2048);

        limits.requireAtLeast(env, "SOME_SIZE", 1000, limits.bodyRecordBytes(), "a raw record");
        limits.requireAtLeast(env, "OTHER_SIZE", limits.bodyRecordBytes(), limits.bodyRecordBytes(), "a raw record");

        assertThat(env.problems())
                .containsExactly("SOME_SIZE is 1000, below the 67584 bytes that GATEWAY_MAX_BODY_BYTES"
                        + " (2048) requires for a raw record; raise it or lower GATEWAY_MAX_BODY_BYTES");
    }
}
