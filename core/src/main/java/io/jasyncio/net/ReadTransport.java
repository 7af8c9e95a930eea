package io.jasyncio.net;

/**
 * The reading half of a transport: asyncio's {@code ReadTransport}. A {@link Transport} (socket)
 * is one, and so is the transport of a read pipe ({@link Pipes#connectReadPipe}) or of a
 * subprocess's stdout or stderr. A {@link io.jasyncio.stream.StreamReader} pauses and resumes its
 * transport through this interface to keep its buffer bounded.
 *
 * <pre>{@code
 * transport.pauseReading();    // no more data callbacks until resumed
 * transport.resumeReading();
 * }</pre>
 *
 * <p>Loop thread only; no method suspends.
 */
public interface ReadTransport extends BaseTransport {
    /** Whether the transport reads: not paused, not closing. */
    boolean isReading();

    /** Stops delivering data until {@link #resumeReading()}. Idempotent. */
    void pauseReading();

    /** Resumes delivering data after {@link #pauseReading()}. Idempotent. */
    void resumeReading();
}
