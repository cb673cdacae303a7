package dev.appcare.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;

/**
 * Pre-binds the test kit's listener sockets on the loopback address instead of the wildcard address.
 *
 * <p>{@code KafkaClusterTestKit} binds every listener port up front (so it can write the controller
 * quorum before the servers start) and hands those sockets to the servers, ignoring the host in
 * {@code listeners}. Its own manager binds them on 0.0.0.0, which would expose a test broker to the
 * network. This subclass keeps the same contract but binds on 127.0.0.1. The kit's socket factory
 * calls {@link #getSocketForListenerAndMarkAsUsed} on this object, so overriding the bookkeeping
 * here is enough; when a listener is rebound after a restart the kit uses the host from
 * {@code listeners}, which {@link KafkaBroker} sets to 127.0.0.1 as well.
 */
final class LoopbackSocketFactoryManager extends PreboundSocketFactoryManager {

    private final Map<Integer, Map<String, ServerSocketChannel>> sockets = new HashMap<>();
    private final Map<Integer, Set<String>> used = new HashMap<>();
    private boolean closed;

    @Override
    public synchronized int getOrCreatePortForListener(int nodeId, String listener) throws IOException {
        Map<String, ServerSocketChannel> forNode = sockets.computeIfAbsent(nodeId, id -> new HashMap<>());
        ServerSocketChannel channel = forNode.get(listener);
        if (channel == null) {
            if (closed) {
                throw new IllegalStateException("Cannot open new socket: manager is closed.");
            }
            channel = ServerSocketChannel.open();
            // Same socket set-up as Kafka's own ServerSocketFactory: the acceptor needs non-blocking.
            channel.configureBlocking(false);
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            forNode.put(listener, channel);
        }
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Override
    public synchronized ServerSocketChannel getSocketForListenerAndMarkAsUsed(int nodeId, String listener) {
        ServerSocketChannel channel = sockets.getOrDefault(nodeId, Map.of()).get(listener);
        if (channel != null) {
            used.computeIfAbsent(nodeId, id -> new HashSet<>()).add(listener);
        }
        return channel;
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        // Sockets handed to a server are closed by that server; only the never-used ones are ours.
        for (var node : sockets.entrySet()) {
            Set<String> usedListeners = used.getOrDefault(node.getKey(), Set.of());
            for (var entry : node.getValue().entrySet()) {
                if (!usedListeners.contains(entry.getKey())) {
                    try {
                        entry.getValue().close();
                    } catch (IOException ignored) {
                        // Closing an unused listening socket cannot lose anything.
                    }
                }
            }
        }
        super.close();
    }
}
