package io.jasyncio.net;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ErrorContext;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * A read pipe's protocol callbacks and states, for both transports (the selector's, on a
 * {@link Pipe.SourceChannel}, and the thread's, on a blocking stream of the same pipe): what a
 * callback that throws or closes does, pausing from {@code connectionMade}, {@code isReading}.
 */
@Timeout(30)
class ReadPipeCallbacksTest {

    /** A protocol whose callbacks run hooks; records events and the exception handler's contexts. */
    static final class Hooked implements ReadPipeProtocol {
        final List<String> events = new ArrayList<>();
        final Future<Throwable> lost = Asyncio.getRunningLoop().createFuture();
        ReadTransport transport;
        Consumer<ReadTransport> onMade = t -> { };
        Consumer<ReadTransport> onData = t -> { };
        Runnable onEof = () -> { };
        Runnable onLost = () -> { };

        @Override
        public void connectionMade(ReadTransport t) {
            transport = t;
            events.add("made");
            onMade.accept(t);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            events.add("data " + US_ASCII.decode(data));
            onData.accept(transport);
        }

        @Override
        public void eofReceived() {
            events.add("eof");
            onEof.run();
        }

        @Override
        public void connectionLost(Throwable exc) {
            events.add("lost " + (exc == null ? null : exc.getMessage()));
            if (!lost.done()) lost.setResult(exc);
            onLost.run();
        }
    }

    /** Connects {@code p} to the read end of {@code pipe}, served by the selector or by a thread. */
    static PipeConnection<ReadTransport, Hooked> connect(boolean thread, Pipe pipe, Hooked p) throws IOException {
        return thread ? Pipes.connectReadPipe(() -> p, Channels.newInputStream(pipe.source()))
                : Pipes.connectReadPipe(() -> p, pipe.source());
    }

    /** The exception handler's contexts, from now on. */
    static List<ErrorContext> captureErrors() {
        List<ErrorContext> errors = new ArrayList<>();
        Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> errors.add(ctx));
        return errors;
    }

    static void write(Pipe pipe, String s) throws IOException {
        ByteBuffer b = US_ASCII.encode(s);
        while (b.hasRemaining()) pipe.sink().write(b);
    }

    static Throwable awaitLost(Hooked p) {
        return Asyncio.waitFor(p.lost, Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void aDataReceivedThatThrowsIsReportedAndClosesThePipeWithItsError(boolean thread) {
        Asyncio.run(() -> {
            List<ErrorContext> errors = captureErrors();
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            IllegalStateException boom = new IllegalStateException("boom");
            p.onData = t -> {
                throw boom;
            };
            connect(thread, pipe, p);
            write(pipe, "x");
            assertSame(boom, awaitLost(p));
            assertEquals(1, errors.size(), errors.toString());
            assertSame(boom, errors.get(0).exception());
            assertTrue(errors.get(0).message().contains("dataReceived() call failed"), errors.get(0).message());
            assertEquals(List.of("made", "data x", "lost boom"), p.events);
            assertFalse(p.transport.isReading());
            pipe.sink().close();
        });
    }

    /** A protocol that closes its transport and then throws hears connectionLost once, with null. */
    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void aDataReceivedThatClosesThenThrowsHearsConnectionLostOnce(boolean thread) {
        Asyncio.run(() -> {
            List<ErrorContext> errors = captureErrors();
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            p.onData = t -> {
                t.close();
                throw new IllegalStateException("after close");
            };
            connect(thread, pipe, p);
            write(pipe, "x");
            assertNull(awaitLost(p));
            Asyncio.sleep(Duration.ZERO); // a second connectionLost would be scheduled beside the first
            assertEquals(List.of("made", "data x", "lost null"), p.events);
            assertEquals(1, errors.size(), errors.toString());
            pipe.sink().close();
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void aConnectionMadeThatThrowsIsReportedAndClosesThePipeWithItsError(boolean thread) {
        Asyncio.run(() -> {
            List<ErrorContext> errors = captureErrors();
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            IllegalStateException boom = new IllegalStateException("boom");
            p.onMade = t -> {
                throw boom;
            };
            PipeConnection<ReadTransport, Hooked> c = connect(thread, pipe, p);
            assertTrue(c.transport().isClosing());
            assertSame(boom, awaitLost(p));
            assertEquals(1, errors.size(), errors.toString());
            assertSame(boom, errors.get(0).exception());
            assertTrue(errors.get(0).message().contains("connectionMade() failed"), errors.get(0).message());
            assertFalse(pipe.source().isOpen(), "released");
            if (thread) assertEquals(Thread.State.NEW, ((ThreadReadPipe) c.transport()).thread().getState(),
                    "a pipe closed in connectionMade never starts reading");
            pipe.sink().close();
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void anEofReceivedThatThrowsIsReportedAndConnectionLostStillFollows(boolean thread) {
        Asyncio.run(() -> {
            List<ErrorContext> errors = captureErrors();
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            IllegalStateException boom = new IllegalStateException("boom");
            p.onEof = () -> {
                throw boom;
            };
            connect(thread, pipe, p);
            pipe.sink().close();
            assertNull(awaitLost(p));
            assertEquals(List.of("made", "eof", "lost null"), p.events);
            assertEquals(1, errors.size(), errors.toString());
            assertSame(boom, errors.get(0).exception());
            assertTrue(errors.get(0).message().contains("eofReceived() failed"), errors.get(0).message());
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void aConnectionLostThatThrowsIsReportedAndThePipeIsStillReleased(boolean thread) {
        Asyncio.run(() -> {
            List<ErrorContext> errors = captureErrors();
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            IllegalStateException boom = new IllegalStateException("boom");
            p.onLost = () -> {
                throw boom;
            };
            PipeConnection<ReadTransport, Hooked> c = connect(thread, pipe, p);
            c.transport().close();
            assertNull(awaitLost(p));
            Asyncio.sleep(Duration.ZERO);
            assertEquals(1, errors.size(), errors.toString());
            assertSame(boom, errors.get(0).exception());
            assertTrue(errors.get(0).message().contains("connectionLost() failed"), errors.get(0).message());
            assertFalse(pipe.source().isOpen(), "released although connectionLost threw");
            pipe.sink().close();
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void readingPausedInConnectionMadeDeliversOnlyAfterResume(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            p.onMade = ReadTransport::pauseReading;
            PipeConnection<ReadTransport, Hooked> c = connect(thread, pipe, p);
            assertFalse(c.transport().isReading());
            write(pipe, "abc");
            if (thread) assertEquals(Thread.State.NEW, ((ThreadReadPipe) c.transport()).thread().getState(),
                    "paused before the first read: no thread reads yet");
            c.transport().resumeReading();
            assertTrue(c.transport().isReading());
            pipe.sink().close();
            awaitLost(p);
            assertEquals(List.of("made", "data abc", "eof", "lost null"), p.events);
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void isReadingFollowsPauseResumeAndClose(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = connect(thread, pipe, p);
            ReadTransport t = c.transport();
            assertTrue(t.isReading());
            assertFalse(t.isClosing());
            t.pauseReading();
            t.pauseReading(); // idempotent
            assertFalse(t.isReading());
            t.resumeReading();
            t.resumeReading();
            assertTrue(t.isReading());
            t.close();
            assertFalse(t.isReading());
            assertTrue(t.isClosing());
            t.resumeReading(); // on a closed pipe: nothing
            assertFalse(t.isReading());
            t.close(); // idempotent
            assertNull(awaitLost(p));
            Asyncio.sleep(Duration.ZERO);
            assertEquals(List.of("made", "lost null"), p.events);
            pipe.sink().close();
        });
    }

    @ParameterizedTest(name = "thread={0}")
    @ValueSource(booleans = {false, true})
    void thePipeIsTheExtraInfoPipeAndItsStatePrints(boolean thread) {
        Asyncio.run(() -> {
            Pipe pipe = Pipe.open();
            Hooked p = new Hooked();
            PipeConnection<ReadTransport, Hooked> c = connect(thread, pipe, p);
            ReadTransport t = c.transport();
            Object end = t.getExtraInfo("pipe");
            if (thread) assertInstanceOf(java.io.InputStream.class, end);
            else assertSame(pipe.source(), end);
            assertNull(t.getExtraInfo("peername"));
            String name = thread ? "ThreadReadPipe" : "SelectorReadPipe";
            assertEquals(name + "[open " + end + "]", t.toString());
            t.pauseReading();
            assertEquals(name + "[paused " + end + "]", t.toString());
            t.close();
            assertEquals(name + "[closed " + end + "]", t.toString());
            awaitLost(p);
            pipe.sink().close();
        });
    }

    /**
     * Two pipes ready in the same loop iteration, each closing (or pausing) the other from its
     * {@code dataReceived}: whichever runs first, the other delivers nothing more, although its
     * readiness event was already queued.
     */
    @ParameterizedTest(name = "close={0}")
    @ValueSource(booleans = {false, true})
    void aSelectorPipeClosedOrPausedEarlierInTheSameIterationDeliversNothing(boolean close) {
        Asyncio.run(() -> {
            Pipe a = Pipe.open();
            Pipe b = Pipe.open();
            Hooked pa = new Hooked();
            Hooked pb = new Hooked();
            connect(false, a, pa);
            connect(false, b, pb);
            Consumer<ReadTransport> stopA = t -> {
                if (close) pa.transport.close();
                else pa.transport.pauseReading();
            };
            Consumer<ReadTransport> stopB = t -> {
                if (close) pb.transport.close();
                else pb.transport.pauseReading();
            };
            pa.onData = t -> stopB.accept(t);
            pb.onData = t -> stopA.accept(t);
            write(a, "a"); // both readable before the loop's next select
            write(b, "b");
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> one = loop.createFuture();
            Runnable first = () -> {
                if (!one.done()) one.setResult(null);
            };
            Consumer<ReadTransport> a0 = pa.onData;
            Consumer<ReadTransport> b0 = pb.onData;
            pa.onData = t -> {
                a0.accept(t);
                first.run();
            };
            pb.onData = t -> {
                b0.accept(t);
                first.run();
            };
            one.await();
            for (int i = 0; i < 3; i++) Asyncio.sleep(Duration.ZERO);
            long delivered = pa.events.stream().filter(e -> e.startsWith("data")).count()
                    + pb.events.stream().filter(e -> e.startsWith("data")).count();
            assertEquals(1, delivered, pa.events + " " + pb.events);
            pa.transport.close();
            pb.transport.close();
            a.sink().close();
            b.sink().close();
        });
    }
}
