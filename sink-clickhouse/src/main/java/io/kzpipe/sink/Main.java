package io.kzpipe.sink;

import io.kzpipe.model.config.SettingException;
import io.kzpipe.sink.config.SinkConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: reads {@link SinkConfig} from the environment (exit 2 listing every problem), starts
 * {@link SinkApp}, and stops it on SIGTERM through a named shutdown hook. Exits 1 when start-up fails or a
 * fatal error stops the consumer loop (nothing uncommitted is lost: it is re-read on restart).
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        SinkConfig config;
        try {
            config = SinkConfig.fromEnv(System.getenv());
        } catch (SettingException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("starting {} with {}", SinkApp.SERVICE, config);
        SinkApp app = new SinkApp(config);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sink-shutdown"));
        try {
            app.start();
        } catch (Exception e) {
            LOG.error("start-up failed", e);
            System.exit(1);
        }
        Throwable failure = app.awaitTermination();
        if (failure != null) {
            LOG.error("stopping after a fatal error: {}", failure.toString());
            System.exit(1);
        }
    }
}
