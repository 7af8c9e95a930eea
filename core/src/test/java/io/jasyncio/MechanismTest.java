package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MechanismTest {

    /** A JVM started without the flag gets one clear error that says how to set it. */
    @Test
    void withoutTheAddOpensFlagCreatingALoopFailsWithTheFix() throws Exception {
        String javaCmd = ProcessHandle.current().info().command().orElseThrow();
        String classPath = location(EventLoop.class) + java.io.File.pathSeparator + location(NoFlagMain.class);
        Process p = new ProcessBuilder(javaCmd, "-cp", classPath, NoFlagMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=io.jasyncio"), out); // the module-path form
        assertTrue(out.contains("Add-Opens: java.base/java.lang"), out);
        assertTrue(out.contains("Surefire") && out.contains("Gradle"), out);
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** Run in a child JVM without --add-opens. */
    static final class NoFlagMain {
        public static void main(String[] args) {
            try {
                new EventLoop();
                System.exit(0);
            } catch (IllegalStateException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void theModuleExportsOnlyItsPublicPackages() throws Exception {
        Path descriptor = Path.of(EventLoop.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("module-info.class");
        try (InputStream in = Files.newInputStream(descriptor)) {
            ModuleDescriptor md = ModuleDescriptor.read(in);
            assertEquals("io.jasyncio", md.name());
            List<String> exported = md.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toList());
            assertFalse(exported.stream().anyMatch(p -> p.contains("internal")), exported.toString());
            assertTrue(exported.contains("io.jasyncio"));
            // At run time only java.base; `requires static` (jdk.jfr, for JfrEvents) is optional.
            assertEquals(List.of("java.base"), md.requires().stream()
                    .filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                    .map(ModuleDescriptor.Requires::name).toList());
        }
    }

    @Test
    void virtualThreadsStartedInsideATaskRunInParallelOffTheLoop() {
        String s = Asyncio.run(() -> {
            // Such a thread inherits the task's scheduler from the JDK; it must not be run by the
            // loop (it blocks here, in join, while the loop waits for this very task).
            Thread loopThread = io.jasyncio.internal.VirtualThreads.currentCarrier();
            Thread[] carrier = new Thread[1];
            Thread vt = Thread.ofVirtual().start(() -> carrier[0] = io.jasyncio.internal.VirtualThreads.currentCarrier());
            vt.join();
            assertNotSame(loopThread, carrier[0]);
            return carrier[0].getName().startsWith("jasyncio-vthread-carrier") ? "ran" : carrier[0].getName();
        });
        assertEquals("ran", s);
    }

    @Test
    void tasksAreVisibleAsVirtualThreadsNamedAfterThem() {
        Asyncio.run(() -> {
            Task<Void> t = Asyncio.createTask(() -> Asyncio.sleep(10), "visible-task");
            Asyncio.sleep(0);
            assertEquals(Thread.State.WAITING, t.thread().getState());
            StackTraceElement[] stack = t.thread().getStackTrace();
            assertTrue(java.util.Arrays.stream(stack).anyMatch(e -> e.getMethodName().equals("sleep")
                    && e.getClassName().equals(Asyncio.class.getName())), java.util.Arrays.toString(stack));
            t.cancel();
        });
    }
}
