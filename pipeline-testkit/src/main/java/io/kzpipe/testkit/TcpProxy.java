package io.kzpipe.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on 127.0.0.1 in front of one endpoint, to make it unreachable, hung, or reachable again
 * while a test runs (a ClickHouse outage, a network that stops delivering). Point the code under test at
 * {@link #port()} instead of the real port.
 *
 * <ul>
 *   <li>{@link #disconnect()}: every open connection is closed and new connections are refused (the listening
 *       socket is closed), like a server that went down;</li>
 *   <li>{@link #stall()}: connections are accepted and kept open but no byte is forwarded either way, like a
 *       hung server or a black-holed network: clients run into their timeouts;</li>
 *   <li>{@link #reconnect()}: accepts and forwards again on the same port (held bytes of stalled connections
 *       are delivered).</li>
 * </ul>
 * Blocking I/O with two daemon threads per connection; meant for tests, not for load. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final Object gate = new Object();
    private boolean stalled;
    private ServerSocket listener;
    private int port;
    private boolean closed;

    private TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** Listens on a free loopback port and forwards every connection to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) {
        TcpProxy proxy = new TcpProxy(targetHost, targetPort);
        synchronized (proxy) {
            proxy.listen(0);
        }
        return proxy;
    }

    /** The port clients should use; the same for the proxy's whole lifetime. */
    public synchronized int port() {
        return port;
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** Closes every open connection and refuses new ones until {@link #reconnect()}. */
    public synchronized void disconnect() {
        closeListener();
        setStalled(false);
        closeConnections();
    }

    /** Keeps accepting connections but forwards nothing until {@link #reconnect()}. */
    public synchronized void stall() {
        accept(true);
    }

    /** Accepts and forwards again, on the same port. */
    public synchronized void reconnect() {
        accept(false);
    }

    /** Connections accepted since the proxy started. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Connections currently open. */
    public int openConnections() {
        return connections.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        disconnect();
    }

    /** Accepts connections (again, on the same port); forwards nothing while {@code stall}. */
    private void accept(boolean stall) {
        if (closed) {
            throw new IllegalStateException("proxy closed");
        }
        setStalled(stall);
        if (listener == null) {
            listen(port);
        }
    }

    private void setStalled(boolean value) {
        synchronized (gate) {
            stalled = value;
            gate.notifyAll();
        }
    }

    private void awaitNotStalled() {
        synchronized (gate) {
            while (stalled) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void listen(int requestedPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 128);
            listener = socket;
            port = socket.getLocalPort();
            daemon("tcp-proxy-accept-" + port, () -> acceptLoop(socket)).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + requestedPort, e);
        }
    }

    private void closeListener() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
        }
    }

    private void closeConnections() {
        new ArrayList<>(connections).forEach(Connection::close);
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                accepted.incrementAndGet();
                Connection connection = new Connection(client);
                // under the proxy's lock, so that a connection accepted just before disconnect() closed the
                // listener is either closed by it or refused here, never left forwarding
                synchronized (this) {
                    if (socket != listener) {
                        closeQuietly(client);
                        return;
                    }
                    connections.add(connection);
                }
                daemon("tcp-proxy-conn-" + port, connection::run).start();
            } catch (IOException e) {
                return; // listener closed
            }
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name + "-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    /** One client connection and its upstream connection. */
    private final class Connection {
        private final Socket client;
        private final Socket upstream = new Socket();
        private final AtomicInteger openDirections = new AtomicInteger(2);

        Connection(Socket client) {
            this.client = client;
        }

        void run() {
            try {
                upstream.connect(new InetSocketAddress(targetHost, targetPort), CONNECT_TIMEOUT_MS);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                daemon("tcp-proxy-up-" + port, () -> pump(client, upstream)).start();
                pump(upstream, client);
            } catch (IOException e) {
                close();
            }
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitNotStalled();
                    out.write(buffer, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
                if (openDirections.decrementAndGet() == 0) {
                    close();
                }
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
            connections.remove(this);
        }
    }
}
