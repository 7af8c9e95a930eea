package io.jasyncio.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The ceiling for the echo benchmark: a minimal single-threaded java.nio selector echo server with
 * no framework at all. One direct read buffer for everyone; a connection whose echo the socket
 * does not take at once keeps the rest in its own buffer and stops reading until it is flushed.
 *
 * <pre>
 * java -cp jasyncio-bench.jar io.jasyncio.bench.RawNioEcho 8889
 * </pre>
 */
public final class RawNioEcho {
    private RawNioEcho() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8889;
        Selector selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        System.out.println("raw NIO echo server on " + listener.getLocalAddress());
        while (true) {
            selector.select(key -> {
                try {
                    if (key.isAcceptable()) {
                        SocketChannel ch;
                        while ((ch = listener.accept()) != null) {
                            ch.configureBlocking(false);
                            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            ch.register(selector, SelectionKey.OP_READ);
                        }
                        return;
                    }
                    SocketChannel ch = (SocketChannel) key.channel();
                    if (key.isWritable()) {
                        ByteBuffer pending = (ByteBuffer) key.attachment();
                        ch.write(pending);
                        if (!pending.hasRemaining()) {
                            key.attach(null);
                            key.interestOps(SelectionKey.OP_READ);
                        }
                        return;
                    }
                    buf.clear();
                    int n = ch.read(buf);
                    if (n < 0) {
                        key.cancel();
                        ch.close();
                        return;
                    }
                    buf.flip();
                    ch.write(buf);
                    if (buf.hasRemaining()) {
                        ByteBuffer pending = ByteBuffer.allocate(buf.remaining());
                        pending.put(buf).flip();
                        key.attach(pending);
                        key.interestOps(SelectionKey.OP_WRITE);
                    }
                } catch (IOException e) {
                    key.cancel();
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // closing a broken connection
                    }
                }
            });
        }
    }
}
