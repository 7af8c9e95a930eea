package io.jasyncio.bench;

import io.jasyncio.Asyncio;
import io.jasyncio.net.Net;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.ServerOptions;
import io.jasyncio.stream.Streams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Retained heap per idle server connection (issue 12 item 2: target ≤ 2 KB for Streams at
 * 10,000 connections). Not a JMH benchmark: a one-shot measurement, as {@link TaskMemory}.
 *
 * <p>A server ({@code streams}: a handler task per connection waiting in {@code reader.read};
 * {@code protocol}: a Protocol that does nothing) listens on 127.0.0.1; a Python child process
 * opens N connections, has 1 KiB echoed on each (so every connection has read and written once,
 * as a real idle keep-alive connection has) and holds them, so no client object lives in this
 * heap. The used heap after full GCs is taken before the clients connect and again once all N
 * echoes are done and every handler is parked in its next read; the difference over N is the retained size of one idle
 * connection with everything it holds (transport, protocol, reader, writer, task, virtual
 * thread, its stack chunk). {@code --histo} prints the classes that grew, per connection.
 *
 * <p>Then the burst (issue 12, "Bad input"): every one of the N connections sends a message of
 * its own (1-8 KiB) at once; the client checks that each gets exactly its echo and prints how
 * many did not, and the heap is measured again after the echoes to show nothing stayed behind.
 *
 * <p>Frozen stacks are smaller when compiled: a handler that parks in an interpreted or C1
 * frame keeps that frame for the connection's life. So the warm-up also opens and closes
 * {@code -DwarmConns} connections (default 5,000), as a long-running server has, to get the
 * once-per-connection path (the task body, the handler's entry) compiled; run with
 * {@code -XX:-BackgroundCompilation} to have every compilation done before it is used (the
 * steady state of a long-running server on a busy machine, where background compilation lags).
 *
 * <pre>
 * ulimit -n 30000
 * java --add-opens java.base/java.lang=ALL-UNNAMED -Xms1g -Xmx1g [-XX:-BackgroundCompilation] [-DwarmConns=5000] \
 *      -cp bench/target/benchmarks.jar io.jasyncio.bench.IdleConnMemory streams 10000 [--histo]
 * </pre>
 */
public final class IdleConnMemory {
    private static final String CLIENT = """
            import socket, sys, time
            port, n = int(sys.argv[1]), int(sys.argv[2])
            socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
            msg = b"x" * 1024
            for s in socks:
                s.sendall(msg)
                got = 0
                while got < len(msg):
                    got += len(s.recv(65536))
            print("ready", flush=True)
            if sys.stdin.readline().strip() == "burst":
                # Every connection sends a message of its own at once, then each echo is checked.
                base = bytes(range(256)) * 34  # msg i is bytes (i * 31 + k) & 255, k < its length
                msgs = [base[(i * 31) % 256:(i * 31) % 256 + 1024 + (i * 37) % 7168] for i in range(n)]
                t0 = time.monotonic()
                for s, m in zip(socks, msgs):
                    s.sendall(m)
                bad = 0
                for i, (s, m) in enumerate(zip(socks, msgs)):
                    buf = b""
                    while len(buf) < len(m):
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        buf += chunk
                    if buf != m:
                        bad += 1
                print("burst %d connections, %d bytes, %d mismatched, %.3f s" % (n, sum(map(len, msgs)), bad,
                      time.monotonic() - t0), flush=True)
            sys.stdin.read()
            for s in socks: s.close()
            """;

    /** What the burst sends in all: connection i sends 1024 + (i * 37) % 7168 bytes. */
    private static long burstBytes(int n) {
        long total = 0;
        for (int i = 0; i < n; i++) total += 1024 + (i * 37) % 7168;
        return total;
    }

    private IdleConnMemory() {
    }

    /** Bytes echoed so far; every connection has had its 1 KiB echoed at n × 1024. */
    private static long echoed;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "streams";
        int n = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 10_000;
        boolean histo = args.length > 2 && args[2].equals("--histo");
        if (!mode.equals("streams") && !mode.equals("protocol")) {
            throw new IllegalArgumentException("mode must be streams or protocol, not " + mode);
        }
        Asyncio.run(() -> {
            ServerOptions opts = ServerOptions.defaults().withBacklog(4096);
            Server server = mode.equals("streams")
                    ? Streams.startServer((reader, writer) -> {
                        byte[] data;
                        while ((data = reader.read(Streams.DEFAULT_LIMIT)).length > 0) { // idle here
                            writer.write(data);
                            writer.drain();
                            echoed += data.length;
                        }
                        writer.close();
                    }, "127.0.0.1", 0, opts)
                    : Net.createServer(() -> new Protocol() {
                        io.jasyncio.net.Transport transport;

                        @Override
                        public void connectionMade(io.jasyncio.net.Transport t) {
                            transport = t;
                        }

                        @Override
                        public void dataReceived(java.nio.ByteBuffer data) {
                            echoed += data.remaining();
                            transport.write(data);
                        }
                    }, "127.0.0.1", 0, opts);
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            if (mode.equals("streams")) warmUp(port);
            long before = TaskMemory.usedAfterGc();
            String histBefore = histo ? TaskMemory.classHistogram() : null;
            Process client = new ProcessBuilder("python3", "-c", CLIENT, String.valueOf(port), String.valueOf(n))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                String line = Asyncio.toThread(() -> new BufferedReader(
                        new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine());
                if (!"ready".equals(line)) throw new IllegalStateException("client failed: " + line);
                while (echoed < n * 1024L) Asyncio.sleep(Duration.ofMillis(20));
                Asyncio.sleep(Duration.ofMillis(100)); // every handler has reached its read by now
                long after = TaskMemory.usedAfterGc();
                String histAfter = histo ? TaskMemory.classHistogram() : null;
                System.out.printf("%s: %,d idle connections, heap %,d -> %,d bytes: %.1f bytes/connection (load %s)%n",
                        mode, n, before, after, (after - before) / (double) n,
                        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0]);
                if (histo) TaskMemory.printGrowth(histBefore, histAfter, n);
                burst(client, n, before, histo ? histAfter : null);
            } finally {
                try (OutputStream stdin = client.getOutputStream()) {
                    stdin.flush();
                }
                client.waitFor();
            }
            server.close();
            server.abortClients();
        });
    }

    /** All N connections send at once; the client checks every echo. Prints its verdict and the heap after. */
    private static void burst(Process client, int n, long before, String histIdle) throws Exception {
        long target = echoed + burstBytes(n);
        OutputStream stdin = client.getOutputStream();
        stdin.write("burst\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        String verdict = Asyncio.toThread(() -> new BufferedReader(
                new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine());
        System.out.println(verdict);
        if (verdict == null || !verdict.contains(" 0 mismatched")) throw new IllegalStateException("burst failed: " + verdict);
        while (echoed < target) Asyncio.sleep(Duration.ofMillis(20));
        Asyncio.sleep(Duration.ofMillis(100)); // every handler is back in its read
        long after = TaskMemory.usedAfterGc();
        System.out.printf("after the burst: heap %,d bytes: %.1f bytes/connection%n", after, (after - before) / (double) n);
        if (histIdle != null) {
            System.out.println("  growth from idle to after the burst:");
            TaskMemory.printGrowth(histIdle, TaskMemory.classHistogram(), n);
        }
    }

    /**
     * A long-running server has its read path compiled when a connection goes idle; without this
     * every handler would freeze interpreted frames, several times larger (the StackChunk was
     * ~3.5 KB per connection instead of ~0.6 KB). 16 clients × 4,000 echoes of 1 KiB to 200 KiB,
     * closed again, then {@code warmConns} short connections.
     */
    private static void warmUp(int port) throws Exception {
        byte[] msg = new byte[1024];
        // Mostly 1 KiB, with some 8 KiB and 200 KiB messages: those arrive in several reads and
        // need more than one write, so the reader's and writer's rarer paths are compiled too. A
        // path first taken after the warm-up deoptimizes the handler's frame, and a parked
        // interpreted frame is several times larger (seen: 104 instead of 58 words).
        byte[] big = new byte[200 * 1024];
        List<io.jasyncio.Task<Void>> clients = new java.util.ArrayList<>();
        for (int c = 0; c < 16; c++) {
            clients.add(Asyncio.createTask(() -> {
                io.jasyncio.stream.StreamPair conn = Streams.openConnection("127.0.0.1", port);
                for (int i = 0; i < 4000; i++) {
                    int len = i % 50 == 49 ? big.length : i % 7 == 6 ? 8192 + i % 100 : msg.length;
                    conn.writer().write(len == msg.length ? msg : java.util.Arrays.copyOf(big, len));
                    conn.writer().drain();
                    conn.reader().readExactly(len);
                }
                conn.writer().close();
                conn.writer().waitClosed();
            }));
        }
        for (io.jasyncio.Task<Void> t : clients) t.await();
        // Connection churn, 100 at a time: the once-per-connection path gets compiled too.
        int churn = Integer.getInteger("warmConns", 5000);
        for (int done = 0; done < churn; done += 100) {
            List<io.jasyncio.Task<Void>> batch = new java.util.ArrayList<>();
            for (int c = 0; c < Math.min(100, churn - done); c++) {
                batch.add(Asyncio.createTask(() -> {
                    io.jasyncio.stream.StreamPair conn = Streams.openConnection("127.0.0.1", port);
                    conn.writer().write(msg);
                    conn.writer().drain();
                    conn.reader().readExactly(msg.length);
                    conn.writer().close();
                    conn.writer().waitClosed();
                }));
            }
            for (io.jasyncio.Task<Void> t : batch) t.await();
        }
        echoed = 0;
    }
}
