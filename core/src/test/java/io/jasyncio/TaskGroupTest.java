package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TaskGroup: asyncio 3.12/3.13's TaskGroup (lambda form) and the try-with-resources form. */
@org.junit.jupiter.api.Timeout(30)
class TaskGroupTest {

    static final Duration LONG = Duration.ofSeconds(10);

    static final class MyExc extends RuntimeException {
        MyExc(String m) {
            super(m);
        }
    }

    /** An Error that is not a VirtualMachineError: asyncio's MyBaseExc. */
    static final class MyBaseExc extends Error {}

    static <T> Coroutine<T> after(int millis, T value) {
        return () -> {
            Asyncio.sleep(Duration.ofMillis(millis));
            return value;
        };
    }

    static Coroutine<Void> failAfter(int millis, RuntimeException e) {
        return () -> {
            Asyncio.sleep(Duration.ofMillis(millis));
            throw e;
        };
    }

    static List<Class<?>> types(ExceptionGroup eg) {
        List<Class<?>> out = new ArrayList<>();
        for (Throwable e : eg.exceptions()) out.add(e.getClass());
        return out;
    }

    @Test
    void theGroupWaitsForItsChildren() {
        Asyncio.run(() -> {
            List<Task<Integer>> ts = TaskGroup.call(tg -> {
                Task<Integer> t1 = tg.createTask(after(10, 42));
                Asyncio.sleep(Duration.ofMillis(5));
                Task<Integer> t2 = tg.createTask(after(20, 11));
                return List.of(t1, t2);
            });
            assertEquals(42, ts.get(0).result());
            assertEquals(11, ts.get(1).result());
        });
    }

    @Test
    void aCancelledChildIsNotAFailure() {
        Asyncio.run(() -> {
            Task<?>[] t = new Task<?>[2];
            TaskGroup.run(tg -> {
                t[0] = tg.createTask(after(1000, 42));
                Asyncio.sleep(Duration.ofMillis(5));
                t[0].cancel();
                t[1] = tg.createTask(after(5, 11));
            });
            assertTrue(t[0].cancelled());
            assertEquals(11, t[1].result());
        });
    }

    @Test
    void aFailingChildCancelsItsSiblingsAndTheBody() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Task<Void> runner = Asyncio.createTask(() -> {
                TaskGroup.run(tg -> {
                    tg.createTask(failAfter(5, new ArithmeticException("/ by zero")));
                    tg.createTask(() -> {
                        try {
                            Asyncio.sleep(LONG);
                        } catch (CancelledError e) {
                            events.add("sibling cancelled");
                            throw e;
                        }
                    });
                    try {
                        Asyncio.sleep(LONG);
                    } catch (CancelledError e) {
                        events.add("body cancelled");
                        throw e;
                    }
                });
                events.add("after the group"); // not reached
            });
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, runner::await);
            assertEquals(List.of(ArithmeticException.class), types(eg));
            assertEquals("unhandled errors in a TaskGroup (1 sub-exception)", eg.getMessage());
            assertFalse(runner.cancelled());
        });
        assertEquals(List.of("sibling cancelled", "body cancelled"), events);
    }

    @Test
    void theParentCanCatchTheGroupErrorAndGoOn() {
        Asyncio.run(() -> {
            assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(failAfter(1, new MyExc("x")));
                Asyncio.sleep(LONG);
            }));
            // The cancellation the group sent to stop the body was withdrawn.
            assertEquals(0, Asyncio.currentTask().cancelling());
            Asyncio.sleep(Duration.ofMillis(1));
        });
    }

    @Test
    void cancellingTheParentCancelsTheGroupAndKeepsTheMessage() {
        int[] cancelled = {0};
        Asyncio.run(() -> {
            Task<Void> runner = Asyncio.createTask(() -> TaskGroup.run(tg -> {
                for (int i = 0; i < 5; i++) {
                    tg.createTask(() -> {
                        try {
                            Asyncio.sleep(LONG);
                        } catch (CancelledError e) {
                            cancelled[0]++;
                            throw e;
                        }
                    });
                }
            }));
            Asyncio.sleep(Duration.ofMillis(10));
            assertFalse(runner.done());
            runner.cancel("test");
            CancelledError e = assertThrows(CancelledError.class, runner::await);
            assertEquals("test", e.getMessage());
            assertTrue(runner.cancelled());
        });
        assertEquals(5, cancelled[0]);
    }

    @Test
    void cancellingTheParentWhileTheBodyAwaitsCancelsBodyAndChildren() {
        int[] num = {0};
        Asyncio.run(() -> {
            Task<Void> runner = Asyncio.createTask(() -> TaskGroup.run(tg -> {
                for (int i = 0; i < 5; i++) {
                    tg.createTask(() -> {
                        try {
                            Asyncio.sleep(LONG);
                        } catch (CancelledError e) {
                            num[0] += 1;
                            throw e;
                        }
                    });
                }
                try {
                    Asyncio.sleep(LONG);
                } catch (CancelledError e) {
                    num[0] += 10;
                    throw e;
                }
            }));
            Asyncio.sleep(Duration.ofMillis(10));
            runner.cancel();
            assertThrows(CancelledError.class, runner::await);
        });
        assertEquals(15, num[0]);
    }

    @Test
    void aFailingBodyCancelsTheChildrenAndIsInTheGroup() {
        Asyncio.run(() -> {
            Task<?>[] t = new Task<?>[2];
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                t[0] = tg.createTask(after(1000, 42));
                t[1] = tg.createTask(after(2000, 11));
                Asyncio.sleep(Duration.ofMillis(5));
                throw new ArithmeticException("body");
            }));
            assertEquals(List.of(ArithmeticException.class), types(eg));
            assertTrue(t[0].cancelled());
            assertTrue(t[1].cancelled());
        });
    }

    @Test
    void aCheckedExceptionOfTheBodyIsInTheGroupAsItIs() {
        Asyncio.run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                throw new java.io.IOException("io");
            }));
            assertInstanceOf(java.io.IOException.class, eg.exceptions().get(0));
        });
    }

    @Test
    void whenTheBodyAndAChildBothFailTheGroupHoldsBoth() {
        // The known regression (test_taskgroup_19): neither failure may be lost, and the order is
        // the order they happened in.
        Asyncio.run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(failAfter(5, new ArithmeticException("child")));
                try {
                    Asyncio.sleep(LONG);
                } finally {
                    throw new MyExc("body");
                }
            }));
            assertEquals(List.of(ArithmeticException.class, MyExc.class), types(eg));
            assertEquals("child", eg.exceptions().get(0).getMessage());
            assertEquals("body", eg.exceptions().get(1).getMessage());
            assertEquals(2, eg.getSuppressed().length);
        });
    }

    @Test
    void aBodyThatTurnsTheParentsCancellationIntoAnExceptionGetsAGroup() {
        // test_taskgroup_18: the group error wins; the outer cancellation is requested again.
        int[] num = {0};
        Asyncio.run(() -> {
            Task<Void> runner = Asyncio.createTask(() -> TaskGroup.run(tg -> {
                try {
                    Asyncio.sleep(LONG);
                } catch (CancelledError e) {
                    num[0] += 10;
                    throw new MyExc("instead");
                }
            }));
            Asyncio.sleep(Duration.ofMillis(5));
            runner.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, runner::await);
            assertEquals(List.of(MyExc.class), types(eg));
        });
        assertEquals(10, num[0]);
    }

    @Test
    void anOuterCancellationIsNotLostWhenTheGroupRaisesItsError() {
        Asyncio.run(() -> {
            Task<String> runner = Asyncio.createTask(() -> {
                try {
                    TaskGroup.run(tg -> {
                        tg.createTask(() -> {
                            try {
                                Asyncio.sleep(LONG);
                            } finally {
                                throw new MyExc("failing while cancelled");
                            }
                        });
                        Asyncio.sleep(LONG);
                    });
                } catch (ExceptionGroup e) {
                    // the outer cancellation is still counted and delivered at the next suspension
                    assertEquals(1, Asyncio.currentTask().cancelling());
                    Asyncio.sleep(LONG);
                }
                return "not reached";
            });
            Asyncio.sleep(Duration.ofMillis(5));
            runner.cancel();
            assertThrows(CancelledError.class, runner::await);
            assertTrue(runner.cancelled());
        });
    }

    @Test
    void aVirtualMachineErrorIsThrownAsItIsAndTheOtherFailuresAreReported() {
        List<ErrorContext> reported = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((loop, ctx) -> reported.add(ctx));
            StackOverflowError e = assertThrows(StackOverflowError.class, () -> TaskGroup.run(tg -> {
                tg.createTask(failAfter(5, new ArithmeticException("child")));
                try {
                    Asyncio.sleep(LONG);
                } finally {
                    throw new StackOverflowError("simulated");
                }
            }));
            assertEquals("simulated", e.getMessage());
        });
        assertEquals(1, reported.size());
        assertInstanceOf(ArithmeticException.class, reported.get(0).exception());
    }

    @Test
    void otherErrorsAreGroupedLikeExceptions() {
        // test_taskgroup_20a and 21a: a BaseException that is not special goes into the group.
        Asyncio.run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(failAfter(5, new ArithmeticException("child")));
                try {
                    Asyncio.sleep(LONG);
                } finally {
                    throw new MyBaseExc();
                }
            }));
            assertEquals(List.of(ArithmeticException.class, MyBaseExc.class), types(eg));

            ExceptionGroup eg2 = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Asyncio.sleep(Duration.ofMillis(5));
                    throw new MyBaseExc();
                });
                try {
                    Asyncio.sleep(LONG);
                } finally {
                    throw new IllegalArgumentException("body");
                }
            }));
            assertEquals(List.of(MyBaseExc.class, IllegalArgumentException.class), types(eg2));
        });
    }

    @Test
    void aFailureInAnOuterGroupCancelsTheNestedGroup() {
        // test_taskgroup_13
        Asyncio.run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g1 -> {
                g1.createTask(failAfter(5, new IllegalArgumentException("outer child")));
                TaskGroup.run(g2 -> g2.createTask(failAfter(10_000, new IllegalArgumentException("inner child"))));
            }));
            assertEquals(List.of(IllegalArgumentException.class), types(eg));
            assertEquals("outer child", eg.exceptions().get(0).getMessage());
        });
    }

    @Test
    void aFailureInANestedGroupReachesTheOuterGroupAsAGroup() {
        // test_taskgroup_14
        Asyncio.run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g1 -> {
                g1.createTask(failAfter(10_000, new IllegalArgumentException("outer child")));
                TaskGroup.run(g2 -> g2.createTask(failAfter(5, new IllegalArgumentException("inner child"))));
            }));
            assertEquals(List.of(ExceptionGroup.class), types(eg));
            ExceptionGroup inner = (ExceptionGroup) eg.exceptions().get(0);
            assertEquals(List.of(IllegalArgumentException.class), types(inner));
        });
    }

    @Test
    void cancellingNestedGroupsFromOutsideGivesCancelledError() {
        // test_taskgroup_11/12: the children fail while the parent is being cancelled.
        Asyncio.run(() -> {
            Task<Void> runner = Asyncio.createTask(() -> TaskGroup.run(g1 -> {
                g1.createTask(after(10_000, 0));
                TaskGroup.run(g2 -> {
                    for (int i = 0; i < 5; i++) g2.createTask(failAfter(1_000, new ArithmeticException()));
                    Asyncio.sleep(LONG);
                });
            }));
            Asyncio.sleep(Duration.ofMillis(10));
            runner.cancel();
            assertThrows(CancelledError.class, runner::await);
        });
    }

    @Test
    void aChildFailingDuringTheCancelledBodysCleanupWinsOverTheCancellation() {
        // test_taskgroup_15/16 since GH-95704: errors from children take priority over the
        // parent's cancellation, which is requested again instead of being lost.
        Asyncio.run(() -> {
            Task<Void> runner = Asyncio.createTask(() -> {
                Task<Void> nested = Asyncio.createTask(() -> TaskGroup.run(g1 -> {
                    g1.createTask(failAfter(30, new ArithmeticException()));
                    try {
                        Asyncio.sleep(LONG);
                    } catch (CancelledError e) {
                        Asyncio.sleep(Duration.ofMillis(50));
                        throw e;
                    }
                }));
                nested.await();
            });
            Asyncio.sleep(Duration.ofMillis(10));
            runner.cancel();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, runner::await);
            assertEquals(List.of(ArithmeticException.class), types(eg));
        });
    }

    @Test
    void childrenMayCreateChildrenInTheSameGroup() {
        // test_taskgroup_24 and 25 (hydra and hercules)
        int[] hydras = {0};
        Asyncio.run(() -> {
            TaskGroup.run(g -> g.createTask(() -> {
                Asyncio.sleep(Duration.ofMillis(5));
                g.createTask(after(5, 1));
                g.createTask(after(10, 2));
            }));
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(g -> {
                class Hydra implements AsyncRunnable {
                    @Override
                    public void run() throws Exception {
                        hydras[0]++;
                        Asyncio.sleep(Duration.ofMillis(1));
                        g.createTask(new Hydra());
                        g.createTask(new Hydra());
                    }
                }
                g.createTask(new Hydra());
                g.createTask(() -> {
                    while (hydras[0] < 10) Asyncio.sleep(Duration.ofMillis(2));
                    throw new ArithmeticException("hercules");
                });
            }));
            assertEquals(List.of(ArithmeticException.class), types(eg));
        });
        assertTrue(hydras[0] >= 10);
    }

    @Test
    void aChildThatIgnoresItsCancellationKeepsTheGroupWaitingUntilItEnds() {
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            long t0 = System.nanoTime();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    try {
                        Asyncio.sleep(LONG);
                    } catch (CancelledError ignored) {
                        Asyncio.sleep(Duration.ofMillis(40)); // deliberately goes on
                        events.add("stubborn child finished");
                    }
                });
                Asyncio.sleep(0);
                throw new MyExc("body");
            }));
            events.add("group done");
            assertTrue(System.nanoTime() - t0 >= 35_000_000L);
            assertEquals(List.of(MyExc.class), types(eg));
        });
        assertEquals(List.of("stubborn child finished", "group done"), events);
    }

    @Test
    void childrenHaveTheGivenNames() {
        Asyncio.run(() -> TaskGroup.run(tg -> {
            Task<Void> t = tg.createTask(() -> Asyncio.sleep(0), "yolo");
            assertEquals("yolo", t.getName());
        }));
    }

    @Test
    void aGroupNeedsATask() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TaskGroup.run(tg -> {}));
        assertTrue(e.getMessage().contains("parent task"), e.getMessage());
        assertThrows(IllegalStateException.class, TaskGroup::open);
    }

    @Test
    void aBodyBlockedInAJdkCallIsStoppedWithoutCountingAsAFailure() {
        Asyncio.run(() -> {
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(failAfter(5, new MyExc("child")));
                Thread.sleep(5_000); // interrupted by the group's cancellation
            }));
            assertEquals(List.of(MyExc.class), types(eg));
            assertEquals(0, Asyncio.currentTask().cancelling());
            assertFalse(Thread.currentThread().isInterrupted());
            Asyncio.sleep(Duration.ofMillis(1));
        });
    }

    @Test
    void aBodyInAnUninterruptibleJdkCallIsLeftWithoutTheGroupsInterrupt() {
        // The group's cancellation interrupts the body, but CompletableFuture.join() ignores
        // interrupts (and restores the flag); the body then returns. The group withdraws its
        // request on exit (uncancel), so the next blocking call must not be interrupted.
        Asyncio.run(() -> {
            java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    Asyncio.getRunningLoop().callLater(Duration.ofMillis(20), () -> gate.complete(null));
                    throw new MyExc("child");
                });
                gate.join();
            }));
            assertEquals(List.of(MyExc.class), types(eg));
            assertEquals(0, Asyncio.currentTask().cancelling());
            assertFalse(Thread.currentThread().isInterrupted());
            Thread.sleep(1);
            return null;
        });
    }

    @Test
    void anOutsideCancellationStillPendingWhenTheGroupErrorWinsKeepsItsInterrupt() {
        // The body sits in a JDK call that ignores interrupts when the parent is cancelled from
        // outside, and then a child fails. The group error wins and the outside request is made
        // again (gh-116720); it is still the same request, so the interrupt it sent must stay:
        // the next blocking call ends the task at once, as cancelled.
        // Each step waits for the one before it, not for a delay: at load 16 a delay can let the
        // gate open before the group has cancelled the body, which is another story.
        Asyncio.run(() -> {
            java.util.concurrent.CompletableFuture<Void> gate = new java.util.concurrent.CompletableFuture<>();
            Future<Void> outsideSent = Asyncio.getRunningLoop().createFuture();
            Task<Void> parent = Asyncio.createTask(() -> {
                assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                    tg.createTask(() -> {
                        outsideSent.await();
                        throw new MyExc("child");
                    });
                    gate.join(); // ignores interrupts
                }));
                assertEquals(1, Asyncio.currentTask().cancelling());
                Thread.sleep(60_000);
                return null;
            });
            while (!parent.blockedOutsideLoop()) Asyncio.sleep(0);
            parent.cancel("outside");
            outsideSent.setResult(null);
            while (parent.cancelling() < 2) Asyncio.sleep(0); // the group has cancelled the body too
            gate.complete(null);
            long t0 = System.nanoTime();
            assertThrows(CancelledError.class, parent::await);
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L, "the pending cancellation did not interrupt Thread.sleep");
            assertTrue(parent.cancelled());
        });
    }

    @Test
    void anEagerChildThatFailsAtOnceDoesNotStopTheBodyBeforeItsNextSuspension() {
        // gh-128550: the failure is handled through a callback, not inside createTask.
        List<String> events = new ArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setTaskFactory(Asyncio.eagerTaskFactory());
            ExceptionGroup eg = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                Task<Void> t = tg.createTask(() -> {
                    throw new MyExc("at once");
                });
                events.add("body continues, child done=" + t.done() + ", cancelling=" + Asyncio.currentTask().cancelling());
                try {
                    Asyncio.sleep(LONG);
                } catch (CancelledError e) {
                    events.add("body cancelled");
                    throw e;
                }
            }));
            assertEquals(List.of(MyExc.class), types(eg));
        });
        assertEquals(List.of("body continues, child done=true, cancelling=0", "body cancelled"), events);
    }
}
