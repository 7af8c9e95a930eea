package io.jasyncio.examples.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.jasyncio.examples.Clients;
import io.jasyncio.examples.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The RESP server driven by redis-cli and redis-benchmark, and by a raw socket for hostile input. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RespServerTest {
    private RunningServer server;

    @BeforeEach
    void start() throws Exception {
        server = new RunningServer(() -> RespServer.start("127.0.0.1", 0));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private String cli(String... command) throws Exception {
        String[] full = new String[command.length + 3];
        full[0] = "redis-cli";
        full[1] = "-p";
        full[2] = Integer.toString(server.port);
        System.arraycopy(command, 0, full, 3, command.length);
        var r = Clients.run(full);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().strip();
    }

    @Test
    void redisCliRunsTheCommands() throws Exception {
        Clients.require("redis-cli", "redis-tools");
        assertThat(cli("PING")).isEqualTo("PONG");
        assertThat(cli("SET", "k", "hello world")).isEqualTo("OK");
        assertThat(cli("GET", "k")).isEqualTo("hello world");
        assertThat(cli("GET", "missing")).isEmpty(); // redis-cli prints nil as an empty line when not on a tty
        assertThat(cli("INCR", "n")).isEqualTo("1");
        assertThat(cli("INCR", "n")).isEqualTo("2");
        assertThat(cli("INCR", "k")).isEqualTo("ERR value is not an integer or out of range");
        assertThat(cli("MGET", "k", "missing", "n")).isEqualTo("hello world\n\n2");
        assertThat(cli("DEL", "k", "n", "missing")).isEqualTo("2");
        assertThat(cli("EXISTS", "k")).isEqualTo("0");
    }

    @Test
    void redisCliSeesExpiry() throws Exception {
        Clients.require("redis-cli", "redis-tools");
        assertThat(cli("SET", "s", "v", "EX", "100")).isEqualTo("OK");
        assertThat(Integer.parseInt(cli("TTL", "s"))).isBetween(1, 100);
        assertThat(cli("SET", "p", "v", "PX", "100000")).isEqualTo("OK");
        assertThat(Long.parseLong(cli("PTTL", "p"))).isBetween(1L, 100_000L);
        assertThat(cli("SET", "plain", "v")).isEqualTo("OK");
        assertThat(cli("TTL", "plain")).isEqualTo("-1");
        assertThat(cli("TTL", "missing")).isEqualTo("-2");
        assertThat(cli("EXPIRE", "plain", "50")).isEqualTo("1");
        assertThat(Integer.parseInt(cli("TTL", "plain"))).isBetween(1, 50);
        assertThat(cli("EXPIRE", "missing", "50")).isEqualTo("0");
        // A key set to expire in 1 ms is gone at the next read (redis-cli's start-up alone takes longer).
        assertThat(cli("SET", "short", "v", "PX", "1")).isEqualTo("OK");
        assertThat(cli("GET", "short")).isEmpty();
        assertThat(cli("TTL", "short")).isEqualTo("-2");
        assertThat(cli("SET", "x", "v", "EX", "0")).isEqualTo("ERR invalid expire time in 'set' command");
        assertThat(cli("SET", "x", "v", "EX")).isEqualTo("ERR syntax error");
    }

    @Test
    void redisCliGetsAnErrorForAnUnknownCommand() throws Exception {
        Clients.require("redis-cli", "redis-tools");
        assertThat(cli("FROB", "a", "b")).isEqualTo("ERR unknown command 'FROB', with args beginning with: 'a' 'b'");
        assertThat(cli("GET")).isEqualTo("ERR wrong number of arguments for 'get' command");
    }

    @Test
    void redisCliPipeModeSendsEverythingAtOnce() throws Exception {
        Clients.require("redis-cli", "redis-tools");
        StringBuilder cmds = new StringBuilder();
        for (int i = 0; i < 1000; i++) cmds.append(resp("SET", "key" + i, "value" + i));
        var r = Clients.run(cmds.toString().getBytes(StandardCharsets.UTF_8), "redis-cli", "-p", Integer.toString(server.port), "--pipe");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("errors: 0, replies: 1000");
        assertThat(cli("GET", "key999")).isEqualTo("value999");
        assertThat(cli("DBSIZE")).isEqualTo("1000");
    }

    @Test
    void redisBenchmarkRunsWithoutErrors() throws Exception {
        Clients.require("redis-benchmark", "redis-tools");
        var r = Clients.run("redis-benchmark", "-p", Integer.toString(server.port), "-t", "get,set", "-n", "2000",
                "-c", "10", "-P", "8", "-d", "3", "-q");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("SET: ").contains("GET: ").doesNotContain("ERR");
        assertThat(cli("GET", "key:__rand_int__")).hasSize(3); // the 3-byte value (-d 3) redis-benchmark SET
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        String all = exchange(resp("SET", "a", "1") + resp("INCR", "a") + resp("GET", "a") + resp("PING") + resp("QUIT"));
        assertThat(all).isEqualTo("+OK\r\n:2\r\n$1\r\n2\r\n+PONG\r\n+OK\r\n");
    }

    @Test
    void inlineCommandsWorkAsFromNetcat() throws Exception {
        assertThat(exchange("PING\r\nSET a b\nGET a\r\nQUIT\r\n")).isEqualTo("+PONG\r\n+OK\r\n$1\r\nb\r\n+OK\r\n");
    }

    @Test
    void malformedInputGetsAnErrorAndTheConnectionStaysOpen() throws Exception {
        String all = exchange("*x\r\n" + "*1\r\n:5\r\n" + "*1\r\n$abc\r\n" + "*2\r\n$3\r\nGET\r\n$1\r\nkxy\r\n" + resp("FROB") + resp("PING") + resp("QUIT"));
        assertThat(all.lines().toList()).containsExactly(
                "-ERR Protocol error: invalid multibulk length",
                "-ERR Protocol error: expected '$', got ':'",
                "-ERR Protocol error: invalid bulk length",
                "-ERR Protocol error: expected CRLF after bulk string",
                "-ERR unknown command 'xy', with args beginning with: ", // the resync reads the rest of the line inline
                "-ERR unknown command 'FROB', with args beginning with: ",
                "+PONG",
                "+OK");
    }

    @Test
    void hugeBulkLengthIsRefusedAndTheConnectionClosed() throws Exception {
        assertThat(exchange("*1\r\n$999999999\r\n")).isEqualTo("-ERR Protocol error: invalid bulk length (closing the connection)\r\n");
    }

    @Test
    void endlessLinesAreRefusedInsteadOfBuffered() throws Exception {
        String digits = "1".repeat(RespConnection.MAX_INLINE + 10);
        assertThat(exchange("*" + digits)).isEqualTo("-ERR Protocol error: too big multibulk length line (closing the connection)\r\n");
        assertThat(exchange("*1\r\n$" + digits)).isEqualTo("-ERR Protocol error: too big bulk length line (closing the connection)\r\n");
        assertThat(exchange("GET " + digits)).isEqualTo("-ERR Protocol error: too big inline request (closing the connection)\r\n");
    }

    @Test
    void clientLeavingMidCommandDoesNotDisturbOthers() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.getOutputStream().write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhal".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(exchange(resp("GET", "k") + resp("SET", "k", "v") + resp("GET", "k") + resp("QUIT")))
                .isEqualTo("$-1\r\n+OK\r\n$1\r\nv\r\n+OK\r\n");
    }

    static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        return sb.toString();
    }

    /** Sends everything at once and reads until the server closes (each test ends with QUIT or an error). */
    private String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
