package io.jasyncio.examples.resp;

import io.jasyncio.net.Protocol;
import io.jasyncio.net.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One client of the RESP server, on the Protocol API: parses every complete command in what
 * arrived (RESP2 arrays of bulk strings, as redis-cli and client libraries send, or inline
 * commands typed into {@code nc}), runs them against the {@link Store}, and sends all their replies
 * in one write. A pipelined burst of 16 commands thus costs one read and one write.
 *
 * <p>Bad input: an unknown command or a wrong argument count gets an error reply; a malformed
 * line (a bad array or bulk length, a missing {@code $}) gets {@code -ERR Protocol error: ...} and
 * is skipped, and the connection stays open. Only a bulk string announced larger than
 * {@link #MAX_BULK} closes the connection after the error, since its bytes would have to be
 * read to find the next command.
 *
 * <p>Runs entirely on the loop thread (a Protocol's callbacks do), so the store needs no locks.
 */
final class RespConnection implements Protocol {
    static final int MAX_BULK = 16 * 1024 * 1024;
    static final int MAX_ARGS = 1024 * 1024;
    /** Longest inline command or length line; longer input without a line end is a protocol error. */
    static final int MAX_INLINE = 64 * 1024;

    private final Store store;
    private Transport transport;
    /** Received bytes not yet parsed into a complete command: {@code [0, inLen)}. */
    private byte[] in = new byte[16 * 1024];
    private int inLen;
    /** Replies produced by one dataReceived, sent in one write: {@code [0, outLen)}. */
    private byte[] out = new byte[16 * 1024];
    private int outLen;
    /** The arguments of the command being run; reused. */
    private final List<byte[]> args = new ArrayList<>();
    private boolean closing;

    RespConnection(Store store) {
        this.store = store;
    }

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (closing) return;
        int n = data.remaining();
        if (in.length - inLen < n) in = Arrays.copyOf(in, Math.max(in.length * 2, inLen + n));
        data.get(in, inLen, n);
        inLen += n;
        int p = 0;
        while (p < inLen && !closing) {
            int next = parseOne(p);
            if (next < 0) break; // incomplete: wait for more
            p = next;
        }
        // Keep the unparsed tail at the front.
        if (p > 0) {
            System.arraycopy(in, p, in, 0, inLen - p);
            inLen -= p;
        }
        if (outLen > 0) {
            transport.write(ByteBuffer.wrap(out, 0, outLen)); // the transport copies what it cannot send now
            outLen = 0;
        }
        if (closing) transport.close();
    }

    @Override
    public void pauseWriting() {
        // A client that does not read its replies: stop reading its commands until it catches up.
        transport.pauseReading();
    }

    @Override
    public void resumeWriting() {
        transport.resumeReading();
    }

    /** Parses and runs the command at {@code p}; returns where the next starts, or -1 if incomplete. */
    private int parseOne(int p) {
        if (in[p] != '*') return parseInline(p);
        int eol = lineEnd(p);
        if (eol == TOO_LONG) return protocolError("too big multibulk length line", inLen, true);
        if (eol < 0) return -1;
        long count = parseLong(p + 1, eol - 1);
        if (count < 0 || count > MAX_ARGS) return protocolError("invalid multibulk length", eol + 1, false);
        args.clear();
        int q = eol + 1;
        for (long i = 0; i < count; i++) {
            if (q >= inLen) return -1;
            int lend = lineEnd(q);
            if (lend == TOO_LONG) return protocolError("too big bulk length line", inLen, true);
            if (lend < 0) return -1;
            if (in[q] != '$') {
                return protocolError("expected '$', got '" + (char) in[q] + "'", lend + 1, false);
            }
            long len = parseLong(q + 1, lend - 1);
            if (len < 0) return protocolError("invalid bulk length", lend + 1, false);
            if (len > MAX_BULK) return protocolError("invalid bulk length", lend + 1, true);
            int start = lend + 1;
            if (inLen - start < len + 2) return -1;
            int end = start + (int) len;
            if (in[end] != '\r' || in[end + 1] != '\n') return protocolError("expected CRLF after bulk string", end, false);
            args.add(Arrays.copyOfRange(in, start, end));
            q = end + 2;
        }
        if (!args.isEmpty()) execute();
        return q;
    }

    private int parseInline(int p) {
        int eol = lineEnd(p);
        if (eol == TOO_LONG) return protocolError("too big inline request", inLen, true);
        if (eol < 0) return -1;
        args.clear();
        int end = eol > p && in[eol - 1] == '\r' ? eol - 1 : eol;
        int i = p;
        while (i < end) {
            while (i < end && (in[i] == ' ' || in[i] == '\t')) i++;
            int s = i;
            while (i < end && in[i] != ' ' && in[i] != '\t') i++;
            if (i > s) args.add(Arrays.copyOfRange(in, s, i));
        }
        if (!args.isEmpty()) execute();
        return eol + 1;
    }

    /** What {@link #lineEnd} returns for a line that has no end within {@link #MAX_INLINE} bytes. */
    private static final int TOO_LONG = -2;

    /**
     * Index of the '\n' ending a line that ends with "\r\n" or "\n", from {@code p}; -1 if none
     * yet, {@link #TOO_LONG} if none can come within the limit (a client must not make us buffer
     * an endless line).
     */
    private int lineEnd(int p) {
        for (int i = p; i < inLen; i++) if (in[i] == '\n') return i;
        return inLen - p > MAX_INLINE ? TOO_LONG : -1;
    }

    /** The decimal number in {@code [from, to)} with a trailing '\r' allowed; -1 if malformed. */
    private long parseLong(int from, int to) {
        if (to > from && in[to - 1] == '\r') to--;
        if (from >= to || to - from > 18) return -1;
        long v = 0;
        for (int i = from; i < to; i++) {
            byte c = in[i];
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Replies with a protocol error; skips the bad input up to {@code resumeAt} (or closes). */
    private int protocolError(String what, int resumeAt, boolean close) {
        error("Protocol error: " + what + (close ? " (closing the connection)" : ""));
        if (close) {
            closing = true;
            return inLen;
        }
        return resumeAt;
    }

    private void execute() {
        Commands.run(store, args, this);
    }

    void quit() {
        simple("OK");
        closing = true;
    }

    // ---- replies (RESP2) ----

    void simple(String s) {
        put((byte) '+');
        putAscii(s);
        crlf();
    }

    void error(String message) {
        put((byte) '-');
        putAscii(message.startsWith("ERR") || message.startsWith("WRONGTYPE") ? message : "ERR " + message);
        crlf();
    }

    void integer(long n) {
        put((byte) ':');
        putAscii(Long.toString(n));
        crlf();
    }

    void bulk(byte[] b) {
        if (b == null) {
            putAscii("$-1");
            crlf();
            return;
        }
        put((byte) '$');
        putAscii(Integer.toString(b.length));
        crlf();
        ensure(b.length);
        System.arraycopy(b, 0, out, outLen, b.length);
        outLen += b.length;
        crlf();
    }

    void arrayHeader(int n) {
        put((byte) '*');
        putAscii(Integer.toString(n));
        crlf();
    }

    private void putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            // A reply line must not contain CR or LF (an echoed bad command could carry them).
            out[outLen++] = (byte) (c == '\r' || c == '\n' ? ' ' : c < 0x80 ? c : '?');
        }
    }

    private void put(byte b) {
        ensure(1);
        out[outLen++] = b;
    }

    private void crlf() {
        ensure(2);
        out[outLen++] = '\r';
        out[outLen++] = '\n';
    }

    private void ensure(int n) {
        if (out.length - outLen < n) out = Arrays.copyOf(out, Math.max(out.length * 2, outLen + n));
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
