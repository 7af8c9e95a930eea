package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The one rule for checked exceptions (docs/adr/0001-checked-exceptions.md): a body run inline in
 * the calling task propagates its exception as it is; the outcome of another task or thread is
 * rethrown unchecked as it is and checked wrapped in a {@link CompletionException}.
 */
@Timeout(30)
class CheckedExceptionRuleTest {
    static final Duration LONG = Duration.ofSeconds(20);

    // ---- (c) another task's outcome: checked wrapped, unchecked as is ----

    @Test
    void awaitWrapsAnotherTasksCheckedExceptionWithTheOriginalAsCause() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                throw boom;
            });
            CompletionException e = assertThrows(CompletionException.class, t::await);
            assertSame(boom, e.getCause());
            assertSame(boom, assertThrows(CompletionException.class, t::result).getCause());
        });
    }

    @Test
    void awaitRethrowsAnotherTasksUncheckedExceptionAsItIs() {
        IllegalStateException boom = new IllegalStateException("boom");
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                throw boom;
            });
            assertSame(boom, assertThrows(IllegalStateException.class, t::await));
        });
    }

    @Test
    void runWrapsACheckedExceptionOfMain() {
        IOException boom = new IOException("boom");
        CompletionException e = assertThrows(CompletionException.class, () -> Asyncio.run(() -> {
            throw boom;
        }));
        assertSame(boom, e.getCause());
    }

    @Test
    void waitForAFutureWrapsItsCheckedExceptionLikeAwait() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> {
                Asyncio.sleep(0);
                throw boom;
            });
            CompletionException e = assertThrows(CompletionException.class, () -> Asyncio.waitFor(t, LONG));
            assertSame(boom, e.getCause());
        });
    }

    @Test
    void toThreadWrapsTheThreadsCheckedException() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            CompletionException e = assertThrows(CompletionException.class, () -> Asyncio.toThread(() -> {
                throw boom;
            }));
            assertSame(boom, e.getCause());
        });
    }

    // ---- (b) a body run inline in the calling task: as is ----

    @Test
    void timeoutPropagatesTheBodysCheckedExceptionAsItIs() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            assertSame(boom, assertThrows(IOException.class, () -> Asyncio.timeout(LONG, () -> {
                throw boom;
            })));
            assertSame(boom, assertThrows(IOException.class, () -> Asyncio.timeout(LONG).call(() -> {
                throw boom;
            })));
            assertSame(boom, assertThrows(IOException.class, () -> Asyncio.timeoutAt(Asyncio.getRunningLoop().time() + 20, () -> {
                throw boom;
            })));
        });
    }

    @Test
    void waitForACoroutineRunsItInTheCallingTaskAndPropagatesItsExceptionAsItIs() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            Task<?> caller = Asyncio.currentTask();
            assertSame(caller, Asyncio.waitFor(Asyncio::currentTask, LONG), "inline, as asyncio's await coro");
            assertSame(boom, assertThrows(IOException.class, () -> Asyncio.waitFor(() -> {
                Asyncio.sleep(0);
                throw boom;
            }, LONG)));
        });
    }

    @Test
    void waitForACoroutineWithAZeroTimeoutRunningEagerlyStillThrowsItsExceptionAsItIs() {
        IOException boom = new IOException("boom");
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setTaskFactory(Asyncio.eagerTaskFactory());
            // Finishes at creation: its own exception, as the inline body would have thrown it.
            assertSame(boom, assertThrows(IOException.class, () -> Asyncio.waitFor(() -> {
                throw boom;
            }, Duration.ZERO)));
        });
    }

    @Test
    void aTaskGroupHoldsTheOriginalCheckedExceptionsUnwrapped() {
        IOException child = new IOException("child");
        IOException body = new IOException("body");
        Asyncio.run(() -> {
            ExceptionGroup g = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                tg.createTask(() -> {
                    throw child;
                });
                Asyncio.sleep(LONG); // cancelled by the child's failure
            }));
            assertEquals(List.of(child), g.exceptions());
            ExceptionGroup g2 = assertThrows(ExceptionGroup.class, () -> TaskGroup.run(tg -> {
                throw body;
            }));
            assertEquals(List.of(body), g2.exceptions());
        });
    }
}
