package io.jasyncio.stream;

import static io.jasyncio.stream.StreamTesting.port;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.net.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A socket server under a JFR recording: every task's creation and completion is recorded. */
@Timeout(60)
class ServerJfrTest {
    private static final int CLIENTS = 5;

    @jdk.jfr.Name("test.HandlerEvent")
    static final class HandlerEvent extends jdk.jfr.Event {}

    @Test
    void everyHandlerTaskOfASocketServerIsRecordedAsCreatedAndCompleted() throws Exception {
        Path file = Files.createTempDirectory("jasyncio-jfr").resolve("server.jfr");
        // The JDK's default settings, as -XX:StartFlightRecording and jcmd JFR.start use them
        // (socket I/O events included), plus the task events, which are off by default.
        try (Recording r = new Recording(Configuration.getConfiguration("default"))) {
            r.enable("io.jasyncio.TaskCreated");
            r.enable("io.jasyncio.TaskCompleted");
            r.enable("test.HandlerEvent");
            r.start();
            Asyncio.run(() -> {
                Server server = Streams.startServer((reader, writer) -> {
                    // An event of the application, committed in the handler's virtual thread, as
                    // JDK events (a socket write or park over its threshold) are at random under
                    // load: the loop thread that carries it used to lose its next event.
                    new HandlerEvent().commit();
                    byte[] line = reader.readLine();
                    writer.write(line);
                    writer.drain();
                    writer.close();
                    writer.waitClosed();
                }, "127.0.0.1", 0);
                List<Task<String>> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    int n = i;
                    clients.add(Asyncio.createTask(() -> {
                        StreamPair c = Streams.openConnection("127.0.0.1", port(server));
                        c.writer().write(("hello " + n + "\n").getBytes(StandardCharsets.US_ASCII));
                        c.writer().drain();
                        String got = new String(c.reader().read(-1), StandardCharsets.US_ASCII);
                        c.writer().close();
                        c.writer().waitClosed();
                        return got;
                    }, "client-" + i));
                }
                for (int i = 0; i < CLIENTS; i++) assertEquals("hello " + i + "\n", clients.get(i).await());
                server.close();
                server.waitClosed();
            });
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<String> created = names(events, "io.jasyncio.TaskCreated");
        List<String> completed = names(events, "io.jasyncio.TaskCompleted");
        // main + CLIENTS clients + CLIENTS server handlers, each created and completed once
        assertEquals(1 + 2 * CLIENTS, created.size(), "created: " + created + " completed: " + completed);
        assertEquals(created.stream().sorted().toList(), completed.stream().sorted().toList(), "completed: " + completed);
    }

    private static List<String> names(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type)).map(e -> e.getString("task")).toList();
    }
}
