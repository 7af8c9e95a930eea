package io.jasyncio.internal;

import io.jasyncio.Future;

/**
 * An internal listener told synchronously, on the loop thread, when a future it was added to is
 * done (gather's shared one, a Streams server connection's protocol). It costs no callback object
 * per registration; it must itself go through the ready queue before acting, as a done callback
 * would, to keep asyncio's order.
 */
public interface DoneSink {
    void futureDone(Future<?> f);
}
