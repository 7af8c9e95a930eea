package io.jasyncio.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/** The seed example and the demo tour print what README promises. */
@Isolated // they capture System.out
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoTest {

    private static String capture(Runnable main) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helloWaitsOneSecondBetweenItsLines() {
        long start = System.nanoTime();
        String out = capture(() -> Hello.main(new String[0]));
        assertThat(out).isEqualTo("Hello ...\n... World!\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void demoToursTheLibraryInOrder() {
        String out = capture(() -> Demo.main(new String[0]));
        assertThat(out).startsWith("Hello ...\n... World!\n");
        String[] marks = {"[task 1 done, task 2 done, task 3 done]", "slow task cancelled: no time to wait",
                "echo server answered [hello, echo]", "HTTP 200 from the HTTP example: Hello, World!",
                "three tasks in Thread.sleep(200)", "child sees request r-1", "parent still has request r-1"};
        int at = 0;
        for (String m : marks) {
            int i = out.indexOf(m, at);
            assertThat(i).as("'%s' after position %d in:%n%s", m, at, out).isGreaterThanOrEqualTo(0);
            at = i;
        }
    }
}
