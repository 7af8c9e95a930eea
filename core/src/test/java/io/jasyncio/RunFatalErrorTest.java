package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What {@link Asyncio#run} throws when a {@link VirtualMachineError} leaves the loop, and again while it shuts down. */
@Timeout(30)
class RunFatalErrorTest {

    @Test
    void theSameVirtualMachineErrorLeavingTheLoopAgainDuringShutdownIsThrownAsItIs() {
        StackOverflowError fatal = new StackOverflowError("overflowed twice");
        StackOverflowError thrown = assertThrows(StackOverflowError.class, () -> Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.callSoon(() -> {
                throw fatal;
            });
            loop.callSoon(() -> {
                throw fatal;
            });
            Asyncio.sleep(60);
        }));
        assertSame(fatal, thrown);
        assertEquals(0, thrown.getSuppressed().length, "an error is not its own suppressed exception");
    }

    @Test
    void aSecondVirtualMachineErrorLeavingTheLoopDuringShutdownIsAddedToTheFirst() {
        StackOverflowError first = new StackOverflowError("first overflow");
        OutOfMemoryError second = new OutOfMemoryError("then out of memory");
        StackOverflowError thrown = assertThrows(StackOverflowError.class, () -> Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            loop.callSoon(() -> {
                throw first;
            });
            loop.callSoon(() -> {
                throw second;
            });
            Asyncio.sleep(60);
        }));
        assertSame(first, thrown);
        assertArrayEquals(new Throwable[] {second}, thrown.getSuppressed());
    }
}
