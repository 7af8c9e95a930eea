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
        byte[] line = readLine(reader, 414, "request line");
        // RFC 9112 2.2: a server SHOULD ignore at least one empty line before the request line.
        if (line != null && line.length == 0) line = readLine(reader, 414, "request line");
        if (line == null) return null;
        String requestLine = ascii(line, "request line");
        int sp1 = requestLine.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : requestLine.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || requestLine.indexOf(' ', sp2 + 1) >= 0) {
            throw new BadRequest(400, "malformed request line (want METHOD SP TARGET SP HTTP/1.x): " + shorten(requestLine));
        }
        String method = requestLine.substring(0, sp1);
        String target = requestLine.substring(sp1 + 1, sp2);
        String version = requestLine.substring(sp2 + 1);
        if (!isToken(method)) throw new BadRequest(400, "malformed method: " + shorten(method));
        if (target.isEmpty() || (target.charAt(0) != '/' && !target.equals("*"))) {
            throw new BadRequest(400, "malformed request target (want an absolute path): " + shorten(target));
        }
        if (!version.startsWith("HTTP/1.") || version.length() != 8 || !Character.isDigit(version.charAt(7))) {
            throw new BadRequest(version.startsWith("HTTP/") ? 505 : 400, "unsupported protocol version: " + shorten(version));
        }
        if (!version.equals("HTTP/1.0")) version = "HTTP/1.1";

        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            byte[] h = readLine(reader, 431, "header line");
            if (h == null) throw new IncompleteReadError(new byte[0], -1);
            if (h.length == 0) break;
            if (headers.size() == MAX_HEADERS) throw new BadRequest(431, "more than " + MAX_HEADERS + " header fields");
            String field = ascii(h, "header line");
            int colon = field.indexOf(':');
            if (colon <= 0 || !isToken(field.substring(0, colon))) {
                // Covers obsolete line folding too (a line starting with whitespace): RFC 9112 5.2.
                throw new BadRequest(400, "malformed header line (want NAME: VALUE): " + shorten(field));
            }
            String name = field.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = field.substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new BadRequest(501, "Transfer-Encoding is not supported by this example: send Content-Length");
        }
        byte[] body = new byte[0];
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

    /** A line without its CRLF (or bare LF), null at EOF before any byte. */
    private static byte[] readLine(StreamReader reader, int tooLongStatus, String what) throws IOException, BadRequest {
        byte[] line;
        try {
            line = reader.readLine();
        } catch (LimitOverrunError e) {
            throw new BadRequest(tooLongStatus, what + " too long");
        }
        if (line.length == 0) return null;
        int end = line.length;
        if (line[end - 1] != '\n') throw new IncompleteReadError(line, -1); // EOF inside the line
        end--;
        if (end > 0 && line[end - 1] == '\r') end--;
        return end == line.length ? line : java.util.Arrays.copyOf(line, end);
    }

    private static String ascii(byte[] b, String what) throws BadRequest {
        for (byte c : b) {
            // Control characters (other than tab) are never valid here; bytes >= 0x80 only in values, as obs-text.
            if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) throw new BadRequest(400, "control character in " + what);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
