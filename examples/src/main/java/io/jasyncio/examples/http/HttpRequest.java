package io.jasyncio.examples.http;

import io.jasyncio.stream.IncompleteReadError;
import io.jasyncio.stream.LimitOverrunError;
import io.jasyncio.stream.StreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One parsed HTTP/1.x request: the request line, the headers (names lower-cased) and the body
 * announced by {@code Content-Length}.
 *
 * <pre>{@code
 * HttpRequest req = HttpRequest.read(reader);   // null when the client closed between requests
 * if (req.header("connection") ...) ...
 * }</pre>
 *
 * @param method   the method token, e.g. {@code GET}
 * @param target   the request target, e.g. {@code /hello?x=1}
 * @param version  {@code HTTP/1.0} or {@code HTTP/1.1}
 * @param headers  header names in lower case; a repeated header keeps its values joined by ", "
 * @param body     the request body (empty without {@code Content-Length})
 */
public record HttpRequest(String method, String target, String version, Map<String, String> headers, byte[] body) {
    /** Most headers a request may carry; more is a 400 (a hostile client could send millions). */
    static final int MAX_HEADERS = 100;
    /** Largest request body accepted; larger is a 413. */
    static final int MAX_BODY = 1024 * 1024;

    /** The request violates HTTP/1.1's syntax: the server answers {@code status} and closes. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** A header's value, or null. {@code name} in lower case. */
    public String header(String name) {
        return headers.get(name);
    }

    /**
     * Whether the connection stays open after the response: HTTP/1.1 unless
     * {@code Connection: close}, HTTP/1.0 only with {@code Connection: keep-alive}.
     */
    public boolean keepAlive() {
        String c = header("connection");
        String v = c == null ? "" : c.toLowerCase(Locale.ROOT);
        return version.equals("HTTP/1.1") ? !v.contains("close") : v.contains("keep-alive");
    }

    /**
     * Reads the next request. Suspends until it has arrived (cancellable there); call it from
     * the task serving the connection.
     *
     * @return the request, or null if the client closed the connection before sending a byte of it
     * @throws BadRequest          if the request line, a header or the length is malformed
     * @throws IncompleteReadError if the client closed the connection in the middle of a request
     * @throws IOException         if the connection broke
     */
    static HttpRequest read(StreamReader reader) throws IOException, BadRequest {
        // The parsing works on the line's bytes and makes Strings only of what the request keeps
        // (target, header names and values): a keep-alive client's every request passes here.
        byte[] line = readLine(reader, 414, "request line");
        // RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request line.
        if (line != null && end(line) == 0) line = readLine(reader, 414, "request line");
        if (line == null) return null;
        int end = end(line);
        checkControls(line, end, "request line");
        int sp1 = indexOf(line, ' ', 0, end);
        int sp2 = sp1 < 0 ? -1 : indexOf(line, ' ', sp1 + 1, end);
        if (sp1 <= 0 || sp2 < 0 || indexOf(line, ' ', sp2 + 1, end) >= 0) {
            throw new BadRequest(400, "malformed request line (want METHOD SP TARGET SP HTTP/1.x): " + text(line, 0, end));
        }
        if (!isToken(line, 0, sp1)) throw new BadRequest(400, "malformed method: " + text(line, 0, sp1));
        String method = method(line, sp1);
        boolean star = sp2 == sp1 + 2 && line[sp1 + 1] == '*';
        if (sp2 == sp1 + 1 || (line[sp1 + 1] != '/' && !star)) {
            throw new BadRequest(400, "malformed request target (want an absolute path): " + text(line, sp1 + 1, sp2));
        }
        String target = star ? "*" : new String(line, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        // "HTTP/1." and one digit; a later minor version is read as 1.1 (RFC 9110 2.5).
        int v = sp2 + 1;
        if (end - v != 8 || !startsWith(line, v, HTTP_1) || line[end - 1] < '0' || line[end - 1] > '9') {
            throw new BadRequest(startsWith(line, v, HTTP_SLASH) ? 505 : 400, "unsupported protocol version: " + text(line, v, end));
        }
        String version = line[end - 1] == '0' ? "HTTP/1.0" : "HTTP/1.1";

        Map<String, String> headers = new LinkedHashMap<>();
        for (int fields = 0; ; fields++) {
            byte[] h = readLine(reader, 431, "header line");
            if (h == null) throw new IncompleteReadError(new byte[0], -1);
            int hend = end(h);
            if (hend == 0) break;
            // Counts fields, not names: a thousand "X: y" lines would otherwise grow one value forever.
            if (fields == MAX_HEADERS) throw new BadRequest(431, "more than " + MAX_HEADERS + " header fields");
            checkControls(h, hend, "header line");
            int colon = indexOf(h, ':', 0, hend);
            if (colon <= 0 || !isToken(h, 0, colon)) {
                // Covers obsolete line folding too (a line starting with whitespace): RFC 9112 5.2.
                throw new BadRequest(400, "malformed header line (want NAME: VALUE): " + text(h, 0, hend));
            }
            for (int i = 0; i < colon; i++) {
                if (h[i] >= 'A' && h[i] <= 'Z') h[i] += 'a' - 'A'; // the array is ours: lower-case in place
            }
            int from = colon + 1;
            int to = hend;
            while (from < to && (h[from] == ' ' || h[from] == '\t')) from++;
            while (to > from && (h[to - 1] == ' ' || h[to - 1] == '\t')) to--;
            headers.merge(new String(h, 0, colon, StandardCharsets.ISO_8859_1),
                    new String(h, from, to - from, StandardCharsets.ISO_8859_1), (a, b) -> a + ", " + b);
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest(501, "Transfer-Encoding is not supported by this example: send Content-Length");
        }
        byte[] body = NO_BODY;
        String length = headers.get("content-length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length);
            } catch (NumberFormatException e) {
                throw new BadRequest(400, "malformed Content-Length: " + shorten(length));
            }
            if (n < 0) throw new BadRequest(400, "negative Content-Length: " + n);
            if (n > MAX_BODY) throw new BadRequest(413, "body of " + n + " bytes exceeds the limit of " + MAX_BODY);
            body = reader.readExactly((int) n);
        }
        return new HttpRequest(method, target, version, headers, body);
    }

    private static final byte[] NO_BODY = new byte[0];
    private static final byte[] HTTP_1 = "HTTP/1.".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HTTP_SLASH = "HTTP/".getBytes(StandardCharsets.ISO_8859_1);
    /** tchar of RFC 9110 5.6.2, by byte value. */
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray()) TOKEN[c] = true;
    }

    /** A line with its LF, which it must end with; null at EOF before any byte. */
    private static byte[] readLine(StreamReader reader, int tooLongStatus, String what) throws IOException, BadRequest {
        byte[] line;
        try {
            line = reader.readLine();
        } catch (LimitOverrunError e) {
            throw new BadRequest(tooLongStatus, what + " too long");
        }
        if (line.length == 0) return null;
        if (line[line.length - 1] != '\n') throw new IncompleteReadError(line, -1); // EOF inside the line
        return line;
    }

    /** Where the line's content ends: before its LF or CRLF. */
    private static int end(byte[] line) {
        int end = line.length - 1;
        return end > 0 && line[end - 1] == '\r' ? end - 1 : end;
    }

    /** The common methods as constants, so that most requests make no String for theirs. */
    private static String method(byte[] line, int len) {
        if (len == 3 && startsWith(line, 0, GET)) return "GET";
        if (len == 4 && startsWith(line, 0, HEAD)) return "HEAD";
        if (len == 4 && startsWith(line, 0, POST)) return "POST";
        return new String(line, 0, len, StandardCharsets.ISO_8859_1);
    }

    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] HEAD = {'H', 'E', 'A', 'D'};
    private static final byte[] POST = {'P', 'O', 'S', 'T'};

    private static void checkControls(byte[] b, int end, String what) throws BadRequest {
        for (int i = 0; i < end; i++) {
            byte c = b[i];
            // Control characters (other than tab) are never valid here; bytes >= 0x80 only in values, as obs-text.
            if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) throw new BadRequest(400, "control character in " + what);
        }
    }

    private static boolean isToken(byte[] b, int from, int to) {
        if (from == to) return false;
        for (int i = from; i < to; i++) {
            if (b[i] < 0 || !TOKEN[b[i]]) return false;
        }
        return true;
    }

    private static int indexOf(byte[] b, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) return i;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int at, byte[] prefix) {
        if (b.length - at < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (b[at + i] != prefix[i]) return false;
        }
        return true;
    }

    /** Bytes {@code [from, to)} as text for an error message, shortened. */
    private static String text(byte[] b, int from, int to) {
        return shorten(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
