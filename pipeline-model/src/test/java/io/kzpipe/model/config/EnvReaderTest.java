package io.kzpipe.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvReaderTest {

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofDays(30);

    private static EnvReader env(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return new EnvReader(map);
    }

    @Test
    void unsetAndBlankValuesFallBackToTheDefaultAndAreNoProblem() {
        EnvReader env = env("BLANK", "   ", "EMPTY", "");

        assertThat(env.raw("BLANK")).isNull();
        assertThat(env.string("EMPTY", "fallback")).isEqualTo("fallback");
        assertThat(env.intIn("UNSET", 7, 1, 10)).isEqualTo(7);
        assertThat(env.bool("BLANK", true)).isTrue();
        assertThat(env.duration("EMPTY", Duration.ofSeconds(3), MIN, MAX)).isEqualTo(Duration.ofSeconds(3));
        assertThat(env.list("UNSET")).isEmpty();
        assertThat(env.problems()).isEmpty();
    }

    @Test
    void clientIdsAreKafkaSafeNamesOrTheDefault() {
        EnvReader env = env("OK", "sink-0.a_b", "BAD", "pod 0/a", "LONG", "x".repeat(201));

        assertThat(env.clientId("OK", null)).isEqualTo("sink-0.a_b");
        assertThat(env.clientId("UNSET", null)).isNull();
        assertThat(env.clientId("UNSET", "kaizala-puller")).isEqualTo("kaizala-puller");
        env.clientId("BAD", null);
        env.clientId("LONG", null);
        assertThat(env.problems()).containsExactly("BAD 'pod 0/a' must be 1-200 letters, digits, '.', '_' or '-'",
                "LONG '" + "x".repeat(201) + "' must be 1-200 letters, digits, '.', '_' or '-'");
    }

    @Test
    void valuesAreTrimmed() {
        assertThat(env("NAME", "  kafka:9092 \n").string("NAME", "x")).isEqualTo("kafka:9092");
    }

    @Test
    void integersAcceptUnderscoresAndMustBeWithinTheRange() {
        EnvReader env = env("OK", "1_048_576", "LOW", "0", "HIGH", "65536", "WORD", "ten", "EDGE", "65535");

        assertThat(env.longIn("OK", 1, 1, 2_000_000)).isEqualTo(1_048_576);
        assertThat(env.intIn("LOW", 8080, 1, 65535)).isEqualTo(8080);
        assertThat(env.intIn("HIGH", 8080, 1, 65535)).isEqualTo(8080);
        assertThat(env.intIn("WORD", 3, 1, 10)).isEqualTo(3);
        assertThat(env.intIn("EDGE", 8080, 1, 65535)).isEqualTo(65535);
        assertThat(env.problems()).containsExactly("LOW must be between 1 and 65535, got 0",
                "HIGH must be between 1 and 65535, got 65536", "WORD must be an integer, got 'ten'");
    }

    @ParameterizedTest
    @CsvSource({"true,true", "YES,true", "1,true", "on,true", "false,false", "No,false", "0,false", "OFF,false"})
    void booleansAcceptTheUsualSpellings(String value, boolean expected) {
        EnvReader env = env("FLAG", value);

        assertThat(env.bool("FLAG", !expected)).isEqualTo(expected);
        assertThat(env.problems()).isEmpty();
    }

    @Test
    void anUnknownBooleanIsAProblemAndKeepsTheDefault() {
        EnvReader env = env("FLAG", "maybe");

        assertThat(env.bool("FLAG", true)).isTrue();
        assertThat(env.problems()).containsExactly("FLAG must be true or false, got 'maybe'");
    }

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "2s,PT2S", "5m,PT5M", "72h,PT72H", "3d,PT72H", "PT2S,PT2S", "p3d,PT72H", "2S,PT2S"})
    void durationsAreIsoOrANumberWithAUnit(String value, String expected) {
        EnvReader env = env("WAIT", value);

        assertThat(env.duration("WAIT", Duration.ZERO, MIN, MAX)).isEqualTo(Duration.parse(expected));
        assertThat(env.problems()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "ms", "5 weeks", "2.5s", "-3s", "PTxS", "99999999999999999999d"})
    void anUnreadableDurationIsAProblemThatShowsTheAcceptedForms(String value) {
        EnvReader env = env("WAIT", value);

        assertThat(env.duration("WAIT", Duration.ofSeconds(9), MIN, MAX)).isEqualTo(Duration.ofSeconds(9));
        assertThat(env.problems())
                .containsExactly("WAIT must be a duration like 500ms, 2s, 5m, 72h, 3d or PT2S, got '" + value + "'");
    }

    @Test
    void aDurationOutsideTheRangeIsAProblem() {
        EnvReader env = env("SHORT", "0ms", "LONG", "31d", "EDGE", "30d");

        assertThat(env.duration("SHORT", Duration.ofSeconds(1), MIN, MAX)).isEqualTo(Duration.ofSeconds(1));
        assertThat(env.duration("LONG", Duration.ofSeconds(1), MIN, MAX)).isEqualTo(Duration.ofSeconds(1));
        assertThat(env.duration("EDGE", Duration.ofSeconds(1), MIN, MAX)).isEqualTo(MAX);
        assertThat(env.problems()).containsExactly("SHORT must be between PT0.001S and PT720H, got 0ms",
                "LONG must be between PT0.001S and PT720H, got 31d");
    }

    @Test
    void listsSplitOnCommasAndDropBlankEntries() {
        assertThat(env("TOKENS", " a, b ,,c , ").list("TOKENS")).containsExactly("a", "b", "c");
    }

    @Test
    void passThroughTurnsThePrefixedNamesIntoClientSettings() {
        EnvReader env = env("KAFKA_PRODUCER_LINGER_MS", "5", "KAFKA_PRODUCER_COMPRESSION_TYPE", " zstd ",
                "KAFKA_PRODUCER_", "ignored", "KAFKA_PRODUCER_ACKS", " ", "KAFKA_CONSUMER_GROUP_ID", "other");

        assertThat(env.passThrough("KAFKA_PRODUCER_")).containsExactly(Map.entry("compression.type", "zstd"),
                Map.entry("linger.ms", "5"));
    }

    @Test
    void everyProblemIsReportedAtOnceOneALine() {
        EnvReader env = env("PORT", "http", "FLAG", "perhaps");
        env.intIn("PORT", 8080, 1, 65535);
        env.bool("FLAG", false);
        env.problem("A_AND_B", "cannot both be set");

        assertThatThrownBy(env::throwIfProblems)
                .isInstanceOfSatisfying(SettingException.class,
                        e -> assertThat(e.problems()).containsExactly("PORT must be an integer, got 'http'",
                                "FLAG must be true or false, got 'perhaps'", "A_AND_B cannot both be set"))
                .hasMessage("invalid configuration:\n" + "  - PORT must be an integer, got 'http'\n"
                        + "  - FLAG must be true or false, got 'perhaps'\n" + "  - A_AND_B cannot both be set");
    }

    @Test
    void noProblemsNoException() {
        EnvReader env = env("PORT", "8080");
        env.intIn("PORT", 1, 1, 65535);

        env.throwIfProblems();

        assertThat(env.problems()).isEmpty();
    }

    @Test
    void theReaderKeepsItsOwnCopyOfTheEnvironmentAndOfItsProblems() {
        Map<String, String> map = new HashMap<>(Map.of("NAME", "before"));
        EnvReader env = new EnvReader(map);
        map.put("NAME", "after");
        env.problem("MISSING", "is required");
        List<String> problems = env.problems();
        env.problem("ALSO_MISSING", "is required");

        assertThat(env.string("NAME", "")).isEqualTo("before");
        assertThat(problems).containsExactly("MISSING is required");
        assertThatThrownBy(() -> problems.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aSecretComesFromItsVariableOrFromTheFileItsFileVariableNames(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "  from-file\n");

        EnvReader direct = new EnvReader(Map.of("S", "direct"));
        EnvReader fromFile = new EnvReader(Map.of("S_FILE", file.toString()));
        EnvReader neither = new EnvReader(Map.of());

        assertThat(direct.secret("S")).isEqualTo("direct");
        assertThat(fromFile.secret("S")).isEqualTo("from-file");
        assertThat(neither.secret("S")).isNull();
        assertThat(direct.problems()).isEmpty();
        assertThat(fromFile.problems()).isEmpty();
    }

    @Test
    void aSecretSetTwiceOrInAMissingOrEmptyFileIsAProblemThatNeverQuotesTheValue(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        EnvReader both = new EnvReader(Map.of("S", "hunter2", "S_FILE", empty.toString()));
        EnvReader missing = new EnvReader(Map.of("S_FILE", dir.resolve("nope").toString()));
        EnvReader blank = new EnvReader(Map.of("S_FILE", empty.toString()));

        both.secret("S");
        missing.secret("S");
        assertThat(blank.secret("S")).isNull();

        assertThat(both.problems()).singleElement()
                .asString()
                .contains("S_FILE are both set")
                .doesNotContain("hunter2");
        assertThat(missing.problems()).singleElement().asString().startsWith("S_FILE cannot read");
        assertThat(blank.problems()).singleElement().asString().startsWith("S_FILE names an empty file");
    }
}
