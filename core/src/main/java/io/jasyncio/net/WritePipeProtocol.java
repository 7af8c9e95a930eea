package io.jasyncio.net;

/**
 * The callbacks of a write pipe ({@link Pipes#connectWritePipe}): asyncio's {@code BaseProtocol}
 * as a write pipe transport drives it: {@code connectionMade}, then flow control
 * ({@link #pauseWriting()}/{@link #resumeWriting()}) and {@code connectionLost}, all on the loop
 * thread. {@code connectionLost} carries the error when the reader went away ("Broken pipe").
 *
 * <pre>{@code
 * PipeConnection<WriteTransport, WritePipeProtocol> c =
 *         Pipes.connectWritePipe(() -> new WritePipeProtocol() { }, pipe.sink());
 * c.transport().write(bytes);
 * c.transport().close();
 * }</pre>
 */
public interface WritePipeProtocol extends BaseProtocol {
    /** The pipe is connected; keep {@code transport} to write. */
    default void connectionMade(WriteTransport transport) {
    }
}
