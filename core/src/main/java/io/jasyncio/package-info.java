/**
 * The core of jasyncio, Python's asyncio for Java: {@link io.jasyncio.Asyncio} (the module-level
 * functions: {@code run}, {@code sleep}, {@code createTask}, {@code gather}, {@code waitFor},
 * {@code timeout}, …), {@link io.jasyncio.EventLoop}, {@link io.jasyncio.Future},
 * {@link io.jasyncio.Task}, {@link io.jasyncio.TaskGroup} and {@link io.jasyncio.CancelledError}.
 *
 * <pre>{@code
 * String page = Asyncio.run(() -> {
 *     Task<String> t = Asyncio.createTask(() -> fetch("a"));
 *     return t.await();
 * });
 * }</pre>
 *
 * <h2>Exceptions: one rule</h2>
 * (Decision and reasons: {@code docs/adr/0001-checked-exceptions.md}.)
 * <ol>
 *   <li><b>I/O operations</b> declare the checked exception of their domain and throw it
 *       <em>unwrapped</em>, exactly the type {@code java.nio} would throw ({@code IOException},
 *       {@code BindException}, {@code ConnectException}, {@code UnknownHostException}, …), even
 *       when part of the work ran on another thread or task. Catch {@code BindException} around
 *       {@code Streams.startServer} like any Java socket code.</li>
 *   <li><b>A body run inline in the calling task</b> — {@link io.jasyncio.Asyncio#timeout(java.time.Duration,
 *       io.jasyncio.Coroutine) timeout(d, body)}, {@link io.jasyncio.Timeout#call Timeout.call},
 *       {@link io.jasyncio.Asyncio#waitFor(io.jasyncio.Coroutine, java.time.Duration)
 *       waitFor(coroutine, d)}, {@link io.jasyncio.Context#call Context.call} — propagates the
 *       body's exception as it is; such methods declare {@code throws Exception}. (A
 *       {@link io.jasyncio.TaskGroup} body is inline too; as in asyncio its failures, the body's
 *       and the children's, are collected as they are into an unchecked
 *       {@link io.jasyncio.ExceptionGroup}.)</li>
 *   <li><b>The outcome of another task, future or thread</b> — {@link io.jasyncio.Future#await()},
 *       {@link io.jasyncio.Future#result()}, {@link io.jasyncio.Asyncio#run(io.jasyncio.Coroutine)
 *       Asyncio.run}, {@code gather(...).await()},
 *       {@link io.jasyncio.Asyncio#waitFor(io.jasyncio.Future, java.time.Duration)
 *       waitFor(future, d)}, {@link io.jasyncio.Asyncio#toThread toThread} — rethrows an unchecked
 *       exception as it is and wraps a checked one in
 *       {@link java.util.concurrent.CompletionException} with the original as the cause.</li>
 * </ol>
 * {@link io.jasyncio.CancelledError} is an {@code Error}, so {@code catch (Exception e)} never
 * swallows a cancellation; it is never wrapped.
 *
 * <h2>Threads and suspension</h2>
 * Objects bound to a loop are used on that loop's thread and in its tasks; from other threads go
 * through {@link io.jasyncio.EventLoop#callSoonThreadsafe} or
 * {@link io.jasyncio.Asyncio#runCoroutineThreadsafe}. Methods documented as <em>suspending</em>
 * may only be called inside a task, and can be cancelled there.
 */
package io.jasyncio;
