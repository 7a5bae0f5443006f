package io.kzpipe.kaizaladouble;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.Secrets;
import io.kzpipe.model.config.SettingException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone double ({@code java -jar kaizala-double.jar}, used by {@code ./pipeline demo}): settings from
 * {@code KAIZALA_DOUBLE_*} ({@link DoubleSettings#fromEnv}), and when {@code KAIZALA_DOUBLE_SEED_RESPONSES} > 0 a
 * demo group ({@code KAIZALA_DOUBLE_GROUP_ID}, seed {@code KAIZALA_DOUBLE_SEED}) with about that many responses.
 * Prints the URL, the demo credentials (they are demo values, not secrets) and the group. Exit code 2 on bad
 * settings, 1 when it cannot start.
 */
public final class Main {

    public static final String SEED_RESPONSES_VAR = "KAIZALA_DOUBLE_SEED_RESPONSES";
    public static final String GROUP_ID_VAR = "KAIZALA_DOUBLE_GROUP_ID";
    public static final String SEED_VAR = "KAIZALA_DOUBLE_SEED";
    public static final String DEMO_GROUP_ID = "5d0c9e2a-4b7f-4c1d-9a3e-6f8b2d1c0e42";

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        Map<String, String> environment = System.getenv();
        DoubleSettings settings;
        int seedResponses;
        String groupId;
        long seed;
        try {
            settings = DoubleSettings.fromEnv(environment);
            EnvReader env = new EnvReader(environment);
            seedResponses = env.intIn(SEED_RESPONSES_VAR, 0, 0, 10_000_000);
            groupId = env.string(GROUP_ID_VAR, DEMO_GROUP_ID);
            seed = env.longIn(SEED_VAR, 1, Long.MIN_VALUE, Long.MAX_VALUE);
            env.throwIfProblems();
        } catch (SettingException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        try {
            KaizalaDouble d = KaizalaDouble.start(settings);
            Runtime.getRuntime().addShutdownHook(new Thread(d::close, "kaizala-double-shutdown"));
            if (seedResponses > 0) {
                d.seed(GroupSeed.ofTotal(groupId, seedResponses, settings.clock().instant(), seed));
            }
            LOG.info(
                    "Kaizala double ready: {}/v1/accessToken with applicationId={} applicationSecret={} refreshToken={}"
                            + " (masked unless the demo defaults); group {} holds {} responses; controls under {}{}",
                    d.url(), settings.applicationId(),
                    shown(settings.applicationSecret(), DoubleSettings.DEMO_APPLICATION_SECRET),
                    shown(settings.refreshToken(), DoubleSettings.DEMO_REFRESH_TOKEN), groupId,
                    seedResponses > 0 ? d.responseCount(groupId) : 0, d.url(), ControlRoutes.ROOT);
        } catch (RuntimeException e) {
            LOG.error("the Kaizala double failed to start", e);
            System.exit(1);
        }
    }

    /** A demo default is printed (so the demo can be followed by hand); anything set by the user is masked. */
    private static String shown(String value, String demoDefault) {
        return value.equals(demoDefault) ? value : Secrets.mask(value);
    }
}
