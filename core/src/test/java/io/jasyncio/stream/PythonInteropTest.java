package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.ascii;
import static io.jasyncio.stream.StreamTesting.port;
import static io.jasyncio.stream.StreamTesting.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.net.Server;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Python asyncio client (the machine's python3) talks to our startServer. */
@Timeout(30)
class PythonInteropTest {
    private static final String CLIENT = """
            import asyncio, sys
            async def main(port):
                reader, writer = await asyncio.open_connection('127.0.0.1', port)
                for i in range(200):
                    writer.write(f'line {i}\\n'.encode())
                await writer.drain()
                replies = [await reader.readline() for _ in range(200)]
                writer.write(b'\\x00' * 100000 + b'\\n')
                await writer.drain()
                size = await reader.readuntil(b';')
                writer.write_eof()
                rest = await reader.read()
                writer.close()
                await writer.wait_closed()
                print(len(replies), replies[0].decode().strip(), replies[-1].decode().strip(), size.decode(), rest.decode().strip())
            asyncio.run(main(int(sys.argv[1])))
            """;

    static boolean python3() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import asyncio").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void pythonAsyncioClientTalksToOurServer() {
        assumeTrue(python3(), "python3 with asyncio is not installed");
        String out = Asyncio.run(() -> {
            Server server = Streams.startServer((reader, writer) -> {
                for (int i = 0; i < 200; i++) {
                    writer.write(ascii(text(reader.readLine()).toUpperCase()));
                }
                writer.drain();
                byte[] big = reader.readLine(); // 100001 bytes: over the 64 KiB limit
                writer.write(ascii(big.length + ";"));
                writer.write(ascii(text(reader.read(-1)) + "eof seen\n"));
                writer.close();
            }, "127.0.0.1", 0, io.jasyncio.net.ServerOptions.defaults(), 1 << 20);
            int port = port(server);
            String result = Asyncio.toThread(() -> {
                Process p = new ProcessBuilder("python3", "-c", CLIENT, String.valueOf(port)).redirectErrorStream(true).start();
                String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
                return o + (p.exitValue() == 0 ? "" : "exit " + p.exitValue());
            });
            server.close();
            server.waitClosed();
            return result;
        });
        assertEquals("200 LINE 0 LINE 199 100001; eof seen", out.strip());
    }
}
