package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** asyncio 3.12's eager tasks: Asyncio.eagerTaskFactory() and createTask(..., eagerStart). */
@org.junit.jupiter.api.Timeout(30)
class EagerTaskTest {

    private static void useEagerTasks() {
        Asyncio.getRunningLoop().setTaskFactory(Asyncio.eagerTaskFactory());
    }

    @Test
    void aChildThatNeverSuspendsIsDoneWhenCreateTaskReturns() {
        Asyncio.run(() -> {
            useEagerTasks();
            Task<Integer> t = Asyncio.createTask(() -> 42);
            assertTrue(t.done());
            assertEquals(42, t.result());
            assertFalse(Asyncio.allTasks().contains(t));
        });
    }

    /** Creates an eager task inside a class initializer, where the creator's thread is pinned. */
    static final class CreatedDuringClassInit {
        static final Task<Integer> CHILD = Asyncio.createTask(() -> 7, "created-in-clinit");
        static final boolean DONE_AT_CREATION = CHILD.done();
    }

    /**
     * Initializes a fresh copy of {@code c} and returns it: a class initializer runs once per
     * class loader, and a JVM that ran the test before (PIT runs many mutants in one JVM) would
     * otherwise see the first run's values and test nothing.
     */
    private static Class<?> initializedAfresh(Class<?> c) throws Exception {
        byte[] bytes;
        try (var in = c.getClassLoader().getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        }
        ClassLoader loader = new ClassLoader(c.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(c.getName())) return super.loadClass(name, resolve);
                synchronized (getClassLoadingLock(name)) {
                    Class<?> k = findLoadedClass(name);
                    return k != null ? k : defineClass(name, bytes, 0, bytes.length);
                }
            }
        };
        return Class.forName(c.getName(), true, loader);
    }

    private static Object staticField(Class<?> c, String name) throws Exception {
        var f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }

    @Test
    void anEagerChildOfAPinnedCreatorFallsBackToANormalStart() {
        Asyncio.run(() -> {
            useEagerTasks();
            // A class initializer pins the creating task's virtual thread, so it cannot yield to
            // the child's first step: the child must still run, started the ordinary way.
            Class<?>[] init = new Class<?>[1];
            boolean[] childDoneBeforeEarlierCallback = new boolean[1];
            Asyncio.getRunningLoop().callSoon(() -> {
                try {
                    childDoneBeforeEarlierCallback[0] = ((Task<?>) staticField(init[0], "CHILD")).done();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            init[0] = initializedAfresh(CreatedDuringClassInit.class);
            assertEquals(false, staticField(init[0], "DONE_AT_CREATION"), "no eager first step from a pinned creator");
            assertEquals(7, ((Task<?>) staticField(init[0], "CHILD")).await());
            // Started at once, the ordinary way: queued behind the callback scheduled before it,
            // not left for the creator's next suspension to start ahead of everything.
            assertFalse(childDoneBeforeEarlierCallback[0], "the child ran before a callback scheduled earlier");
        });
    }

    @Test
    void lazyTasksByDefaultDoNotRunBeforeTheCreatorSuspends() {
        Asyncio.run(() -> {
            assertNull(Asyncio.getRunningLoop().getTaskFactory());
            Task<Integer> t = Asyncio.createTask(() -> 42);
            assertFalse(t.done());
            assertEquals(42, t.await());
        });
    }

    @Test
    void theFirstStepRunsBeforeTheCreatorContinuesAndBeforeReadyCallbacks() {
        assertEquals(List.of("child step 1", "parent after createTask", "callback", "child step 2", "parent resumed"),
                firstStepOrder(true));
    }

    @Test
    void withoutTheFactoryTheSameProgramRunsTheChildLater() {
        assertEquals(List.of("parent after createTask", "callback", "child step 1", "parent resumed", "child step 2"),
                firstStepOrder(false));
    }

    private static List<String> firstStepOrder(boolean eager) {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            if (eager) useEagerTasks();
            Asyncio.getRunningLoop().callSoon(() -> events.add("callback"));
            Task<Void> child = Asyncio.createTask(() -> {
                events.add("child step 1");
                Asyncio.sleep(0);
                events.add("child step 2");
            });
            events.add("parent after createTask");
            Asyncio.sleep(0);
            events.add("parent resumed");
            child.await();
        });
        return events;
    }

    @Test
    void aCreatedTaskSeesItselfAsCurrentAndRunsInACopyOfTheContext() {
        ContextVar<String> var = new ContextVar<>("var");
        Asyncio.run(() -> {
            useEagerTasks();
            var.set("parent");
            Task<?>[] seen = new Task<?>[1];
            Task<String> t = Asyncio.createTask(() -> {
                seen[0] = Asyncio.currentTask();
                String inherited = var.get();
                var.set("child");
                return inherited;
            });
            assertSame(t, seen[0]);
            assertEquals("parent", t.result());
            assertEquals("parent", var.get());
        });
    }

    @Test
    void eagerTasksNestDepthFirst() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            useEagerTasks();
            Task<Void> a = Asyncio.createTask(() -> {
                events.add("A starts");
                Task<Void> b = Asyncio.createTask(() -> {
                    events.add("B starts");
                    Asyncio.sleep(0);
                    events.add("B resumes");
                });
                events.add("A after creating B");
                b.await();
                events.add("A ends");
            });
            events.add("main after creating A");
            a.await();
        });
        assertEquals(List.of("A starts", "B starts", "A after creating B", "main after creating A", "B resumes", "A ends"),
                events);
    }

    @Test
    void aTaskCreatedEagerlyInACallbackRunsInsideTheCallback() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            useEagerTasks();
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Task<Integer>> made = loop.createFuture();
            loop.callSoon(() -> {
                Task<Integer> t = loop.createTask(() -> {
                    events.add("child in callback");
                    Task<Integer> grandchild = Asyncio.createTask(() -> {
                        events.add("grandchild");
                        return 1;
                    });
                    events.add("child after grandchild done=" + grandchild.done());
                    return 2;
                });
                events.add("callback sees done=" + t.done());
                made.setResult(t);
            });
            assertEquals(2, made.await().await());
        });
        assertEquals(List.of("child in callback", "grandchild", "child after grandchild done=true", "callback sees done=true"),
                events);
    }

    @Test
    void aChildThatSuspendsCompletesThroughTheLoop() {
        Asyncio.run(() -> {
            useEagerTasks();
            Task<Integer> t = Asyncio.createTask(() -> {
                Asyncio.sleep(Duration.ofMillis(10));
                return 7;
            });
            assertFalse(t.done());
            assertTrue(Asyncio.allTasks().contains(t));
            assertEquals(7, t.await());
        });
    }

    @Test
    void aFailureInTheFirstStepStaysInTheTask() {
        Asyncio.run(() -> {
            useEagerTasks();
            Task<Integer> t = Asyncio.createTask(() -> {
                throw new IllegalStateException("boom");
            });
            assertTrue(t.done());
            assertEquals("boom", assertThrows(IllegalStateException.class, t::result).getMessage());
        });
    }

    @Test
    void aCancellationOfTheCreatorDuringTheFirstStepArrivesAtItsNextSuspension() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            useEagerTasks();
            Task<Void> parent = Asyncio.createTask(() -> {
                Task<?> me = Asyncio.currentTask();
                Asyncio.createTask(() -> {
                    me.cancel("from child");
                });
                events.add("parent continues, cancelling=" + me.cancelling());
                try {
                    Asyncio.sleep(Duration.ofSeconds(10));
                } catch (CancelledError e) {
                    events.add("cancelled: " + e.getMessage());
                    throw e;
                }
            });
            assertThrows(CancelledError.class, parent::await);
        });
        assertEquals(List.of("parent continues, cancelling=1", "cancelled: from child"), events);
    }

    @Test
    void eagerStartIsIgnoredWhileTheLoopIsNotRunning() {
        try (EventLoop loop = new EventLoop()) {
            loop.setTaskFactory(Asyncio.eagerTaskFactory());
            List<String> events = new ArrayList<>();
            Task<Integer> t = loop.createTask(() -> {
                events.add("ran");
                return 1;
            });
            assertFalse(t.done());
            assertEquals(List.of(), events);
            assertEquals(1, loop.runUntilComplete(t));
        }
    }

    @Test
    void theEagerStartArgumentBypassesTheFactory() {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Task<Integer> eager = loop.createTask(() -> 1, "e", null, true);
            Task<Integer> lazy = loop.createTask(() -> 2, "l", null, false);
            assertTrue(eager.done());
            assertFalse(lazy.done());
            assertEquals("e", eager.getName());
            assertEquals(2, lazy.await());
        });
    }

    @Test
    void aCustomFactoryIsUsedByCreateTaskAndGather() {
        List<String> names = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setTaskFactory(new TaskFactory() {
                @Override
                public <T> Task<T> createTask(EventLoop loop, Coroutine<T> coro, String name, Context context) {
                    Task<T> t = loop.createTask(coro, name == null ? "made-" + names.size() : name, context, false);
                    names.add(t.getName());
                    return t;
                }
            });
            Asyncio.createTask(() -> 1, "given").await();
            Asyncio.gather(() -> 2, () -> 3).await();
        });
        assertEquals(List.of("given", "made-1", "made-2"), names);
    }

    @Test
    void gatherOfChildrenThatFinishEagerlyIsDoneAtOnce() {
        Asyncio.run(() -> {
            useEagerTasks();
            Future<List<Integer>> g = Asyncio.gather(() -> 1, () -> 2);
            assertTrue(g.done());
            assertEquals(List.of(1, 2), g.result());
        });
    }

    @Test
    void manyEagerTasksInALoop() {
        Asyncio.run(() -> {
            useEagerTasks();
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                tasks.add(Asyncio.createTask(() -> {
                    if (n % 2 == 0) Asyncio.sleep(0);
                    return n;
                }));
            }
            long sum = 0;
            for (Task<Integer> t : tasks) sum += t.await();
            assertEquals(1999L * 2000 / 2, sum);
        });
    }
}
