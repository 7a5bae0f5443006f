package io.kzpipe.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kzpipe.kaizaladouble.DoubleSettings;
import io.kzpipe.kaizaladouble.KaizalaDouble;
import io.kzpipe.launcher.Console;
import io.kzpipe.launcher.LocalSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pipeline kaizala ...} through {@link LocalCommands} against an in-process Kaizala double and a stand-in
 * gateway that answers the validation handshake: the local defaults (the gateway's URL, its tokens file) and the
 * round trip subscribe, list (masked), unsubscribe.
 */
class KaizalaCommandsTest {

    @TempDir
    Path root;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private KaizalaDouble kaizala;
    private HttpServer gateway;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        kaizala = KaizalaDouble.start(DoubleSettings.defaults());
        // the gateway's part of the handshake: echo validationToken as text/plain
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/webhooks/kaizala", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            byte[] body = URLDecoder.decode(query.substring(query.indexOf('=') + 1), StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        env.put("PIPELINE_HOME", root.resolve("home").toString());
        env.put("GATEWAY_PORT", Integer.toString(gateway.getAddress().getPort()));
        env.put("KAIZALA_API_URL", kaizala.url());
        env.putAll(KaizalaCommands.DOUBLE_CREDENTIALS);
    }

    @AfterEach
    void stop() {
        gateway.stop(0);
        kaizala.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        List<String> rest = new ArrayList<>(List.of(args));
        return LocalCommands.run(root, "kaizala", rest, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void subscribeRegistersTheLocalGatewayAndAppendsTheTokenListMasksItUnsubscribeDeletesIt() throws IOException {
        Path tokens = root.resolve("home/gateway/callback-tokens");

        assertThat(run("subscribe", "--group", "g-1")).as(output()).isZero();

        assertThat(kaizala.webhooks()).singleElement().satisfies(hook -> {
            assertThat(hook.callbackUrl())
                    .isEqualTo("http://127.0.0.1:" + gateway.getAddress().getPort() + "/webhooks/kaizala");
            assertThat(Files.readAllLines(tokens)).as("the local token and the subscribed one")
                    .filteredOn(l -> !l.startsWith("#"))
                    .hasSize(2)
                    .contains(hook.callbackToken());
            assertThat(output()).doesNotContain(hook.callbackToken());

            assertThat(run("list", "--group", "g-1")).as(output()).isZero();
            assertThat(output()).contains(hook.id(), hook.callbackToken().substring(0, 4) + "****")
                    .doesNotContain(hook.callbackToken());

            assertThat(run("unsubscribe", "--id", hook.id())).as(output()).isZero();
        });
        assertThat(kaizala.webhooks()).isEmpty();
    }

    @Test
    void anExplicitUrlAndTokensFileWin() {
        LocalSettings settings = LocalSettings.load(root, env, false, quietConsole());
        assertThat(
                KaizalaCommands.subscribeArgs(settings, List.of("--group", "g", "--url=https://hooks.example.org/k")))
                .containsExactly("--group", "g", "--url=https://hooks.example.org/k", "--tokens-file",
                        root.resolve("home/gateway/callback-tokens").toString());
        assertThat(KaizalaCommands.subscribeArgs(settings, List.of("--tokens-file", "/x", "--group", "g")))
                .containsExactly("--tokens-file", "/x", "--group", "g", "--url",
                        "http://127.0.0.1:" + gateway.getAddress().getPort() + "/webhooks/kaizala");
    }

    @Test
    void helpAndUnknownSubcommands() {
        assertThat(run("help")).isZero();
        assertThat(output()).contains("./pipeline kaizala subscribe --group <id>");
        assertThat(run("subscrbe")).isEqualTo(2);
        assertThat(output()).contains("unknown command 'kaizala subscrbe'");
        assertThat(run("subscribe")).as("no target").isEqualTo(2);
    }

    private static Console quietConsole() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Console(sink, sink, false);
    }
}
