/**
 * Streams: asyncio's high-level connections, read and written with sequential code in tasks.
 *
 * <pre>{@code
 * Asyncio.run(() -> {
 *     StreamPair conn = Streams.openConnection("example.org", 80);
 *     conn.writer().write("HEAD / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
 *     for (byte[] line : conn.reader()) System.out.print(new String(line, StandardCharsets.ISO_8859_1));
 *     conn.writer().close();
 * });
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.jasyncio.stream.Streams}: open connections and start servers (TCP, Unix, TLS).</li>
 *   <li>{@link io.jasyncio.stream.StreamReader}: {@code read}, {@code readLine},
 *       {@code readExactly}, {@code readUntil}, line iteration, an {@code InputStream} view.</li>
 *   <li>{@link io.jasyncio.stream.StreamWriter}: {@code write}, {@code drain} (flow control),
 *       {@code close}/{@code waitClosed}, {@code startTls}, an {@code OutputStream} view.</li>
 *   <li>{@link io.jasyncio.stream.IncompleteReadError}, {@link io.jasyncio.stream.LimitOverrunError}:
 *       the stream ended early; a separator was not found within the limit.</li>
 * </ul>
 *
 * <p>Built on {@link io.jasyncio.net} only: a reader is fed by a protocol on the transport, and a
 * writer is the transport plus a wait for its flow control. Methods that suspend the calling task
 * say so; none is thread-safe.
 */
package io.jasyncio.stream;
