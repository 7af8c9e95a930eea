/**
 * One event loop per core: {@link io.jasyncio.loops.LoopGroup} runs {@code n} loops in their own
 * threads, with servers that share a port through {@code SO_REUSEPORT}, and shuts them all down
 * with one {@code close()}.
 *
 * <pre>{@code
 * try (LoopGroup group = LoopGroup.start(4)) {
 *     group.createServers(Echo::new, "0.0.0.0", 8888, ServerOptions.defaults());
 *     waitForShutdownSignal();
 * }
 * }</pre>
 *
 * <p>The loops share nothing; work crosses them only through
 * {@link io.jasyncio.EventLoop#callSoonThreadsafe} and
 * {@link io.jasyncio.Asyncio#runCoroutineThreadsafe}.
 */
package io.jasyncio.loops;
