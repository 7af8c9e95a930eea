package io.jasyncio.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DrainFlow makes its close future and its drain-waiter queue only when first needed (an idle
 * connection holds neither); these pin that the late-made ones behave as the eager ones did.
 */
@Timeout(30)
class DrainFlowTest {

    @Test
    void closeWaiterAskedForAfterACleanLossIsAlreadyDone() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            flow.connectionLost(null);
            Future<Void> closed = flow.closeWaiter();
            assertTrue(closed.done());
            assertNull(closed.result());
            assertSame(closed, flow.closeWaiter(), "one future for every caller");
        });
    }

    @Test
    void closeWaiterAskedForAfterAFailedLossCarriesTheFirstError() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            IOException first = new IOException("reset");
            flow.connectionLost(first);
            flow.connectionLost(new IOException("second report, ignored"));
            Future<Void> closed = flow.closeWaiter();
            assertTrue(closed.done());
            assertSame(first, closed.exception());
        });
    }

    @Test
    void closeWaiterMadeBeforeTheLossCompletesWithIt() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            Future<Void> closed = flow.closeWaiter();
            assertFalse(closed.done());
            IOException lost = new IOException("broken pipe");
            flow.connectionLost(lost);
            assertSame(lost, closed.exception());
        });
    }

    @Test
    void aCancelledCloseWaiterStaysCancelledWhenTheConnectionIsLost() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            Future<Void> closed = flow.closeWaiter();
            closed.cancel(); // as when the task in waitClosed() is cancelled
            flow.connectionLost(new IOException("reset"));
            assertTrue(closed.cancelled());
        });
    }

    @Test
    void pausingAndResumingWithACloseWaiterButNoDrainerWakesNobody() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            Future<Void> closed = flow.closeWaiter(); // the flow's rarely needed state exists, no drain queue
            flow.pauseWriting();
            flow.resumeWriting();
            flow.pauseWriting();
            flow.connectionLost(null); // while paused: wakes drainers, of which there are none
            assertTrue(closed.done());
        });
    }

    @Test
    void eachWriterOnAFlowWritesThroughItsOwnOutputStreamView() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            FakeTransport t1 = new FakeTransport();
            FakeTransport t2 = new FakeTransport();
            StreamWriter w1 = new StreamWriter(t1, flow, null);
            StreamWriter w2 = new StreamWriter(t2, flow, null);
            assertSame(w1.asOutputStream(), w1.asOutputStream());
            w2.asOutputStream().write('b');
            w1.asOutputStream().write('a');
            assertSame(w1.asOutputStream(), w1.asOutputStream(), "still the same view after another writer asked");
            assertEquals("a", t1.sentText());
            assertEquals("b", t2.sentText());
        });
    }

    @Test
    void drainWaitsWhilePausedAndEndsOnResumeOrLoss() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            flow.drainHelper(); // not paused: returns at once, makes no queue
            flow.pauseWriting();
            Task<Void> a = Asyncio.createTask(() -> {
                flow.drainHelper();
                return null;
            });
            Task<Void> b = Asyncio.createTask(() -> {
                flow.drainHelper();
                return null;
            });
            Asyncio.sleep(Duration.ZERO);
            assertFalse(a.done() || b.done(), "drain() returned while writing was paused");
            flow.resumeWriting();
            a.await();
            b.await();

            flow.pauseWriting();
            Task<Void> c = Asyncio.createTask(() -> {
                flow.drainHelper();
                return null;
            });
            Asyncio.sleep(Duration.ZERO);
            IOException lost = new IOException("connection reset");
            flow.connectionLost(lost);
            // The task failed with the loss itself (checked, so await() wraps it).
            CompletionException e = assertThrows(CompletionException.class, c::await);
            assertSame(lost, e.getCause());
            assertThrows(SocketException.class, flow::drainHelper, "drain() after the loss");
        });
    }
    /**
     * Cancelling a task in waitClosed() cancels the close future it awaits (as asyncio, whose
     * wait_closed awaits the protocol's own future); the loss that comes later must find it done
     * and leave it, not fail the transport's callback.
     */
    @Test
    void aLossAfterTheCloseWaiterWasCancelledLeavesItCancelled() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            Task<Void> waiting = Asyncio.createTask(() -> flow.closeWaiter().await());
            Asyncio.sleep(Duration.ZERO);
            waiting.cancel();
            assertThrows(io.jasyncio.CancelledError.class, waiting::await);
            flow.connectionLost(new IOException("reset"));
            assertTrue(flow.closeWaiter().cancelled());
        });
    }

    /**
     * A task cancelled in drain() whose future the transport's resumeWriting() reaches before the
     * task has left the queue: the done future is skipped, not completed a second time.
     */
    @Test
    void resumeWritingSkipsADrainerCancelledInTheSameCallback() {
        Asyncio.run(() -> {
            DrainFlow flow = new DrainFlow(Asyncio.getRunningLoop());
            flow.pauseWriting();
            Task<Void> draining = Asyncio.createTask(flow::drainHelper);
            Asyncio.sleep(Duration.ZERO);
            draining.cancel();
            flow.resumeWriting();
            assertThrows(io.jasyncio.CancelledError.class, draining::await);
        });
    }
}
