/**
 * asyncio's synchronization primitives and queues for tasks of one event loop: {@link
 * io.jasyncio.sync.Lock}, {@link io.jasyncio.sync.Event}, {@link io.jasyncio.sync.Condition},
 * {@link io.jasyncio.sync.Semaphore}, {@link io.jasyncio.sync.BoundedSemaphore}, {@link
 * io.jasyncio.sync.Barrier} and the {@link io.jasyncio.sync.Queue} family. Waiting suspends the
 * calling task only, never the loop; each primitive is bound to the loop of its first use.
 *
 * <pre>{@code
 * Event ready = new Event();
 * Asyncio.createTask(() -> { ready.await(); System.out.println("go"); });
 * ready.set();
 * }</pre>
 *
 * <h2>asyncio's names and Java's monitor methods</h2>
 * {@code Object.wait()}, {@code notify()} and {@code notifyAll()} are final in Java, so where
 * asyncio's names collide with them the Java names differ. This table is the one place that maps
 * them (the README repeats it):
 * <table class="striped">
 *   <caption>asyncio name → jasyncio name</caption>
 *   <thead><tr><th>asyncio</th><th>jasyncio</th><th>suspends</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@code await event.wait()}</td><td>{@link io.jasyncio.sync.Event#await() event.await()}</td><td>yes</td></tr>
 *     <tr><td>{@code await cond.wait()}</td><td>{@link io.jasyncio.sync.Condition#await() cond.await()}</td><td>yes</td></tr>
 *     <tr><td>{@code await cond.wait_for(pred)}</td><td>{@link io.jasyncio.sync.Condition#waitFor cond.waitFor(pred)}</td><td>yes</td></tr>
 *     <tr><td>{@code cond.notify()} / {@code cond.notify(n)}</td><td>{@link io.jasyncio.sync.Condition#notifyOne() cond.notifyOne()} / {@link io.jasyncio.sync.Condition#notify(int) cond.notify(n)}</td><td>no</td></tr>
 *     <tr><td>{@code cond.notify_all()}</td><td>{@link io.jasyncio.sync.Condition#notifyAllWaiters() cond.notifyAllWaiters()}</td><td>no</td></tr>
 *     <tr><td>{@code await barrier.wait()}</td><td>{@link io.jasyncio.sync.Barrier#await() barrier.await()}</td><td>yes</td></tr>
 *   </tbody>
 * </table>
 *
 * <p><b>The inherited monitor methods are not these.</b> Java cannot hide or override them, so
 * {@code event.wait()}, {@code cond.notify()} and {@code cond.notifyAll()} still compile. Outside
 * a {@code synchronized} block on the object they throw {@link IllegalMonitorStateException} at
 * once (a test checks this), which is the loud failure we want; inside one, {@code wait()} would
 * park the task until a {@code notify()} that no jasyncio code ever sends. Never synchronize on
 * these objects, and call only the names in the table.
 */
package io.jasyncio.sync;
