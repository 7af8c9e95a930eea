package io.jasyncio.test;

import io.jasyncio.Context;
import io.jasyncio.Coroutine;
import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.RunOptions;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.TaskDump;
import io.jasyncio.TaskFactory;
import io.jasyncio.VirtualClock;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs each test method as a task on a fresh event loop and checks that it cleaned up after
 * itself: the JUnit 5 extension behind {@link AsyncTest}.
 *
 * <pre>{@code
 * @ExtendWith(JasyncioExtension.class)
 * class ClientTest {
 *     @Test
 *     void fetches(EventLoop loop) throws Exception {
 *         Task<String> t = Asyncio.createTask(() -> client.fetch("a"));
 *         assertEquals("A", t.await());
 *     }
 * }
 * }</pre>
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>Each test method gets its own loop (an {@code io.jasyncio.Runner}), on virtual time if the
 *       method carries {@code @AsyncTest(virtualTime = true)} or it or its class carries
 *       {@link VirtualTime}, in debug mode with {@code @AsyncTest(debug = true)}. The method body
 *       runs as the loop's main task, so it may suspend. {@code @BeforeEach}/{@code @AfterEach}
 *       methods run outside the loop (they may take the loop as a parameter to configure it).</li>
 *   <li>Parameters of type {@code EventLoop} receive the loop, of type {@code VirtualClock} its
 *       clock (only with virtual time).</li>
 *   <li>The test fails, after its own outcome, if when the method returns:
 *       <ul>
 *         <li>tasks it started are still pending (the failure shows their task tree, then they
 *             are cancelled);</li>
 *         <li>a task failed and nobody retrieved its exception (awaited it, or asked for its
 *             result or exception) — checked deterministically, not when the task is collected;</li>
 *         <li>anything reached the loop's exception handler (an exception in a callback, an error
 *             during shutdown...).</li>
 *       </ul>
 *       A failure of the test itself is reported first, with these problems added as suppressed
 *       exceptions.</li>
 * </ul>
 * To track tasks the extension installs a task factory and an exception handler on the loop; a
 * test that replaces them with its own opts out of the corresponding check.
 *
 * <p>Thread-safety: JUnit calls the extension on its own threads; the loop is only touched from
 * the test's task or while it does not run.
 */
public final class JasyncioExtension implements InvocationInterceptor, ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(JasyncioExtension.class);
    private static final String KEY = "session";

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public JasyncioExtension() {}

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        Session session = session(extensionContext);
        Throwable failure = null;
        try {
            session.runner.run(Coroutine.of(() -> {
                try {
                    invocation.proceed();
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new CompletionException(t);
                }
            }));
        } catch (CompletionException e) {
            failure = e.getCause() != null ? e.getCause() : e; // a checked exception of the test, wrapped once by the task
        } catch (Throwable t) {
            failure = t;
        }
        List<AssertionError> problems = session.checkAfterTest();
        if (failure == null && !problems.isEmpty()) {
            failure = problems.removeFirst();
        }
        if (failure != null) {
            for (AssertionError p : problems) failure.addSuppressed(p);
            throw failure;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Session s = context.getStore(NAMESPACE).remove(KEY, Session.class);
        if (s != null) s.runner.close();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == EventLoop.class || type == VirtualClock.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Session s = session(extensionContext);
        if (parameterContext.getParameter().getType() == EventLoop.class) return s.loop;
        VirtualClock clock = s.loop.getVirtualClock();
        if (clock == null) {
            throw new ParameterResolutionException("a VirtualClock parameter needs virtual time: annotate the test with "
                    + "@AsyncTest(virtualTime = true) or @VirtualTime");
        }
        return clock;
    }

    private static Session session(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("JasyncioExtension provides a loop per test method only, not to constructors or class-level methods");
        }
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> new Session(options(context)), Session.class);
    }

    private static RunOptions options(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        Optional<AsyncTest> async = AnnotationSupport.findAnnotation(method, AsyncTest.class);
        boolean virtual = async.map(AsyncTest::virtualTime).orElse(false)
                || AnnotationSupport.isAnnotated(method.map(m -> (AnnotatedElement) m), VirtualTime.class)
                || AnnotationSupport.isAnnotated(context.getTestClass().map(c -> (AnnotatedElement) c), VirtualTime.class);
        boolean debug = async.map(AsyncTest::debug).orElse(false);
        return RunOptions.defaults().virtualTime(virtual).debug(debug);
    }

    /** One test's loop, and what the checks need: every task created, every error reported. */
    private static final class Session {
        final Runner runner;
        final EventLoop loop;
        final List<Task<?>> created = new ArrayList<>();
        final List<ErrorContext> reported = new ArrayList<>();

        Session(RunOptions options) {
            runner = new Runner(options);
            loop = runner.getLoop();
            loop.setTaskFactory(new TaskFactory() {
                @Override
                public <T> Task<T> createTask(EventLoop l, Coroutine<T> coro, String name, Context context) {
                    Task<T> t = l.createTask(coro, name, context, false);
                    created.add(t);
                    return t;
                }
            });
            loop.setExceptionHandler((l, ctx) -> {
                reported.add(ctx);
                l.defaultExceptionHandler(ctx);
            });
        }

        /** After the test method: leftovers, lost exceptions, reported errors. Closes the loop. */
        List<AssertionError> checkAfterTest() {
            List<AssertionError> problems = new ArrayList<>();
            if (!loop.allTasks().isEmpty()) {
                int n = loop.allTasks().size();
                problems.add(new AssertionError("the test left " + n + " task" + (n == 1 ? "" : "s")
                        + " running (await or cancel every task you start):\n" + TaskDump.of(loop)));
            }
            runner.close(); // cancels the leftovers and waits for them
            for (Task<?> t : created) {
                if (t.done() && !t.cancelled() && t.hasUnretrievedException()) {
                    // Reading it here would count as retrieving it, which is fine: we report it.
                    Throwable e = t.exception();
                    problems.add(new AssertionError("task " + t.getName() + " failed and nobody retrieved its exception "
                            + "(await it, or read result()/exception()): " + e, e));
                }
            }
            created.clear();
            for (ErrorContext ctx : reported) {
                problems.add(new AssertionError("reported to the loop's exception handler: " + ctx.message(), ctx.exception()));
            }
            reported.clear();
            return problems;
        }
    }
}
