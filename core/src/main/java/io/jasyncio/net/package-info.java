/**
 * Network I/O on the event loop's selector: asyncio's transports and protocols.
 *
 * <pre>{@code
 * class Echo implements Protocol {
 *     private Transport transport;
 *     public void connectionMade(Transport t) { transport = t; }
 *     public void dataReceived(ByteBuffer data) { transport.write(data); }
 * }
 * Asyncio.run(() -> Net.createServer(Echo::new, "127.0.0.1", 8888).serveForever());
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.jasyncio.net.Net}: TCP and Unix servers and connections, UDP endpoints, TLS
 *       upgrade, name resolution (off the loop); {@link io.jasyncio.net.ServerOptions} and
 *       {@link io.jasyncio.net.ConnectOptions} (TLS, local address, Happy Eyeballs) say how.</li>
 *   <li>{@link io.jasyncio.net.Protocol}, {@link io.jasyncio.net.BufferedProtocol},
 *       {@link io.jasyncio.net.DatagramProtocol}: the callbacks an application implements.</li>
 *   <li>{@link io.jasyncio.net.Transport}, {@link io.jasyncio.net.DatagramTransport}: what it
 *       writes to, with asyncio's write flow control.</li>
 *   <li>{@link io.jasyncio.net.Server}: a listening server's life cycle.</li>
 *   <li>{@link io.jasyncio.net.Sockets}: low-level suspending socket operations.</li>
 * </ul>
 *
 * <h2>How readiness reaches a transport</h2>
 * Every channel registered with a loop's selector carries one reusable {@link io.jasyncio.Handle};
 * when the selector reports the channel ready, the loop appends that handle to its ready queue
 * behind the callbacks already ready (asyncio's {@code _process_events}), so I/O callbacks run on
 * the loop thread in the normal iteration, with no allocation per event. Stream reads go into one
 * 256 KiB buffer per loop, lent to {@code dataReceived} as a read-only view until it returns.
 *
 * <h2>Threads</h2>
 * Transports, servers and protocols belong to their loop's thread; from other threads use
 * {@link io.jasyncio.EventLoop#callSoonThreadsafe}. Methods that suspend the calling task say so.
 */
package io.jasyncio.net;
