package io.kzpipe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loopback port helpers, the one place tests and benchmarks get a free port. A port found free may be taken by someone
 * else before it is used: callers that bind it later retry, and a port found free and released is also how a test
 * names an address where nothing listens.
 */
public final class FreePorts {

    /** Ports handed out in this JVM: the system can offer a released port again at once, a caller needs two. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    /** A loopback TCP port that was free a moment ago, never one this JVM handed out before. */
    public static int find() {
        while (true) {
            int port = bindAny();
            if (GIVEN.add(port)) {
                return port;
            }
        }
    }

    private static int bindAny() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }
}
