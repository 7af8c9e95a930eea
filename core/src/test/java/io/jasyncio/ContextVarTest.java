package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ContextVarTest {
    private static final ContextVar<String> USER = new ContextVar<>("user", "nobody");
    private static final ContextVar<Integer> DEPTH = new ContextVar<>("depth");

    @Test
    void getReturnsTheDefaultOrFailsWithoutOne() {
        Asyncio.run(() -> {
            assertEquals("nobody", USER.get());
            NoSuchElementException e = assertThrows(NoSuchElementException.class, DEPTH::get);
            assertTrue(e.getMessage().contains("depth"));
            assertEquals(7, DEPTH.get(7));
            DEPTH.set(null);
            assertNull(DEPTH.get());
        });
    }

    @Test
    void aChildTaskSeesItsParentsValuesButItsSetNeverLeaksBack() {
        List<String> seen = new ArrayList<>();
        Asyncio.run(() -> {
            USER.set("ada");
            Asyncio.createTask(() -> {
                seen.add("child sees " + USER.get());
                USER.set("grace");
                seen.add("child set " + USER.get());
                Asyncio.createTask(() -> {
                    seen.add("grandchild sees " + USER.get());
                }).await();
            }).await();
            seen.add("parent keeps " + USER.get());
            USER.set("linus");
        });
        assertEquals(List.of("child sees ada", "child set grace", "grandchild sees grace", "parent keeps ada"), seen);
    }

    @Test
    void aTaskCopiesTheContextWhenCreatedNotWhenItRuns() {
        String seen = Asyncio.run(() -> {
            USER.set("before");
            Task<String> t = Asyncio.createTask(() -> USER.get());
            USER.set("after");
            return t.await();
        });
        assertEquals("before", seen);
    }

    @Test
    void callbacksRunInTheContextTheyWereScheduledIn() {
        List<String> seen = new ArrayList<>();
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            USER.set("scheduled");
            loop.callSoon(() -> {
                seen.add(USER.get());
                USER.set("changed in callback");
            });
            loop.callLater(Duration.ofMillis(1), () -> seen.add(USER.get()));
            USER.set("changed later");
            Asyncio.sleep(0.01);
            seen.add(USER.get());
        });
        assertEquals(List.of("scheduled", "scheduled", "changed later"), seen);
    }

    @Test
    void contextRunIsolatesChangesAndCannotBeEnteredTwice() {
        Asyncio.run(() -> {
            USER.set("outer");
            Context ctx = Context.copyCurrent();
            ctx.run(() -> USER.set("inner"));
            assertEquals("outer", USER.get());
            assertEquals("inner", ctx.get(USER, null));
            ctx.run(() -> {
                assertEquals("inner", USER.get());
                assertThrows(IllegalStateException.class, () -> ctx.run(() -> {}));
            });
            assertEquals("inner", ctx.call(USER::get));
        });
    }

    @Test
    void aTaskCanBeStartedInAGivenContext() {
        String s = Asyncio.run(() -> {
            Context ctx = new Context();
            ctx.run(() -> USER.set("given"));
            return Asyncio.getRunningLoop().createTask(() -> USER.get(), "in-ctx", ctx).await();
        });
        assertEquals("given", s);
    }

    @Test
    void resetRestoresThePreviousValueAndChecksTheToken() {
        Asyncio.run(() -> {
            var first = USER.set("a");
            assertFalse(first.hasOldValue());
            assertThrows(NoSuchElementException.class, first::oldValue);
            var second = USER.set("b");
            assertEquals("a", second.oldValue());
            USER.reset(second);
            assertEquals("a", USER.get());
            assertThrows(IllegalStateException.class, () -> USER.reset(second));
            USER.reset(first);
            assertEquals("nobody", USER.get());
            ContextVar<String> other = new ContextVar<>("other");
            @SuppressWarnings({"unchecked", "rawtypes"})
            ContextVar.Token<String> foreign = (ContextVar.Token) other.set("x");
            assertThrows(IllegalArgumentException.class, () -> USER.reset(foreign));
            var inChild = Asyncio.createTask(() -> USER.set("child")).await();
            assertThrows(IllegalArgumentException.class, () -> USER.reset(inChild));
        });
    }

    @Test
    void toThreadRunsInACopyOfTheCurrentContext() {
        String s = Asyncio.run(() -> {
            USER.set("carried");
            String inThread = Asyncio.toThread(() -> {
                assertFalse(Thread.currentThread().isVirtual());
                String v = USER.get();
                USER.set("changed in thread");
                return v;
            });
            assertEquals("carried", USER.get());
            return inThread;
        });
        assertEquals("carried", s);
    }

    @Test
    void threadsWithoutALoopHaveTheirOwnContext() throws Exception {
        USER.set("main thread");
        try {
            String[] other = new String[1];
            Thread t = Thread.ofPlatform().start(() -> other[0] = USER.get());
            t.join();
            assertEquals("nobody", other[0]);
            assertEquals("main thread", USER.get());
        } finally {
            USER.set("nobody");
        }
    }

    /**
     * A callback handed over from another thread used to capture "the loop's current context"
     * read from that other thread, i.e. whatever task the loop ran at that moment: here the
     * spinning task's "task's value" leaked into a callback that a plain thread scheduled.
     */
    @Test
    void callSoonThreadsafeFromAnotherThreadCapturesThatThreadsContextNotTheRunningTasks() {
        String seen = Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            USER.set("task's value");
            Future<String> got = loop.createFuture();
            java.util.concurrent.atomic.AtomicBoolean scheduled = new java.util.concurrent.atomic.AtomicBoolean();
            Thread other = Thread.ofPlatform().start(() -> {
                USER.set("other thread's value");
                loop.callSoonThreadsafe(() -> got.setResult(USER.get()));
                scheduled.set(true);
            });
            // Keep this task's step on the loop thread while the other thread schedules.
            while (!scheduled.get()) Thread.onSpinWait();
            other.join();
            return got.await();
        });
        assertEquals("other thread's value", seen);
    }
}
