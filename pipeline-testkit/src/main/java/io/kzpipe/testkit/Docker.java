package io.kzpipe.testkit;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can use a Docker engine. Asked once per JVM. {@code TESTKIT_DOCKER=off} skips the
 * probe (and its ERROR log lines) entirely.
 */
final class Docker {

    private static final Logger LOG = LoggerFactory.getLogger(Docker.class);
    private static Boolean available;

    private Docker() {}

    static synchronized boolean available() {
        if (available == null) {
            available = probe();
        }
        return available;
    }

    private static boolean probe() {
        String mode = Settings.getOrDefault("TESTKIT_DOCKER", "auto").toLowerCase(Locale.ROOT);
        if (mode.equals("off") || mode.equals("false") || mode.equals("no")) {
            LOG.info("TESTKIT_DOCKER={}: not looking for Docker", mode);
            return false;
        }
        LOG.info("Looking for a Docker engine for Testcontainers; ERROR lines from DockerClientProviderStrategy just "
                + "mean there is none (set TESTKIT_DOCKER=off to skip this probe)");
        try {
            boolean found = DockerClientFactory.instance().isDockerAvailable();
            LOG.info("Docker {}",
                    found ? "is available: using Testcontainers" : "is not available: using local fallbacks");
            return found;
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Docker is not usable ({}): using local fallbacks", e.toString());
            return false;
        }
    }
}
