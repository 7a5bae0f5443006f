package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClickHouseServerTest {

    @Test
    void configUsesTheOldRootElementPrivatePortsAndDirectoriesAndUtc() {
        String config = LocalClickHouseServer.config(Path.of("/tmp/ch home"), 18123, 19000);

        assertThat(config).contains("<yandex>", "<http_port>18123</http_port>", "<tcp_port>19000</tcp_port>",
                "<listen_host>127.0.0.1</listen_host>", "<path>/tmp/ch home/data/</path>", "<timezone>UTC</timezone>",
                "<log>/tmp/ch home/log/server.log</log>");
    }

    @Test
    void usersProfileLeavesLowCardinalityAloneAndAllowsLoopbackOnly() {
        String users = LocalClickHouseServer.users();

        assertThat(users).doesNotContain("low_cardinality").contains("<ip>127.0.0.1</ip>", "<ip>::1</ip>")
                .doesNotContain("<ip>::/0</ip>");
    }

    @Test
    void binaryIsTheFirstExecutableClickhouseServerInTheSearchDirectories(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path notExecutable = Files.createDirectory(dir.resolve("plain"));
        Files.writeString(notExecutable.resolve("clickhouse-server"), "");
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path server = Files.writeString(bin.resolve("clickhouse-server"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(LocalClickHouseServer.findBinary(null, List.of(empty.toString(), notExecutable.toString(), bin.toString())))
                .isEqualTo(server);
        assertThat(LocalClickHouseServer.findBinary(null, List.of(empty.toString(), ""))).isNull();
    }

    @Test
    void aConfiguredBinaryMustBeExecutable(@TempDir Path dir) {
        assertThatThrownBy(() -> LocalClickHouseServer.findBinary(dir.resolve("missing").toString(), List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CLICKHOUSE_SERVER_BIN");
    }

    @Test
    void withoutAnyServerTheFailureSaysWhatToInstall() {
        assertThat(ClickHouseExtension.noClickHouse(List.of()).getMessage())
                .contains("no clickhouse-server on PATH")
                .contains("apt-get install -y clickhouse-server clickhouse-client")
                .contains("or set CLICKHOUSE_URL");
    }
}
