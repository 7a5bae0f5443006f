package io.kzpipe.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickHouseServerConfigTest {

    @Test
    void configUsesTheOldRootElementPrivatePortsAndDirectoriesAndUtc() {
        String config = ClickHouseServerConfig.configXml(Path.of("/tmp/ch home"), Path.of("/tmp/logs/server.log"),
                Path.of("/tmp/logs/server.err.log"), 18123, 19000);

        assertThat(config).contains("<yandex>", "<http_port>18123</http_port>", "<tcp_port>19000</tcp_port>",
                "<listen_host>127.0.0.1</listen_host>", "<path>/tmp/ch home/data/</path>", "<timezone>UTC</timezone>",
                "<log>/tmp/logs/server.log</log>", "<errorlog>/tmp/logs/server.err.log</errorlog>");
    }

    @Test
    void usersProfileParsesTextTimestampsBestEffortAndAllowsLoopbackOnly() {
        String users = ClickHouseServerConfig.usersXml();

        assertThat(users).contains("<date_time_input_format>best_effort</date_time_input_format>")
                .doesNotContain("low_cardinality")
                .contains("<ip>127.0.0.1</ip>", "<ip>::1</ip>")
                .doesNotContain("<ip>::/0</ip>");
    }

    @Test
    void writeCreatesTheDataDirectoriesAndBothFiles(@TempDir Path dir) throws IOException {
        Path home = dir.resolve("ch");
        Path config = ClickHouseServerConfig.write(home, dir.resolve("logs/s.log"), dir.resolve("logs/e.log"), 1, 2);

        assertThat(config).isEqualTo(home.resolve("config.xml"));
        assertThat(Files.readString(home.resolve("users.xml"))).isEqualTo(ClickHouseServerConfig.usersXml());
        for (String sub : ClickHouseServerConfig.dataDirs()) {
            assertThat(home.resolve(sub)).isDirectory();
        }
        assertThat(dir.resolve("logs")).isDirectory();
        assertThat(ClickHouseServerConfig.command(Path.of("/bin/ch"), config)).containsExactly("/bin/ch",
                "--config-file=" + config.toAbsolutePath());
    }

    @Test
    void binaryIsTheFirstExecutableClickhouseServerInTheSearchDirectories(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path notExecutable = Files.createDirectory(dir.resolve("plain"));
        Files.writeString(notExecutable.resolve("clickhouse-server"), "");
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path server = Files.writeString(bin.resolve("clickhouse-server"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(ClickHouseServerConfig.findBinary(null,
                List.of(empty.toString(), notExecutable.toString(), bin.toString()))).isEqualTo(server);
        assertThat(ClickHouseServerConfig.findBinary(null, List.of(empty.toString(), ""))).isNull();
        assertThat(ClickHouseServerConfig.findBinary(Map.of("PATH", bin.toString()))).isEqualTo(server);
    }

    @Test
    void aConfiguredBinaryMustBeExecutable(@TempDir Path dir) {
        assertThatThrownBy(() -> ClickHouseServerConfig.findBinary(dir.resolve("missing").toString(), List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CLICKHOUSE_SERVER_BIN");
    }
}
