package io.jasyncio.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test method that runs as a task on a fresh event loop: JUnit's {@link Test} plus
 * {@link JasyncioExtension}. Inside it, {@code Asyncio.sleep}, {@code await()} and the rest just
 * work; an {@code EventLoop} (or, with virtual time, a {@code VirtualClock}) parameter receives
 * the loop. The test fails if it leaves tasks running or exceptions nobody retrieved.
 *
 * <pre>{@code
 * class RetryTest {
 *     @AsyncTest(virtualTime = true)
 *     void backsOffForAMinute(EventLoop loop) {
 *         retryWithBackoff(() -> flaky());          // sleeps 1 + 2 + 4 + ... seconds: instant
 *         assertEquals(63.0, loop.time(), 1e-9);
 *     }
 * }
 * }</pre>
 *
 * @see JasyncioExtension for exactly what is checked
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(JasyncioExtension.class)
public @interface AsyncTest {
    /** Run on a {@code VirtualClock}: time jumps to the next timer whenever every task waits. */
    boolean virtualTime() default false;

    /** Run the loop in debug mode (slow steps logged, task creation recorded). */
    boolean debug() default false;
}
