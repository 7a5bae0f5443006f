package io.kzpipe.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSettingsTest {

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private final Console console = new Console(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(errors, true, StandardCharsets.UTF_8), false);

    @Test
    void defaultsUnderTheRepositoryAndPortsFromTheEnvironment(@TempDir Path root) {
        LocalSettings settings = LocalSettings.load(root, Map.of("GATEWAY_PORT", "18080"), false, console);

        assertThat(settings.home()).isEqualTo(root.resolve(".run"));
        assertThat(settings.serviceUrl(Service.GATEWAY)).isEqualTo("http://127.0.0.1:18080");
        assertThat(settings.healthUrl(Service.SINK)).isEqualTo("http://127.0.0.1:8082/health/ready");
        assertThat(settings.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
        assertThat(settings.clickHouseUrl()).isEqualTo("http://127.0.0.1:8123");
        assertThat(settings.pidFile("kafka")).isEqualTo(root.resolve(".run/pids/kafka.pid"));
        assertThat(settings.serviceJar(Service.PROCESSOR))
                .isEqualTo(root.resolve("stream-processor/target/stream-processor.jar"));
    }

    @Test
    void whileThePipelineRunsTheRecordedPortsWinAndADifferentValueIsReported(@TempDir Path root) throws IOException {
        Path home = root.resolve("home");
        LocalSettings
                .load(root, Map.of("PIPELINE_HOME", home.toString(), "PIPELINE_KAFKA_PORT", "19092"), false, console)
                .save();
        assertThat(home.resolve("settings.env")).content()
                .contains("PIPELINE_KAFKA_PORT=19092\n", "SINK_MANAGEMENT_PORT=8082\n");

        Map<String, String> env = Map.of("PIPELINE_HOME", home.toString(), "PIPELINE_KAFKA_PORT", "29092");
        assertThat(LocalSettings.load(root, env, true, console).kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(errors.toString(StandardCharsets.UTF_8))
                .contains("PIPELINE_KAFKA_PORT=29092 ignored: the running pipeline uses 19092");
        assertThat(LocalSettings.load(root, env, false, console).kafkaBootstrap()).isEqualTo("127.0.0.1:29092");
    }

    @Test
    void aPortMustBeANumber(@TempDir Path root) {
        assertThatThrownBy(() -> LocalSettings.load(root, Map.of("SINK_MANAGEMENT_PORT", "80a"), false, console))
                .isInstanceOf(Console.Failure.class)
                .hasMessage("SINK_MANAGEMENT_PORT must be a port number, got '80a'");
    }

    @Test
    void theCallbackTokenIsGeneratedOnceIntoThePrivateTokensFileAndKept(@TempDir Path root) throws IOException {
        LocalSettings settings = LocalSettings.load(root, Map.of(), false, console);
        String token = settings.callbackTokens();

        Path file = root.resolve(".run/gateway/callback-tokens");
        assertThat(settings.callbackTokensFile()).isEqualTo(file);
        assertThat(token).matches("[0-9a-f]{48}");
        assertThat(settings.callbackTokens()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(file)).filteredOn(l -> !l.startsWith("#")).containsExactly(token);

        // a token appended (kaizala subscribe) or the first one removed by hand
        Files.writeString(file, "# mine\n\n  first-by-hand \nsecond\n");
        assertThat(settings.callbackTokens()).isEqualTo("first-by-hand");
        Files.writeString(file, "# nothing left\n");
        assertThatThrownBy(settings::callbackTokens).isInstanceOf(Console.Failure.class)
                .hasMessageStartingWith("no callback token in " + file);
    }

    @Test
    void theTokenAnEarlierVersionKeptMovesIntoTheTokensFile(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve(".run"));
        Files.writeString(root.resolve(".run/callback-token"), "legacy-token");
        LocalSettings settings = LocalSettings.load(root, Map.of(), false, console);
        assertThat(settings.callbackTokens()).isEqualTo("legacy-token");
        assertThat(CallbackTokens.of(settings.callbackTokensFile())).containsExactly("legacy-token");
    }

    @Test
    void configuredTokensWinAndTheFileIsStillCreatedForTheGateway(@TempDir Path root) throws IOException {
        LocalSettings settings = LocalSettings.load(root, Map.of("KAIZALA_CALLBACK_TOKENS", "a,b"), false, console);
        assertThat(settings.callbackTokens()).isEqualTo("a,b");
        assertThat(settings.ensureCallbackTokensFile()).isRegularFile();
        assertThat(CallbackTokens.of(settings.callbackTokensFile())).isEmpty();
    }

    /** The tokens of a file, as the gateway reads them (CallbackTokenFile in pipeline-model). */
    private static final class CallbackTokens {
        static java.util.List<String> of(Path file) throws IOException {
            return Files.readAllLines(file)
                    .stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }
    }

    @Test
    void thePullerStartsWhenItHasSourcesTheDoubleOnlyWhenAskedFor() {
        assertThat(Service.GATEWAY.startedByDefault(Map.of())).isTrue();
        assertThat(Service.PULLER.startedByDefault(Map.of())).isFalse();
        assertThat(Service.PULLER.startedByDefault(Map.of("PULLER_SOURCES", " "))).isFalse();
        assertThat(Service.PULLER.startedByDefault(Map.of("PULLER_SOURCES", "group:g-1"))).isTrue();
        assertThat(Service.KAIZALA_DOUBLE.startedByDefault(Map.of("PULLER_SOURCES", "group:g-1"))).isFalse();
    }

    @Test
    void everyServiceHasItsOwnPortsAndTheDoubleIsProbedOnAControlRoute(@TempDir Path root) {
        LocalSettings settings = LocalSettings.load(root, Map.of(), false, console);
        assertThat(settings.healthUrl(Service.PULLER)).isEqualTo("http://127.0.0.1:8084/health/ready");
        assertThat(settings.serviceUrl(Service.KAIZALA_DOUBLE)).isEqualTo("http://127.0.0.1:8090");
        assertThat(LocalSettings.portSettings().stream().map(Service.Port::defaultValue)).doesNotHaveDuplicates()
                .contains(8084, 8090);
    }

    @Test
    void serviceJavaOptionsAreTheSmallDefaultsUnlessSet() {
        assertThat(Service.SINK.javaOptions(Map.of())).contains("-Xmx160m", "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError");
        assertThat(Service.GATEWAY.javaOptions(Map.of("GATEWAY_JAVA_OPTS", " -Xmx1g  -Dx=y ")))
                .containsExactly("-Xmx1g", "-Dx=y");
    }
}
