package io.jasyncio.net;

/**
 * What every protocol hears from its transport, whatever the kind: the end of the connection and
 * write flow control. asyncio's {@code BaseProtocol}; use {@link Protocol} for streams and
 * {@link DatagramProtocol} for datagrams.
 *
 * <pre>{@code
 * class Sink implements Protocol {
 *     public void pauseWriting()  { producer.pause(); }   // buffer above the high-water mark
 *     public void resumeWriting() { producer.resume(); }  // drained to the low-water mark
 *     public void connectionLost(Throwable exc) { done.setResult(null); }
 * }
 * }</pre>
 *
 * <p>All methods run on the loop thread, never concurrently. One that throws is reported to the
 * loop's exception handler and the connection is closed. They run as callbacks, not in a task,
 * so they must not suspend (a call that would suspend fails there with an
 * {@link IllegalStateException});
 * hand work that waits to a task ({@code loop.createTask}).
 */
public interface BaseProtocol {
    /**
     * The connection is closed: {@code exc} is null after a normal close, EOF or
     * {@link Transport#abort()}, else what broke it (an {@link java.io.IOException} such as a reset).
     * Called once; the transport closes its socket as soon as this returns, as asyncio does.
     */
    default void connectionLost(Throwable exc) {
    }

    /** The transport's write buffer rose above the high-water mark: stop writing for now. */
    default void pauseWriting() {
    }

    /** The write buffer drained to the low-water mark after {@link #pauseWriting()}. */
    default void resumeWriting() {
    }
}
