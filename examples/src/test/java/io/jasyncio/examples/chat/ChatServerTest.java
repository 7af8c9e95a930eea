package io.jasyncio.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.examples.Clients;
import io.jasyncio.examples.LineClient;
import io.jasyncio.examples.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chat server driven by several nc clients and the Python asyncio client script. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatServerTest {
    private RunningServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(() -> ChatServer.start("127.0.0.1", 0));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private LineClient nc() throws IOException {
        return new LineClient("nc", "127.0.0.1", Integer.toString(server.port));
    }

    private LineClient join(String name) throws Exception {
        LineClient c = nc();
        c.expectLine("? name");
        c.send(name);
        c.expect(l -> l.startsWith("* welcome " + name));
        return c;
    }

    @Test
    void ncClientsJoinTalkAndLeave() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        try (LineClient alice = join("alice"); LineClient bob = join("bob")) {
            alice.expectLine("* bob joined");
            LineClient carol = join("carol");
            alice.expectLine("* carol joined");
            bob.expectLine("* carol joined");

            alice.send("hello all");
            bob.expectLine("alice: hello all");
            carol.expectLine("alice: hello all");

            carol.send("/who");
            carol.expectLine("* here: alice, bob, carol");

            carol.close(); // like Ctrl-C: the connection just closes
            alice.expectLine("* carol left");
            bob.expectLine("* carol left");

            bob.send("/quit"); // (nc keeps running after the server closes: it still reads its stdin)
            alice.expectLine("* bob left");
        }
    }

    @Test
    void takenAndInvalidNamesAreRefused() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        try (LineClient alice = join("alice"); LineClient other = nc()) {
            other.expectLine("? name");
            other.send("alice");
            other.expectLine("! alice is taken; try again");
            other.send("no spaces please");
            other.expect(l -> l.startsWith("! a name is"));
            other.send("alice2");
            other.expect(l -> l.startsWith("* welcome alice2, 1 here: alice"));
            alice.expectLine("* alice2 joined");
        }
    }

    @Test
    void pythonAsyncioClientChatsWithNcClients() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        Clients.require("python3", "python3");
        Path script = Path.of("scripts/chat_client.py").toAbsolutePath();
        try (LineClient alice = join("alice");
             LineClient py = new LineClient("python3", script.toString(), "127.0.0.1", Integer.toString(server.port), "pyclient")) {
            py.expectLine("? name");
            py.expect(l -> l.startsWith("* welcome pyclient"));
            alice.expectLine("* pyclient joined");
            py.send("hi from asyncio");
            alice.expectLine("pyclient: hi from asyncio");
            alice.send("hi back");
            py.expectLine("alice: hi back");
        }
    }

    @Test
    void tenMebibyteLineIsRejectedAndOthersAreUnaffected() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        try (LineClient alice = join("alice"); LineClient bob = join("bob"); Socket hostile = new Socket("127.0.0.1", server.port)) {
            hostile.setSoTimeout(30_000);
            InputStream in = hostile.getInputStream();
            OutputStream out = hostile.getOutputStream();
            out.write("mallory\n".getBytes(StandardCharsets.US_ASCII));
            alice.expectLine("* mallory joined");
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            try {
                for (int i = 0; i < 160; i++) out.write(chunk); // 10 MiB, no newline
                out.write('\n');
            } catch (IOException closedByServer) {
                // Expected: the server closes the connection once the line passed the limit.
            }
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).contains("! line too long (limit 4096 bytes): closing");
            alice.expectLine("* mallory left");
            alice.send("still here?");
            bob.expectLine("alice: still here?");
        }
    }

    @Test
    void clientThatStopsReadingIsDroppedAndTheRoomGoesOn() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        try (LineClient bob = join("bob"); Socket sleeper = new Socket(); Socket talker = new Socket("127.0.0.1", server.port)) {
            sleeper.setReceiveBufferSize(4096); // before connecting, so the window stays small
            sleeper.connect(new InetSocketAddress("127.0.0.1", server.port));
            sleeper.getOutputStream().write("sleeper\n".getBytes(StandardCharsets.US_ASCII));
            bob.expectLine("* sleeper joined");
            OutputStream t = talker.getOutputStream();
            t.write("talker\n".getBytes(StandardCharsets.US_ASCII));
            bob.expectLine("* talker joined");
            String line = "y".repeat(4000) + "\n";
            int lines = 4096; // 16 MB: far beyond what the kernel buffers plus MAX_BACKLOG hold
            // In batches that bob confirms, so that bob (who reads) never falls behind far enough
            // to be dropped himself, however loaded the machine.
            int[] seen = {0};
            boolean[] dropNotice = {false};
            for (int b = 0; b < lines / 64; b++) {
                for (int i = 0; i < 64; i++) t.write(line.getBytes(StandardCharsets.US_ASCII));
                String mark = "mark " + b;
                t.write((mark + "\n").getBytes(StandardCharsets.US_ASCII));
                bob.expect(l -> {
                    if (l.startsWith("talker: yyyy")) seen[0]++;
                    if (l.equals("* sleeper was dropped (not reading)")) dropNotice[0] = true;
                    return l.equals("talker: " + mark);
                });
            }
            // bob got every line and heard that the sleeper was dropped.
            assertThat(seen[0]).isEqualTo(lines);
            assertThat(dropNotice[0]).isTrue();
            sleeper.setSoTimeout(30_000);
            long received = 0;
            try {
                received = sleeper.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException reset) {
                // The abort may arrive as a reset: either way the connection ended.
            }
            assertThat(received).isLessThan((long) lines * line.length());
        }
    }
}
