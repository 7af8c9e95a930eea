package io.jasyncio.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated test method, or every test method of the annotated class, on virtual time
 * (see {@code io.jasyncio.VirtualClock}); for tests run by {@link JasyncioExtension}. Equivalent to
 * {@code @AsyncTest(virtualTime = true)}.
 *
 * <pre>{@code
 * @ExtendWith(JasyncioExtension.class)
 * @VirtualTime
 * class SchedulerTest {
 *     @Test
 *     void runsHourly(VirtualClock clock) {
 *         Asyncio.sleep(Duration.ofHours(3));
 *         assertEquals(Duration.ofHours(3), clock.elapsed());
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface VirtualTime {}
