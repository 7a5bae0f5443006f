package io.kzpipe.puller.command;

import io.kzpipe.model.config.CallbackTokenFile;
import io.kzpipe.puller.api.ApiException;
import io.kzpipe.puller.api.KaizalaApi;
import io.kzpipe.puller.api.Mask;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code subscribe}: creates a webhook for a group, action or action package with our gateway's public URL, a fresh
 * callback token and the chosen event types (docs/KAIZALA-API.md). Kaizala validates the URL first (the gateway echoes the
 * validation token). The token is printed once, or, with a tokens file, appended to it before the webhook is created
 * (the gateway must accept the first event; it re-reads the file on change) and printed masked; a failed creation
 * removes it again.
 *
 * <pre>{@code
 * new SubscribeCommand(api, System.out).run(new SubscribeCommand.Request(
 *         new KaizalaTarget(groupId, "Group"), "https://hooks.example.org/webhook", List.of(), tokensFile));
 * }</pre>
 */
public final class SubscribeCommand {

    /**
     * @param callbackUrl the gateway's public webhook URL (Kaizala requires HTTPS; plain HTTP is accepted here for
     *                    the local double)
     * @param events      event types; empty = the target's {@link KaizalaTarget#defaultEvents()}
     * @param tokensFile  the gateway's callback token file, or {@code null} to print the token
     */
    public record Request(KaizalaTarget target, String callbackUrl, List<String> events, Path tokensFile) {
        public Request {
            events = List.copyOf(events);
        }

        public static Request parse(List<String> args) {
            Options o = Options.parse(args, Set.of("group", "action", "package", "url", "events", "tokens-file"),
                    Set.of());
            String url = o.required("url");
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("--url must be an http(s) URL, got '" + url + "'");
            }
            List<String> events = o.has("events")
                    ? Arrays.stream(o.get("events").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                    : List.of();
            return new Request(KaizalaTarget.of(o), url, events,
                    o.has("tokens-file") ? Path.of(o.get("tokens-file")) : null);
        }
    }

    /** The webhook created and its callback token. {@link #toString()} masks the token. */
    public record Result(String webhookId, String callbackToken) {
        @Override
        public String toString() {
            return "Result[webhookId=" + webhookId + ", callbackToken=" + Mask.token(callbackToken) + "]";
        }
    }

    private final KaizalaApi api;
    private final PrintStream out;

    public SubscribeCommand(KaizalaApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    public Result run(Request r) throws IOException, InterruptedException {
        List<String> events = r.events().isEmpty() ? r.target().defaultEvents() : r.events();
        String token = CallbackTokens.fresh();
        if (r.tokensFile() != null) {
            CallbackTokenFile.append(r.tokensFile(), token);
        }
        String id;
        try {
            id = api.createWebhook(r.target().objectId(), r.target().objectType(), events, r.callbackUrl(), token);
        } catch (ApiException | InterruptedException e) {
            if (r.tokensFile() != null) {
                CallbackTokenFile.remove(r.tokensFile(), token);
            }
            throw e;
        }
        out.println("webhook " + id + " created: " + r.target().objectType() + " " + r.target().objectId() + " -> "
                + r.callbackUrl() + ", events " + String.join(",", events));
        if (r.tokensFile() != null) {
            out.println("callback token " + Mask.token(token) + " appended to " + r.tokensFile()
                    + " (the gateway re-reads it; no restart)");
        } else {
            out.println("callback token (shown once; add it to the gateway's KAIZALA_CALLBACK_TOKENS or "
                    + "KAIZALA_CALLBACK_TOKENS_FILE, or events will be refused): " + token);
        }
        return new Result(id, token);
    }

    /** The command line: parses {@code args}, builds the client from {@code env}; returns the exit status. */
    public static int main(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return CommandRunner.run("subscribe", err, () -> {
            Request r = Request.parse(args);
            new SubscribeCommand(KaizalaClients.fromEnv(env, err), out).run(r);
        });
    }
}
