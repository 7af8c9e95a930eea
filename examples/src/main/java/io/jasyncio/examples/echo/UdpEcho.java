package io.jasyncio.examples.echo;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import io.jasyncio.net.DatagramEndpoint;
import io.jasyncio.net.DatagramProtocol;
import io.jasyncio.net.DatagramTransport;
import io.jasyncio.net.Net;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A UDP echo server and client: asyncio's {@code EchoServerProtocol} and
 * {@code EchoClientProtocol} for datagrams. UDP may lose a datagram, so the client waits with a
 * timeout instead of forever.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=echo.UdpEcho -Dargs=9999            # server
 * ./mvnw -q -Prun verify -DskipTests -Dexample=echo.UdpEcho "-Dargs=9999 hello"     # client
 * nc -u 127.0.0.1 9999
 * </pre>
 *
 * <pre>{@code
 * DatagramEndpoint<UdpEcho.Server> server = UdpEcho.startServer("127.0.0.1", 9999);
 * String back = UdpEcho.ask("127.0.0.1", 9999, "hello", Duration.ofSeconds(1));
 * }</pre>
 */
public final class UdpEcho {
    private UdpEcho() {
    }

    /** Sends every datagram back to where it came from. Runs on the loop thread. */
    public static final class Server implements DatagramProtocol {
        private DatagramTransport transport;

        @Override
        public void connectionMade(DatagramTransport transport) {
            this.transport = transport;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            transport.sendto(data, from);
        }
    }

    /** Completes its future with the first datagram that arrives. */
    static final class Client implements DatagramProtocol {
        final Future<String> reply = Asyncio.getRunningLoop().createFuture();

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress from) {
            if (!reply.done()) reply.setResult(StandardCharsets.UTF_8.decode(data).toString());
        }

        @Override
        public void errorReceived(IOException exc) {
            // On a connected endpoint, ICMP port unreachable: nobody listens there.
            if (!reply.done()) reply.setException(exc);
        }
    }

    /**
     * Starts the echo endpoint on {@code host:port} (0: a free port; read it from
     * {@code transport().getExtraInfo("sockname")}). Suspending (briefly); call it from a task.
     *
     * @throws java.net.BindException if the port is taken
     */
    public static DatagramEndpoint<Server> startServer(String host, int port) throws IOException {
        return Net.createDatagramEndpoint(Server::new, new InetSocketAddress(host, port), null);
    }

    /**
     * Sends {@code message} and returns the reply. Suspends until it arrives (cancellable).
     *
     * @throws TimeoutError if no reply came within {@code timeout} (UDP may drop datagrams)
     * @throws java.net.PortUnreachableException if the host reported that nothing listens there
     */
    public static String ask(String host, int port, String message, Duration timeout) throws IOException {
        DatagramEndpoint<Client> ep = Net.createDatagramEndpoint(Client::new, null, new InetSocketAddress(host, port));
        try {
            ep.transport().sendto(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
            return Asyncio.waitFor(ep.protocol().reply, timeout);
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io; // unwrapped, as java.nio would throw it
            throw e;
        } finally {
            ep.transport().close();
        }
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9999;
        if (args.length > 1) {
            Asyncio.run(() -> System.out.println(ask("127.0.0.1", port, args[1], Duration.ofSeconds(2))));
            return;
        }
        Asyncio.run(() -> {
            DatagramEndpoint<Server> ep = startServer("127.0.0.1", port);
            System.out.println("UDP echo server on " + ep.transport().getExtraInfo("sockname"));
            Asyncio.getRunningLoop().createFuture().await(); // serve until interrupted
        });
    }
}
