package io.jasyncio.net;

import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import java.io.IOException;
import java.nio.channels.SelectableChannel;

/** What the read and the write pipe transports share: the end of a pipe. Loop thread only. */
final class PipeEnds {
    private PipeEnds() {
    }

    /**
     * asyncio's {@code _call_connection_lost} for a pipe: tells the protocol, routing what it
     * throws to the loop's exception handler, then runs {@code release} whatever it did.
     */
    static void callConnectionLost(EventLoop loop, BaseTransport pipe, Runnable tellProtocol, Runnable release) {
        try {
            tellProtocol.run();
        } catch (Throwable t) {
            SelectorTransport.rethrowIfFatal(t);
            loop.callExceptionHandler(ErrorContext.of("protocol.connectionLost() failed (" + pipe + ")", t));
        } finally {
            release.run();
        }
    }

    /**
     * What the loop's close runs for a thread-served pipe that was never closed ({@code release}
     * ends its thread); prints as the pipe, for the "left open" warning.
     */
    static Runnable releaser(BaseTransport pipe, Runnable release) {
        return new Runnable() {
            @Override
            public void run() {
                release.run();
            }

            @Override
            public String toString() {
                return pipe.toString();
            }
        };
    }

    /**
     * Releases a selector-served pipe end by closing its channel, which cancels its key (a failure
     * to close is only logged: the pipe is done either way). A readiness handle of that key already
     * queued in this loop iteration still runs, and returns on the key's {@code isValid()} check.
     */
    static void releaseSelectable(SelectableChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            ReadPipe.LOG.log(System.Logger.Level.DEBUG, "closing a pipe failed", e);
        }
    }
}
