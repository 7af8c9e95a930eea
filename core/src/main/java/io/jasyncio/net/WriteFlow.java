package io.jasyncio.net;

import io.jasyncio.EventLoop;

/**
 * Write flow control for a transport, asyncio's {@code _FlowControlMixin}: the protocol is told to
 * {@link BaseProtocol#pauseWriting() pause} when the transport's write buffer grows above the
 * high-water mark and to {@link BaseProtocol#resumeWriting() resume} once it drains to the
 * low-water mark. The transport keeps its own buffer size and reports it after each change.
 * Loop thread only.
 */
final class WriteFlow {
    /** asyncio's default high-water mark; the low one defaults to a quarter of it. */
    static final int DEFAULT_HIGH_WATER = 64 * 1024;
    /** The limits of a transport that has no WriteFlow yet. */
    static final WriteBufferLimits DEFAULT_LIMITS = new WriteBufferLimits(DEFAULT_HIGH_WATER, DEFAULT_HIGH_WATER / 4);

    private final EventLoop loop;
    private final Object transport;
    private int highWater = DEFAULT_HIGH_WATER;
    private int lowWater = DEFAULT_HIGH_WATER / 4;
    private boolean paused;

    WriteFlow(EventLoop loop, Object transport) {
        this.loop = loop;
        this.transport = transport;
    }

    /** {@link Transport#setWriteBufferLimits}; applies the new marks to {@code size} at once. */
    void setLimits(int high, int low, long size, BaseProtocol protocol) {
        if (!(high >= low && low >= 0)) {
            throw new IllegalArgumentException("high (" + high + ") must be >= low (" + low + ") must be >= 0");
        }
        highWater = high;
        lowWater = low;
        grew(size, protocol);
    }

    WriteBufferLimits limits() {
        return new WriteBufferLimits(highWater, lowWater);
    }

    /** Whether the protocol was last told to pause writing. */
    boolean isPaused() {
        return paused;
    }

    /** The buffer grew to {@code size}: pause the protocol if it passed the high-water mark. */
    void grew(long size, BaseProtocol protocol) {
        if (size <= highWater || paused) return;
        paused = true;
        try {
            protocol.pauseWriting();
        } catch (Throwable t) {
            SelectorTransport.rethrowIfFatal(t);
            loop.callExceptionHandler(SelectorTransport.errorContext("protocol.pauseWriting() failed", t,
                    transport instanceof BaseTransport bt ? bt : null, protocol));
        }
    }

    /** The buffer shrank to {@code size}: resume the protocol if it reached the low-water mark. */
    void shrank(long size, BaseProtocol protocol) {
        if (!paused || size > lowWater) return;
        paused = false;
        try {
            protocol.resumeWriting();
        } catch (Throwable t) {
            SelectorTransport.rethrowIfFatal(t);
            loop.callExceptionHandler(SelectorTransport.errorContext("protocol.resumeWriting() failed", t,
                    transport instanceof BaseTransport bt ? bt : null, protocol));
        }
    }
}
