package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * The callbacks of a read pipe ({@link Pipes#connectReadPipe}): asyncio's {@code Protocol} as a
 * read pipe transport drives it. Order: {@code connectionMade}, {@code dataReceived}*,
 * {@code eofReceived}?, {@code connectionLost}; all on the loop thread.
 *
 * <pre>{@code
 * class Lines implements ReadPipeProtocol {
 *     public void dataReceived(ByteBuffer data) { sink.feed(data); }
 *     public void eofReceived() { sink.end(); }
 * }
 * PipeConnection<ReadTransport, Lines> c = Pipes.connectReadPipe(Lines::new, pipe.source());
 * }</pre>
 *
 * <p>A callback that throws goes to the loop's exception handler and the pipe is closed.
 */
public interface ReadPipeProtocol extends BaseProtocol {
    /** The pipe is connected; keep {@code transport} to pause, resume or close reading. */
    default void connectionMade(ReadTransport transport) {
    }

    /**
     * Bytes arrived, between {@code data}'s position and limit. {@code data} is a read-only view
     * of a buffer the transport reuses: consume or copy the bytes before returning.
     */
    default void dataReceived(ByteBuffer data) {
    }

    /** The writer closed its end; {@code connectionLost(null)} follows (a pipe cannot stay half open). */
    default void eofReceived() {
    }
}
