package io.jasyncio.examples.echo;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.net.Connection;
import io.jasyncio.net.Net;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An echo client on the Protocol API, as asyncio's {@code EchoClientProtocol}: the protocol sends
 * the message when connected, collects what comes back, half-closes once everything is back and
 * completes a future when the server closes.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=echo.ProtocolEchoClient "-Dargs=127.0.0.1 8888 hello"
 * </pre>
 *
 * <pre>{@code
 * String back = ProtocolEchoClient.echo("127.0.0.1", 8888, "hello");
 * }</pre>
 */
public final class ProtocolEchoClient {
    private ProtocolEchoClient() {
    }

    static final class Client implements Protocol {
        private final byte[] message;
        /** Completed with everything received when the connection ends. */
        final Future<byte[]> done;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private Transport transport;

        Client(byte[] message, Future<byte[]> done) {
            this.message = message;
            this.done = done;
        }

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
            transport.write(message);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            // data is a view of the loop's read buffer, valid only during this call: copy it.
            byte[] b = new byte[data.remaining()];
            data.get(b);
            received.writeBytes(b);
            if (received.size() >= message.length && transport.canWriteEof()) transport.writeEof();
        }

        @Override
        public void connectionLost(Throwable exc) {
            if (done.done()) return;
            if (exc != null) done.setException(exc);
            else done.setResult(received.toByteArray());
        }
    }

    /**
     * Sends {@code message} and returns what the server sent back before closing. Suspends until
     * then (cancellable); call it from a task.
     *
     * @throws java.net.ConnectException if nothing listens there
     */
    public static String echo(String host, int port, String message) throws IOException {
        Future<byte[]> done = Asyncio.getRunningLoop().createFuture();
        Connection<Client> conn = Net.createConnection(() -> new Client(message.getBytes(StandardCharsets.UTF_8), done), host, port);
        try {
            return new String(done.await(), StandardCharsets.UTF_8);
        } finally {
            conn.transport().close();
        }
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: ProtocolEchoClient HOST PORT MESSAGE");
            System.exit(2);
        }
        Asyncio.run(() -> System.out.println(echo(args[0], Integer.parseInt(args[1]), args[2])));
    }
}
