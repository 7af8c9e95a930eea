package io.jasyncio.net;

/**
 * A transport's write flow-control water marks, as {@code getWriteBufferLimits()} returns them:
 * asyncio's {@code (low, high)} pair of {@code get_write_buffer_limits()}. The protocol is told to
 * pause writing when the write buffer grows above {@code high} and to resume once it drains to
 * {@code low}.
 *
 * <pre>{@code
 * transport.setWriteBufferLimits(256 * 1024, 64 * 1024);
 * WriteBufferLimits limits = transport.getWriteBufferLimits(); // low 65536, high 262144
 * }</pre>
 *
 * @param low  the low-water mark, in bytes
 * @param high the high-water mark, in bytes
 */
public record WriteBufferLimits(int low, int high) {
}
