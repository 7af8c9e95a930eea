package io.jasyncio.examples.chat;

import io.jasyncio.Asyncio;
import io.jasyncio.net.Server;
import io.jasyncio.stream.LimitOverrunError;
import io.jasyncio.stream.StreamReader;
import io.jasyncio.stream.StreamWriter;
import io.jasyncio.stream.Streams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A line-based chat server on streams: the first line a client sends is its name, every later
 * line goes to everybody else as {@code name: text}, and joins and leaves are announced as
 * {@code * name joined} / {@code * name left}. {@code /quit} leaves; {@code /who} lists the
 * room.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=chat.ChatServer -Dargs=7000
 * nc 127.0.0.1 7000                                   # in a few terminals
 * python3 examples/scripts/chat_client.py 127.0.0.1 7000 alice
 * </pre>
 *
 * <pre>{@code
 * Server server = ChatServer.start("127.0.0.1", 7000);
 * server.serveForever();
 * }</pre>
 *
 * <p>Hostile clients: a line longer than {@link #MAX_LINE} bytes (the stream reader's limit)
 * gets {@code ! line too long} and the connection is closed, without ever buffering more than
 * twice the limit; a client that stops reading while others talk is dropped once
 * {@link #MAX_BACKLOG} bytes wait for it, so one slow reader never slows the room. Broadcasting
 * does not wait ({@code drain}) for any one client for the same reason.
 */
public final class ChatServer {
    /** Longest line accepted, in bytes. */
    public static final int MAX_LINE = 4096;
    /** Most bytes queued for a client that does not read before it is dropped. */
    static final long MAX_BACKLOG = 1024 * 1024;

    /** The members by name, in joining order. Used only on the loop: no locks. */
    private final Map<String, StreamWriter> members = new LinkedHashMap<>();

    /**
     * Starts a chat room on {@code host:port} (0: a free port). Does not suspend except to
     * resolve the host; call it from a task.
     */
    public static Server start(String host, int port) throws IOException {
        ChatServer room = new ChatServer();
        return Streams.startServer(room::serve, host, port, io.jasyncio.net.ServerOptions.defaults(), MAX_LINE);
    }

    /** One member's session: asks the name, then relays lines until EOF, /quit or abuse. Suspending. */
    private void serve(StreamReader reader, StreamWriter writer) throws IOException {
        String name = null;
        try {
            writer.write("? name\n");
            name = askName(reader, writer);
            if (name == null) return;
            writer.write("* welcome " + name + ", " + members.size() + " here: " + String.join(", ", members.keySet()) + "\n");
            members.put(name, writer);
            broadcast(name, "* " + name + " joined\n");
            while (true) {
                String line = reader.readTextLine(StandardCharsets.UTF_8);
                if (line == null || line.equals("/quit")) break;
                if (line.equals("/who")) {
                    writer.write("* here: " + String.join(", ", members.keySet()) + "\n");
                } else if (!line.isBlank()) {
                    broadcast(name, name + ": " + line + "\n");
                }
            }
        } catch (LimitOverrunError e) {
            writer.write("! line too long (limit " + MAX_LINE + " bytes): closing\n");
        } catch (IOException e) {
            // Connection reset: the member simply left.
        } finally {
            if (name != null && members.get(name) == writer) {
                members.remove(name);
                broadcast(name, "* " + name + " left\n");
            }
            writer.close();
        }
    }

    /** Reads name lines until one is valid and free; null if the client left first. */
    private String askName(StreamReader reader, StreamWriter writer) throws IOException {
        while (true) {
            String name = reader.readTextLine(StandardCharsets.UTF_8);
            if (name == null) return null;
            name = name.strip();
            if (name.isEmpty() || name.length() > 32 || !name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
                writer.write("! a name is 1-32 letters, digits, '_' or '-'; try again\n");
            } else if (members.containsKey(name)) {
                writer.write("! " + name + " is taken; try again\n");
            } else {
                return name;
            }
        }
    }

    /**
     * Sends {@code text} to every member but {@code from}, dropping those too far behind (and
     * telling the others). Does not suspend.
     */
    private void broadcast(String from, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<String> dropped = new ArrayList<>();
        for (var it = members.entrySet().iterator(); it.hasNext(); ) {
            var m = it.next();
            if (m.getKey().equals(from)) continue;
            StreamWriter w = m.getValue();
            if (w.transport().getWriteBufferSize() > MAX_BACKLOG) {
                it.remove(); // its session then ends without announcing a "left"
                w.transport().abort();
                dropped.add(m.getKey());
                continue;
            }
            w.write(bytes);
        }
        for (String name : dropped) broadcast(name, "* " + name + " was dropped (not reading)\n");
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        Asyncio.run(() -> {
            Server server = start("127.0.0.1", port);
            System.out.println("chat server on 127.0.0.1:" + server.port() + " (try: nc 127.0.0.1 " + server.port() + ")");
            server.serveForever();
        });
    }
}
