package io.jasyncio.net;

/**
 * A transport's write flow-control water marks, as {@code getWriteBufferLimits()} returns them.
 * The protocol is told to pause writing when the write buffer grows above {@code high} and to
 * resume once it drains to {@code low}.
 *
 * <p>The components are in the order of {@link Transport#setWriteBufferLimits(int, int)}
 * ({@code high, low}, asyncio's {@code set_write_buffer_limits(high, low)}), so one order holds
 * everywhere. (asyncio's {@code get_write_buffer_limits()} returns the tuple the other way round,
 * {@code (low, high)}; a record has named accessors, so read {@code high()} and {@code low()}.)
 *
 * <pre>{@code
 * transport.setWriteBufferLimits(256 * 1024, 64 * 1024);
 * WriteBufferLimits limits = transport.getWriteBufferLimits(); // high 262144, low 65536
 * assert limits.equals(new WriteBufferLimits(256 * 1024, 64 * 1024));
 * }</pre>
 *
 * <p>A value: its methods never suspend and may be called from any thread.
 *
 * @param high the high-water mark, in bytes
 * @param low  the low-water mark, in bytes
 */
public record WriteBufferLimits(int high, int low) {
    /**
     * Checks {@code high >= low >= 0}, as the setter does: limits given in the wrong order fail
     * here instead of passing silently.
     *
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    public WriteBufferLimits {
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
    }
}
