package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class CallbackTokenWatcherTest {

    private static final Duration FAST = Duration.ofMillis(50);

    @TempDir
    Path dir;

    private final CallbackAuthenticator auth = CallbackAuthenticator.requiring(List.of());
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(CallbackTokenWatcher.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        log.detachAppender(logs);
    }

    private Path file(String text) throws Exception {
        Path file = dir.resolve("callback-tokens");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private String loggedText() {
        return String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void theFixedTokensAndTheFilesAreAcceptedFromTheStart() throws Exception {
        try (var watcher = CallbackTokenWatcher.start(file("# local\nfile-token\n"), List.of("env-token"), auth,
                FAST)) {
            assertThat(auth.isAuthorized("file-token")).isTrue();
            assertThat(auth.isAuthorized("env-token")).isTrue();
            assertThat(auth.isAuthorized("# local")).isFalse();
        }
    }

    @Test
    void anAppendedTokenIsAcceptedAndARemovedOneRefusedWithoutARestart() throws Exception {
        Path file = file("first\n");
        try (var watcher = CallbackTokenWatcher.start(file, List.of("env-token"), auth, FAST)) {
            assertThat(auth.isAuthorized("second")).isFalse();
            Files.writeString(file, "second\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(2)).until(() -> auth.isAuthorized("second"));
            assertThat(auth.isAuthorized("first")).isTrue();

            Files.writeString(file, "second\n", StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(2)).until(() -> !auth.isAuthorized("first"));
            assertThat(auth.isAuthorized("second")).isTrue();
            assertThat(auth.isAuthorized("env-token")).as("KAIZALA_CALLBACK_TOKENS stay").isTrue();
        }
        assertThat(loggedText()).doesNotContain("first", "second", "env-token");
    }

    @Test
    void aSecretVolumeSwapOfTheSymlinkedDataIsSeen() throws Exception {
        // how the kubelet updates a mounted Secret: a new timestamped directory, then ..data renamed onto it
        Path v1 = Files.createDirectory(dir.resolve("..2026_v1"));
        Files.writeString(v1.resolve("callback-tokens"), "old-token\n");
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("callback-tokens"), Path.of("..data/callback-tokens"));
        try (var watcher = CallbackTokenWatcher.start(file, List.of(), auth, FAST)) {
            assertThat(auth.isAuthorized("old-token")).isTrue();
            Path v2 = Files.createDirectory(dir.resolve("..2026_v2"));
            Files.writeString(v2.resolve("callback-tokens"), "new-token\n"); // same size, maybe the same mtime
            Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(swap, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(2)).until(() -> auth.isAuthorized("new-token"));
            assertThat(auth.isAuthorized("old-token")).isFalse();
        }
    }

    @Test
    void aFailedReReadKeepsTheLastGoodSetWarnsOnceWithoutTokensAndRecovers() throws Exception {
        Path file = file("kept-token\n");
        try (var watcher = CallbackTokenWatcher.start(file, List.of(), auth, FAST)) {
            Files.delete(file);
            await().atMost(Duration.ofSeconds(2)).until(() -> loggedText().contains("cannot re-read"));
            Thread.sleep(300); // several more failed checks
            assertThat(auth.isAuthorized("kept-token")).isTrue();
            assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().contains("cannot re-read")))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"))
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains(file.toString(), "NoSuchFileException")
                            .doesNotContain("kept-token"));

            Files.writeString(file, "after-token\n", StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(2)).until(() -> auth.isAuthorized("after-token"));
            assertThat(auth.isAuthorized("kept-token")).isFalse();
            assertThat(loggedText()).contains("readable again").doesNotContain("after-token");
        }
    }

    @Test
    void aFileThatCannotBeReadAtStartIsAnError() {
        assertThatThrownBy(() -> CallbackTokenWatcher.start(dir.resolve("missing"), List.of("t"), auth, FAST))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void anEmptyFileAcceptsNothingAndSaysSo() throws Exception {
        try (var watcher = CallbackTokenWatcher.start(file("# none yet\n"), List.of(), auth, FAST)) {
            assertThat(auth.isAuthorized("")).isFalse();
            assertThat(auth.isAuthorized("# none yet")).isFalse();
            assertThat(loggedText()).contains("every post is refused until one is added");
        }
    }
}
