package io.jasyncio.net;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address whose connects hang: a socket listening with backlog 1 that never accepts,
 * its accept queue filled by plain connections. Linux then drops further SYNs (a full accept
 * queue drops the SYN rather than refusing it), so a connect stays in SYN_SENT, retransmitting,
 * for as long as the test runs (the kernel gives up after about two minutes). Nothing leaves the
 * machine. {@link #open} proves the trick works by filling the queue until a connect times out,
 * and skips the test if it never does.
 *
 * <p>Also counts the sockets still connecting to it ({@link #connecting()}), from
 * {@code /proc/net/tcp}: a closed SYN_SENT socket disappears at once, so a count of 0 after a
 * race means every losing attempt's socket was closed.
 */
final class HangingListener implements AutoCloseable {
    /** A loopback connect that completes takes microseconds; one that takes this long was dropped. */
    private static final int PROBE_TIMEOUT_MS = 200;

    final InetSocketAddress address;
    private final ServerSocketChannel listener;
    private final List<Socket> fillers;
    private final List<Socket> accepted = new ArrayList<>();

    private HangingListener(InetSocketAddress address, ServerSocketChannel listener, List<Socket> fillers) {
        this.address = address;
        this.listener = listener;
        this.fillers = fillers;
    }

    /** Blocking: call it before the loop runs. */
    static HangingListener open(InetAddress loopback) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0), 1);
        InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket s = new Socket();
            try {
                s.connect(address, PROBE_TIMEOUT_MS);
                fillers.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return new HangingListener(address, listener, fillers);
            }
        }
        for (Socket s : fillers) s.close();
        listener.close();
        assumeTrue(false, "connects to a full accept queue did not hang on this system");
        throw new AssertionError("unreachable");
    }

    /** The sockets of this process and others in SYN_SENT towards {@link #address}. */
    long connecting() throws IOException {
        String table = address.getAddress() instanceof java.net.Inet4Address ? "/proc/net/tcp" : "/proc/net/tcp6";
        String port = String.format(":%04X", address.getPort());
        return Files.readAllLines(Path.of(table)).stream().skip(1)
                .map(line -> line.trim().split("\\s+"))
                .filter(f -> f[2].endsWith(port) && f[3].equals("02"))
                .count();
    }

    /** Stops hanging: takes the fillers off the accept queue, so a connect's next SYN retransmission gets in. */
    void release() throws IOException {
        for (int i = 0; i < fillers.size(); i++) accepted.add(listener.socket().accept());
    }

    /**
     * After {@link #release}: waits (blocking, up to {@code timeoutMs}) for the next connection,
     * a hanging connect completing at its next SYN retransmission (about a second after it
     * started), and returns it.
     */
    Socket acceptNext(int timeoutMs) throws IOException {
        listener.socket().setSoTimeout(timeoutMs);
        Socket s = listener.socket().accept();
        accepted.add(s);
        return s;
    }

    @Override
    public void close() throws IOException {
        for (Socket s : accepted) s.close();
        for (Socket s : fillers) s.close();
        listener.close();
    }
}
