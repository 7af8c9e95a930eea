package io.jasyncio.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jasyncio.Asyncio;
import io.jasyncio.stream.IncompleteReadError;
import io.jasyncio.stream.StreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request parser of the HTTP example, fed by hand: what it accepts, what it rejects, with which status. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpRequestTest {

    /** Parses {@code wire} (then EOF) with the server's line limit. */
    private static HttpRequest parse(String wire) {
        return Asyncio.run(() -> {
            StreamReader reader = new StreamReader(HttpServer.MAX_LINE);
            reader.feedData(wire.getBytes(StandardCharsets.ISO_8859_1));
            reader.feedEof();
            return HttpRequest.read(reader);
        });
    }

    private static int status(String wire) {
        try {
            parse(wire);
        } catch (CompletionException e) {
            if (e.getCause() instanceof HttpRequest.BadRequest bad) return bad.status;
            throw e;
        }
        throw new AssertionError("accepted: " + wire);
    }

    @Test
    void parsesTheRequestLineAndHeadersWithLowerCasedNamesAndJoinedRepeats() {
        HttpRequest r = parse("GET /a?x=1 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: \t 2 \r\nEmpty:\r\n\r\n");
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/a?x=1");
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.headers()).isEqualTo(Map.of("host", "h", "x-a", "1, 2", "empty", ""));
        assertThat(r.header("host")).isEqualTo("h");
        assertThat(r.body()).isEmpty();
        assertThat(r.keepAlive()).isTrue();
    }

    @Test
    void acceptsBareLineFeedsALeadingEmptyLineAndOtherTokens() {
        HttpRequest r = parse("\r\nM-SEARCH * HTTP/1.0\nConnection: Keep-Alive\n\n");
        assertThat(r.method()).isEqualTo("M-SEARCH");
        assertThat(r.target()).isEqualTo("*");
        assertThat(r.version()).isEqualTo("HTTP/1.0");
        assertThat(r.keepAlive()).isTrue();
    }

    @Test
    void keepAliveFollowsTheVersionAndTheConnectionHeader() {
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n").keepAlive()).isTrue();
        // A later minor version is read as 1.1 (RFC 9110 2.5).
        assertThat(parse("GET / HTTP/1.2\r\n\r\n").version()).isEqualTo("HTTP/1.1");
    }

    @Test
    void readsTheBodyAnnouncedByContentLengthAndLeavesTheNextRequest() {
        HttpRequest r = Asyncio.run(() -> {
            StreamReader reader = new StreamReader(HttpServer.MAX_LINE);
            reader.feedData("POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            HttpRequest first = HttpRequest.read(reader);
            assertThat(new String(first.body(), StandardCharsets.ISO_8859_1)).isEqualTo("hello");
            return HttpRequest.read(reader);
        });
        assertThat(r.target()).isEqualTo("/next");
    }

    @Test
    void keepsObsoleteTextInValuesAsLatin1() {
        assertThat(parse("GET / HTTP/1.1\r\nX: caf\u00e9\r\n\r\n").header("x")).isEqualTo("caf\u00e9");
    }

    @Test
    void endOfStreamBeforeARequestIsNullAndInsideOneIsAnIncompleteRead() {
        assertThat(parse("")).isNull();
        assertThatThrownBy(() -> parse("GET / HTTP/1.1\r\nHost: h\r\n")).hasCauseInstanceOf(IncompleteReadError.class);
        assertThatThrownBy(() -> parse("GET / HTT")).hasCauseInstanceOf(IncompleteReadError.class);
        assertThatThrownBy(() -> parse("POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc")).hasCauseInstanceOf(IncompleteReadError.class);
    }

    @ParameterizedTest(name = "{1} for {0}")
    @CsvSource(delimiter = '|', value = {
        "GET /  HTTP/1.1|400",
        "GET / HTTP/1.1 x|400",
        "' GET / HTTP/1.1'|400",
        "GET|400",
        "GET /|400",
        "G(T / HTTP/1.1|400",
        "GET x HTTP/1.1|400",
        "GET / FOO/1.1|400",
        "GET / HTTP/2.0|505",
        "GET / HTTP/1.x|505",
        "GET / HTTP/1.10|505",
        "GET /\u0001 HTTP/1.1|400",
        "GET /\u007f HTTP/1.1|400",
    })
    void rejectsAMalformedRequestLine(String line, int status) {
        assertThat(status(line + "\r\n\r\n")).isEqualTo(status);
    }

    @ParameterizedTest(name = "{1} for {0}")
    @CsvSource(delimiter = '|', value = {
        "bad header|400",
        ": no name|400",
        "' folded: line'|400",
        "Na me: v|400",
        "X: a\u0000b|400",
        "Transfer-Encoding: chunked|501",
        "Content-Length: x|400",
        "Content-Length: -1|400",
        "Content-Length: 2000000|413",
    })
    void rejectsAMalformedOrUnsupportedHeader(String header, int status) {
        assertThat(status("GET / HTTP/1.1\r\n" + header + "\r\n\r\n")).isEqualTo(status);
    }

    @Test
    void rejectsTooLongLinesAndTooManyHeaders() {
        assertThat(status("GET /" + "a".repeat(HttpServer.MAX_LINE) + " HTTP/1.1\r\n\r\n")).isEqualTo(414);
        assertThat(status("GET / HTTP/1.1\r\nX: " + "a".repeat(HttpServer.MAX_LINE) + "\r\n\r\n")).isEqualTo(431);
        assertThat(status("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(HttpRequest.MAX_HEADERS + 1) + "\r\n")).isEqualTo(431);
        // Exactly the limit is fine.
        assertThat(parse("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(HttpRequest.MAX_HEADERS) + "\r\n").header("x")).startsWith("y, y");
    }
}
