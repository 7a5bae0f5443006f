package io.kzpipe.gateway.http;

import io.kzpipe.model.config.CallbackTokenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link CallbackAuthenticator} in step with the callback tokens file ({@code KAIZALA_CALLBACK_TOKENS_FILE},
 * format in {@link CallbackTokenFile}): the accepted set is always the fixed tokens ({@code KAIZALA_CALLBACK_TOKENS})
 * plus the file's current lines, so a token appended by {@code kaizala subscribe} is accepted and a token deleted
 * from the file is refused, without a restart. One daemon thread looks at the file every {@code interval} and reads
 * it only when its real path (a Kubernetes Secret volume swaps a symlink), file key (inode), modification time or
 * size changed; requests never touch the file. A failed re-read keeps the last good set and logs one warning per
 * failure streak, naming the file and the error, never a token. A file that exists but has no token leaves only the
 * fixed tokens (none: every post refused), which is safe for a file being rewritten.
 *
 * <p>Hand-written rather than a {@link java.nio.file.WatchService}: inotify does not see a Secret volume's symlink
 * swap on the watched name nor changes on network file systems, and a poll of one {@code stat} a second is cheap.
 */
public final class CallbackTokenWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackTokenWatcher.class);

    /** How often the file is looked at: a token appended is accepted within about this long. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private final Path file;
    private final List<String> fixedTokens;
    private final CallbackAuthenticator authenticator;
    private final ScheduledExecutorService timer;
    private Stamp lastStamp; // only the timer thread (and the constructor, before it starts) touches these
    private boolean failing;

    private CallbackTokenWatcher(Path file, List<String> fixedTokens, CallbackAuthenticator authenticator) {
        this.file = file;
        this.fixedTokens = List.copyOf(fixedTokens);
        this.authenticator = authenticator;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "callback-tokens-watch");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Reads {@code file} now (setting the authenticator's tokens), then re-reads it on change every {@code interval}.
     *
     * @throws IOException when the file cannot be read now: a start-up error
     */
    public static CallbackTokenWatcher start(Path file, List<String> fixedTokens, CallbackAuthenticator authenticator,
            Duration interval) throws IOException {
        CallbackTokenWatcher watcher = new CallbackTokenWatcher(file, fixedTokens, authenticator);
        Stamp stamp = Stamp.of(file);
        int count = watcher.load();
        watcher.lastStamp = stamp;
        if (count == 0) {
            LOG.warn("no callback token in {} nor in KAIZALA_CALLBACK_TOKENS yet: every post is refused until one is "
                    + "added to the file", file);
        } else {
            LOG.info("callback tokens: {} accepted, from KAIZALA_CALLBACK_TOKENS and {} (values hidden)", count, file);
        }
        long millis = interval.toMillis();
        watcher.timer.scheduleWithFixedDelay(watcher::check, millis, millis, TimeUnit.MILLISECONDS);
        return watcher;
    }

    /** Re-reads the file when it changed; never throws (the timer would stop). */
    void check() {
        try {
            Stamp stamp = Stamp.of(file);
            if (stamp.equals(lastStamp)) {
                return;
            }
            int count = load();
            lastStamp = stamp;
            if (failing) {
                LOG.info("callback tokens file {} readable again", file);
                failing = false;
            }
            LOG.info("callback tokens file {} changed: {} tokens accepted now (values hidden)", file, count);
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warn("cannot re-read the callback tokens file {} ({}): keeping the tokens accepted so far; "
                        + "retrying every second", file, e.getClass().getSimpleName());
                failing = true;
            }
        }
    }

    private int load() throws IOException {
        Set<String> tokens = new LinkedHashSet<>(fixedTokens);
        tokens.addAll(CallbackTokenFile.read(file));
        authenticator.replaceTokens(tokens);
        return tokens.size();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** What identifies one version of the file without reading it. */
    private record Stamp(Path realPath, Object fileKey, FileTime modified, long size) {
        static Stamp of(Path file) throws IOException {
            Path real = file.toRealPath();
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            return new Stamp(real, attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
        }
    }
}
