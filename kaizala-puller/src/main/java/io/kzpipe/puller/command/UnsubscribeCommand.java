package io.kzpipe.puller.command;

import io.kzpipe.puller.api.KaizalaApi;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code unsubscribe}: deletes a webhook by id ({@code DELETE /v1/webhook/{id}}). Its callback token stays in the
 * gateway's list until removed there (other webhooks may share it).
 */
public final class UnsubscribeCommand {

    private final KaizalaApi api;
    private final PrintStream out;

    public UnsubscribeCommand(KaizalaApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    public void run(String webhookId) throws InterruptedException {
        api.deleteWebhook(webhookId);
        out.println("webhook " + webhookId + " deleted (its callback token stays accepted by the gateway until you "
                + "remove it there)");
    }

    public static int main(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return CommandRunner.run("unsubscribe", err, () -> {
            String id = Options.parse(args, Set.of("id"), Set.of()).required("id");
            new UnsubscribeCommand(KaizalaClients.fromEnv(env, err), out).run(id);
        });
    }
}
