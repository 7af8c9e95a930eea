package io.jasyncio.process;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.net.ReadTransport;
import io.jasyncio.net.WriteTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The low-level form: SubprocessProtocol callbacks in asyncio's order, pipe transports by fd. */
@Timeout(60)
class SubprocessProtocolTest {

    @AfterEach
    void noChildOrPipeThreadIsLeft() throws Exception {
        Leftovers.assertNone();
    }

    /** Records every callback; {@code done} completes at connectionLost. */
    static class Recording implements SubprocessProtocol {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Future<Void> done = Asyncio.getRunningLoop().createFuture();
        SubprocessTransport transport;

        @Override
        public void connectionMade(SubprocessTransport t) {
            transport = t;
            events.add("connectionMade");
        }

        @Override
        public void pipeDataReceived(int fd, ByteBuffer data) {
            assertTrue(data.isReadOnly());
            byte[] b = new byte[data.remaining()];
            data.get(b);
            (fd == 1 ? out : err).writeBytes(b);
        }

        @Override
        public void pipeConnectionLost(int fd, Throwable exc) {
            events.add("pipeConnectionLost(" + fd + ", " + exc + ")");
        }

        @Override
        public void processExited() {
            events.add("processExited " + transport.getReturncode());
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("connectionLost(" + exc + ")");
            done.setResult(null);
        }
    }

    @Test
    void callbacksComeInAsyncioOrderAndConnectionLostIsLast() {
        Asyncio.run(() -> {
            SubprocessConnection<Recording> c = Subprocesses.subprocessShell(Recording::new,
                    "read x; echo \"got $x\"; echo oops >&2; exit 4", SubprocessOptions.pipes());
            Recording r = c.protocol();
            assertEquals("connectionMade", r.events.get(0), "connectionMade ran before subprocessShell returned");
            assertSame(c.transport(), r.transport);
            assertInstanceOf(WriteTransport.class, c.transport().getPipeTransport(0));
            assertInstanceOf(ReadTransport.class, c.transport().getPipeTransport(1));
            assertInstanceOf(ReadTransport.class, c.transport().getPipeTransport(2));
            assertNull(c.transport().getPipeTransport(3));
            // On Linux the child's pipes are selectable: served by the loop's selector, no thread.
            assertInstanceOf(java.nio.channels.Pipe.SourceChannel.class, c.transport().getPipeTransport(1).getExtraInfo("pipe"));
            assertInstanceOf(java.nio.channels.Pipe.SinkChannel.class, c.transport().getPipeTransport(0).getExtraInfo("pipe"));
            assertNull(io.jasyncio.internal.PipeAccess.get().thread(c.transport().getPipeTransport(1)));
            ((WriteTransport) c.transport().getPipeTransport(0)).write("input\n".getBytes(US_ASCII));
            r.done.await();
            assertEquals("got input\n", r.out.toString(US_ASCII));
            assertEquals("oops\n", r.err.toString(US_ASCII));
            assertEquals(4, c.transport().getReturncode());
            assertEquals("connectionLost(null)", r.events.getLast());
            assertTrue(r.events.contains("processExited 4"), r.events.toString());
            for (int fd = 0; fd <= 2; fd++) {
                assertTrue(r.events.contains("pipeConnectionLost(" + fd + ", null)"), r.events.toString());
            }
            assertEquals(6, r.events.size(), r.events.toString());
            c.transport().close();
        });
    }

    @Test
    void withoutPipesTheTransportFinishesAtTheExit() {
        Asyncio.run(() -> {
            SubprocessConnection<Recording> c = Subprocesses.subprocessExec(Recording::new, List.of("true"),
                    SubprocessOptions.defaults().stdout(Stdio.DEVNULL));
            c.protocol().done.await();
            assertEquals(List.of("connectionMade", "processExited 0", "connectionLost(null)"), c.protocol().events);
            assertNull(c.transport().getPipeTransport(1));
        });
    }

    @Test
    void stdinPipeFlowControlPausesTheProtocolAboveTheHighWaterMark() {
        Asyncio.run(() -> {
            List<String> flow = new ArrayList<>();
            Future<Void> resumed = Asyncio.getRunningLoop().createFuture();
            class Flow extends Recording {
                @Override
                public void pauseWriting() {
                    flow.add("pause");
                }

                @Override
                public void resumeWriting() {
                    flow.add("resume");
                    if (!resumed.done()) resumed.setResult(null);
                }
            }
            // The child reads nothing for a while: everything we write stays in our buffer.
            SubprocessConnection<Flow> c = Subprocesses.subprocessShell(Flow::new, "read go; cat > /dev/null",
                    SubprocessOptions.defaults().stdin(Stdio.PIPE));
            WriteTransport stdin = (WriteTransport) c.transport().getPipeTransport(0);
            stdin.setWriteBufferLimits(1 << 20, 1 << 18);
            stdin.write("go\n".getBytes(US_ASCII));
            stdin.write(new byte[4 << 20]);
            assertEquals(List.of("pause"), flow, "4 MiB queued is above the 1 MiB mark");
            resumed.await(); // the child drains the pipe
            assertEquals(List.of("pause", "resume"), flow);
            stdin.close();
            c.protocol().done.await();
            assertEquals(0, c.transport().getReturncode());
        });
    }

    @Test
    void underVirtualTimeTheLoopWaitsForTheChildInRealTime() {
        io.jasyncio.RunOptions virtual = io.jasyncio.RunOptions.defaults().virtualTime(true);
        String out = Asyncio.run(() -> {
            Subprocess p = Subprocesses.createSubprocessShell(SubprocessOptions.defaults().stdout(Stdio.PIPE),
                    "sleep 0.3; echo late");
            // A virtual 10 s timer must not fire before the child's output: nothing jumps the
            // clock while the loop waits for its pipe and its exit.
            var timer = Asyncio.createTask(() -> {
                Asyncio.sleep(java.time.Duration.ofSeconds(10));
                return "timer";
            });
            String line = new String(p.stdout().readLine(), US_ASCII);
            assertFalse(timer.done(), "the virtual timer fired before the child wrote");
            timer.cancel();
            assertEquals(0, p.waitFor());
            return line;
        }, virtual);
        assertEquals("late\n", out);
    }
}
