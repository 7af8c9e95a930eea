package io.jasyncio.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.opentest4j.AssertionFailedError;
import org.junit.jupiter.api.extension.ParameterResolutionException;

class ExtensionChecksTest {

    @Test
    void aTestThatLeavesATaskRunningFailsWithTheTaskTree() {
        Throwable e = failureOf("leavesATaskRunning");
        assertInstanceOf(AssertionError.class, e);
        assertTrue(e.getMessage().startsWith("the test left 1 task running"), e.getMessage());
        assertTrue(e.getMessage().contains("straggler [suspended]"), e.getMessage());
    }

    @Test
    void aTestThatLosesATaskExceptionFails() {
        Throwable e = failureOf("forgetsAFailedTask");
        assertTrue(e.getMessage().startsWith("task forgotten failed and nobody retrieved its exception"), e.getMessage());
        assertEquals("lost", e.getCause().getMessage());
    }

    @Test
    void anExceptionReportedToTheLoopFailsTheTest() {
        Throwable e = failureOf("letsACallbackThrow");
        assertTrue(e.getMessage().startsWith("reported to the loop's exception handler: Exception in callback"), e.getMessage());
        assertEquals("in a callback", e.getCause().getMessage());
    }

    @Test
    void aCheckedExceptionOfTheTestIsReportedAsItIs() {
        Throwable e = failureOf("throwsACheckedException");
        assertInstanceOf(IOException.class, e);
        assertEquals("disk on fire", e.getMessage());
    }

    @Test
    void theTestsOwnFailureComesFirstWithTheLeftoversSuppressed() {
        Throwable e = failureOf("failsAndLeavesATaskRunning");
        assertInstanceOf(AssertionFailedError.class, e);
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().startsWith("the test left 1 task running"));
    }

    @Test
    void aClockParameterNeedsVirtualTime() {
        Throwable e = failureOf("asksForAClockWithoutVirtualTime");
        assertInstanceOf(ParameterResolutionException.class, e);
        assertTrue(e.getMessage().contains("@AsyncTest(virtualTime = true)"), e.getMessage());
    }

    private static java.lang.reflect.Method fixtureMethod(String name) {
        for (java.lang.reflect.Method m : ExtensionFixtures.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) return m;
        }
        throw new IllegalArgumentException(name);
    }

    private static Throwable failureOf(String fixture) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(ExtensionFixtures.class, fixtureMethod(fixture))).build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        List<TestExecutionSummary.Failure> failures = listener.getSummary().getFailures();
        assertEquals(1, failures.size(), () -> fixture + " should fail once: " + failures);
        return failures.getFirst().getException();
    }
}
