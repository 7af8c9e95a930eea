package io.jasyncio.examples.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import io.jasyncio.examples.Clients;
import io.jasyncio.examples.EchoServer;
import io.jasyncio.examples.LineClient;
import io.jasyncio.examples.RunningServer;
import io.jasyncio.loops.LoopGroup;
import io.jasyncio.net.DatagramEndpoint;
import io.jasyncio.net.Server;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The echo servers driven by nc (TCP and UDP) and by the example clients. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoExamplesTest {

    @Test
    void streamEchoServerEchoesNcLines() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        try (RunningServer server = new RunningServer(() -> StreamEchoServer.start("127.0.0.1", 0));
             LineClient nc = new LineClient("nc", "127.0.0.1", Integer.toString(server.port))) {
            nc.send("hello");
            nc.expectLine("hello");
            nc.send("échos ünicode");
            nc.expectLine("échos ünicode");
        }
    }

    @Test
    void protocolEchoServerEchoesNcLines() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        try (RunningServer server = new RunningServer(() -> EchoServer.start("127.0.0.1", 0));
             LineClient nc = new LineClient("nc", "127.0.0.1", Integer.toString(server.port))) {
            nc.send("hello");
            nc.expectLine("hello");
        }
    }

    @Test
    void protocolEchoServerOnTwoLoopsEchoesEveryConnection() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            List<Server> servers = EchoServer.startOn(group, "127.0.0.1", 0);
            assertThat(servers).hasSize(2);
            int port = servers.get(0).port();
            assertThat(servers.get(1).port()).isEqualTo(port);
            for (int i = 0; i < 8; i++) {
                String line = "connection " + i;
                List<String> back = Asyncio.run(() -> EchoClient.echo("127.0.0.1", port, List.of(line)));
                assertThat(back).containsExactly(line);
            }
        }
    }

    @Test
    void streamClientTalksToBothServers() throws Exception {
        try (RunningServer streams = new RunningServer(() -> StreamEchoServer.start("127.0.0.1", 0));
             RunningServer protocol = new RunningServer(() -> EchoServer.start("127.0.0.1", 0))) {
            for (int port : new int[] {streams.port, protocol.port}) {
                List<String> back = Asyncio.run(() -> EchoClient.echo("127.0.0.1", port, List.of("one", "two", "three")));
                assertThat(back).containsExactly("one", "two", "three");
            }
        }
    }

    @Test
    void protocolClientTalksToBothServers() throws Exception {
        try (RunningServer streams = new RunningServer(() -> StreamEchoServer.start("127.0.0.1", 0));
             RunningServer protocol = new RunningServer(() -> EchoServer.start("127.0.0.1", 0))) {
            String big = "x".repeat(200_000) + "\n"; // more than one read and one write
            for (int port : new int[] {streams.port, protocol.port}) {
                String back = Asyncio.run(() -> ProtocolEchoClient.echo("127.0.0.1", port, big));
                assertThat(back.equals(big)).as("200 kB came back intact (got %d chars)", back.length()).isTrue();
            }
        }
    }

    @Test
    void clientsReportConnectionRefusedUnwrapped() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> Asyncio.run(() -> EchoClient.echo("127.0.0.1", closedPort, List.of("x"))))
                .hasCauseInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> Asyncio.run(() -> ProtocolEchoClient.echo("127.0.0.1", closedPort, "x")))
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void udpEchoAnswersNcAndTheExampleClient() throws Exception {
        Clients.require("nc", "netcat-openbsd");
        Asyncio.run(() -> {
            DatagramEndpoint<UdpEcho.Server> ep = UdpEcho.startServer("127.0.0.1", 0);
            int port = ((InetSocketAddress) ep.transport().getExtraInfo("sockname")).getPort();
            assertThat(UdpEcho.ask("127.0.0.1", port, "ping over udp", Duration.ofSeconds(30))).isEqualTo("ping over udp");
            // nc blocks its (virtual) thread inside this task: the loop keeps serving meanwhile.
            try (LineClient nc = new LineClient("nc", "-u", "127.0.0.1", Integer.toString(port))) {
                nc.send("hello from nc");
                nc.expectLine("hello from nc");
            }
            ep.transport().close();
        });
    }

    @Test
    void udpClientTimesOutWhenNobodyAnswers() throws Exception {
        // A bound socket that never answers: the datagram is taken and nothing comes back.
        try (DatagramChannel silent = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            assertThatThrownBy(() -> Asyncio.run(() -> UdpEcho.ask("127.0.0.1", port, "anyone?", Duration.ofMillis(200))))
                    .isInstanceOf(TimeoutError.class);
        }
    }
}
