package io.kzpipe.puller.command;

import io.kzpipe.puller.api.KaizalaApi;
import io.kzpipe.puller.api.Mask;
import io.kzpipe.puller.api.Webhook;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code list}: the webhooks of a group, action or action package, one per line, callback tokens masked
 * ({@link Mask#token}: the first 4 characters, enough to tell them apart).
 */
public final class ListCommand {

    private final KaizalaApi api;
    private final PrintStream out;

    public ListCommand(KaizalaApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    /** Prints and returns the webhooks of {@code target}. */
    public List<Webhook> run(KaizalaTarget target) throws InterruptedException {
        List<Webhook> hooks = api.listWebhooks(target.objectId(), target.objectType());
        if (hooks.isEmpty()) {
            out.println("no webhooks for " + target.objectType() + " " + target.objectId());
            return hooks;
        }
        out.printf("%-38s %-7s %-10s %-26s %s %s%n", "ID", "ACTIVE", "TOKEN", "VALID UNTIL", "URL", "EVENTS");
        for (Webhook w : hooks) {
            out.printf("%-38s %-7s %-10s %-26s %s %s%n", w.id(), w.active(), Mask.token(w.callbackToken()),
                    w.validityMs() > 0 ? Instant.ofEpochMilli(w.validityMs()).toString() : "-", w.callbackUrl(),
                    String.join(",", w.events()));
        }
        return hooks;
    }

    public static int main(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return CommandRunner.run("list", err, () -> {
            KaizalaTarget target = KaizalaTarget
                    .of(Options.parse(args, Set.of("group", "action", "package"), Set.of()));
            new ListCommand(KaizalaClients.fromEnv(env, err), out).run(target);
        });
    }
}
