package io.jasyncio.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a {@code byte[]} streams API must pay per echoed message on top of raw NIO, without
 * sockets: the floor under the Streams echo (issue 12 item 1).
 *
 * <p>Raw NIO reads into a direct buffer and writes the same buffer back: no copy in Java. A
 * Streams echo ({@code reader.read(n)} then {@code writer.write(data)}) must hand the user a
 * {@code byte[]} of its own, so the loop copies the bytes out of its direct read buffer into a
 * new array (what {@code StreamReader.feed} does), and writing a heap array makes the JDK copy it
 * into a temporary direct buffer before the system call (what {@code SocketChannel.write} does
 * for any heap buffer). {@link #echoCopies} is those two steps; the other two split it.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -jar bench/target/benchmarks.jar CopyFloorBench -prof gc
 * </pre>
 *
 * Compare {@link #echoCopies} (µs) with raw NIO's server CPU per request from the echo bench in
 * the same session: (raw + copies) / raw is the lowest Streams/raw ratio this API allows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class CopyFloorBench {
    @Param({"1024", "65536"})
    public int size;

    /** The loop's read buffer (IoLoop's is 256 KiB, direct) holding one message. */
    private ByteBuffer received;
    /** The JDK's per-thread temporary direct buffer that a heap write is copied into. */
    private ByteBuffer temporary;
    private byte[] message;

    @Setup
    public void setUp() {
        received = ByteBuffer.allocateDirect(256 * 1024);
        temporary = ByteBuffer.allocateDirect(256 * 1024);
        message = new byte[size];
        for (int i = 0; i < size; i++) message[i] = (byte) i;
        received.put(message).flip();
    }

    /** The read side: a new array of exactly the message, filled from the direct buffer. */
    @Benchmark
    public byte[] readIntoNewArray() {
        ByteBuffer src = received.duplicate();
        byte[] out = new byte[src.remaining()];
        src.get(out);
        return out;
    }

    /** The write side: the heap array copied into a direct buffer for the system call. */
    @Benchmark
    public ByteBuffer writeFromHeapArray() {
        ByteBuffer dst = temporary;
        dst.clear();
        dst.put(message, 0, size);
        return dst;
    }

    /** Both, as one echo does them: the floor a byte[] API adds per request. */
    @Benchmark
    public ByteBuffer echoCopies() {
        ByteBuffer src = received.duplicate();
        byte[] out = new byte[src.remaining()];
        src.get(out);
        ByteBuffer dst = temporary;
        dst.clear();
        dst.put(out);
        return dst;
    }
}
