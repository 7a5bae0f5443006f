package io.kzpipe.puller.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.GroupSeed;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.kaizaladouble.Webhook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * subscribe, list and unsubscribe from the jar's entry points against the double, whose create performs the
 * validation handshake against a receiver that echoes like the gateway, and then pushes with the new token.
 */
class WebhookCommandsIT {

    private KaizalaDouble kaizala;
    private HttpServer receiver;
    private final List<String> pushedTokens = new CopyOnWriteArrayList<>();
    private Map<String, String> env;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        kaizala = KaizalaDouble.start(DoubleSettings.defaults().withPort(0).withCallsPerMinute(0));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        receiver.createContext("/webhook", this::receive);
        receiver.start();
        env = Map.of("KAIZALA_API_URL", kaizala.url(), "KAIZALA_APPLICATION_ID", DoubleSettings.DEMO_APPLICATION_ID,
                "KAIZALA_APPLICATION_SECRET", DoubleSettings.DEMO_APPLICATION_SECRET, "KAIZALA_REFRESH_TOKEN",
                DoubleSettings.DEMO_REFRESH_TOKEN);
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        kaizala.close();
    }

    /** Echoes {@code validationToken} as the gateway does; records the callback token of every event. */
    private void receive(HttpExchange ex) throws IOException {
        try (ex) {
            String query = ex.getRequestURI().getRawQuery();
            byte[] body = new byte[0];
            if (query != null && query.startsWith("validationToken=")) {
                body = URLDecoder.decode(query.substring("validationToken=".length()), StandardCharsets.UTF_8)
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
            } else {
                pushedTokens.add(ex.getRequestHeaders().getFirst("kz-callback-token"));
            }
            ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private int run(String command, String... args) {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        return switch (command) {
            case "subscribe" -> SubscribeCommand.main(List.of(args), env, o, e);
            case "list" -> ListCommand.main(List.of(args), env, o, e);
            case "unsubscribe" -> UnsubscribeCommand.main(List.of(args), env, o, e);
            default -> throw new IllegalArgumentException(command);
        };
    }

    @Test
    void subscribeWritesAFreshTokenTheGatewayReadsListMasksItUnsubscribeDeletes(@TempDir Path dir) throws Exception {
        Path tokens = dir.resolve("callback-tokens");
        List<String> actions = kaizala.seed(
                GroupSeed.of("g1", 1, 1, Instant.now().minus(Duration.ofHours(2)), Instant.now().minusSeconds(60), 1L));

        assertThat(run("subscribe", "--group", "g1", "--url", url("/webhook"), "--events", "SurveyResponse",
                "--tokens-file", tokens.toString())).as(err.toString()).isZero();
        String token = Files.readAllLines(tokens).get(0);
        Webhook hook = kaizala.webhooks().get(0);
        assertThat(hook.callbackToken()).isEqualTo(token);
        assertThat(hook.eventTypes()).containsExactly("SurveyResponse");
        assertThat(out.toString()).contains("webhook " + hook.id() + " created").doesNotContain(token);

        kaizala.addResponse("g1", actions.get(0));
        assertThat(pushedTokens).containsExactly(token);

        out.reset();
        assertThat(run("list", "--group", "g1")).isZero();
        assertThat(out.toString()).contains(hook.id()).contains(token.substring(0, 4) + "****").doesNotContain(token);

        assertThat(run("unsubscribe", "--id", hook.id())).isZero();
        assertThat(kaizala.webhooks()).isEmpty();
    }

    @Test
    void aFailedValidationFailsTheCommandAndLeavesNoTokenBehind(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("callback-tokens"), "kept\n");

        int status = run("subscribe", "--group", "g1", "--url", url("/nowhere"), "--tokens-file", tokens.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).contains("subscribe: Kaizala:").contains("400");
        assertThat(Files.readAllLines(tokens)).containsExactly("kept");
        assertThat(kaizala.webhooks()).isEmpty();
    }

    @Test
    void withoutATokensFileTheTokenIsPrintedOnceAndBadArgumentsExitTwo() {
        assertThat(run("subscribe", "--group", "g1", "--url", url("/webhook"))).isZero();
        String token = kaizala.webhooks().get(0).callbackToken();
        assertThat(out.toString()).contains("shown once").contains(token);

        assertThat(run("subscribe", "--url", url("/webhook"))).isEqualTo(2);
        assertThat(run("list")).isEqualTo(2);
        assertThat(run("unsubscribe", "--id")).isEqualTo(2);
        assertThat(err.toString()).contains("exactly one of").contains("--id needs a value");
    }
}
