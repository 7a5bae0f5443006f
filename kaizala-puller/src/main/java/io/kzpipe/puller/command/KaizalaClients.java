package io.kzpipe.puller.command;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.puller.api.ApiClient;
import io.kzpipe.puller.api.ApiMetrics;
import io.kzpipe.puller.api.ApiSettings;
import io.kzpipe.puller.api.KaizalaApi;
import io.kzpipe.puller.api.TokenState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.util.Map;

/**
 * The Kaizala client of a one-shot command, from the same settings as the service ({@code KAIZALA_*}). If Kaizala
 * rotates the refresh token during the command (about day 328 of its life, docs/KAIZALA-API.md), the configured one is invalid
 * from then on: the command prints the new one once to {@code err}, for the operator to store where
 * {@code KAIZALA_REFRESH_TOKEN} comes from.
 */
public final class KaizalaClients {

    private KaizalaClients() {}

    /** @throws io.kzpipe.model.config.SettingException listing every problem of the settings */
    public static KaizalaApi fromEnv(Map<String, String> environment, PrintStream err) {
        EnvReader env = new EnvReader(environment);
        ApiSettings settings = ApiSettings.from(env);
        env.throwIfProblems();
        TokenState initial = TokenState.resolve(settings.refreshToken(), null);
        ApiClient client = new ApiClient(settings, initial, new ApiMetrics(new SimpleMeterRegistry()));
        String[] last = {initial.refreshToken()};
        client.onTokenChange(s -> {
            if (!s.refreshToken().equals(last[0])) {
                last[0] = s.refreshToken();
                err.println("Kaizala rotated the refresh token: KAIZALA_REFRESH_TOKEN is invalid from now on. Store "
                        + "this one instead (shown once): " + s.refreshToken());
            }
        });
        return new KaizalaApi(client);
    }
}
