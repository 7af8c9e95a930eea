#!/usr/bin/env python3
"""The like-for-like Python contenders of bench/apps-bench.sh: an HTTP/1.1 keep-alive server that
parses and validates requests exactly as jasyncio's HttpServer example does (examples/.../http/
HttpRequest.java), on asyncio streams or on asyncio's Protocol API, with the same handler and the
same response bytes. (bench/http_hello.py, the older contender, only counts b"\\r\\n\\r\\n".)

    python3 bench/http_parsing.py PORT streams|protocol [uvloop]

What both modes do, as the Java example: lines end at LF (a CR before it is dropped); one empty
line before a request line is skipped; the request line is METHOD SP TARGET SP HTTP/1.x with a
token method and a target starting with "/" (or "*"), else 400 (505 for another HTTP version);
a control character in a line is a 400; at most 100 header fields (431; repeats count); a line longer than 8 KiB
is a 414 (request line) or 431 (header); header names must be tokens and are lower-cased, values
stripped, repeated headers joined with ", "; Transfer-Encoding is a 501; Content-Length must be a
non-negative integer (400) of at most 1 MiB (413) and that many body bytes are read. After an
error response the connection is closed. Keep-alive: HTTP/1.1 unless "Connection: close",
HTTP/1.0 only with "Connection: keep-alive". Handler: GET or HEAD / -> "Hello, World!\\n", other
methods on / -> 405, /echo -> the body, else 404. The encoded hello is reused, as the Java example
reuses the bytes of the last response.

streams: one task per connection; readline() per line, readexactly() for a body, write() and
await drain() per response (the Java example's shape). protocol: data_received parses every
complete request in the buffer and sends all their responses with one transport.write().
"""
import asyncio
import sys

MAX_LINE = 8 * 1024
MAX_HEADERS = 100
MAX_BODY = 1024 * 1024
TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
CTL = frozenset(c for c in range(0x20) if c != 0x09) | {0x7f}
REASON = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
          414: "URI Too Long", 431: "Request Header Fields Too Large", 500: "Internal Server Error",
          501: "Not Implemented", 505: "HTTP Version Not Supported"}
TEXT = "text/plain; charset=utf-8"


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def is_token(b):
    return bool(b) and all(c in TCHAR for c in b)


def check_ctl(line, what):
    if any(c in CTL for c in line):
        raise BadRequest(400, "control character in " + what)


def shorten(s):
    return s if len(s) <= 80 else s[:80] + "..."


def parse_request_line(line):
    """(method, target, version) from a request line without its line end."""
    check_ctl(line, "request line")
    text = line.decode("latin-1")
    parts = text.split(" ")
    if len(parts) != 3 or not parts[0]:
        raise BadRequest(400, "malformed request line (want METHOD SP TARGET SP HTTP/1.x): " + shorten(text))
    method, target, version = parts
    if not is_token(line[:len(method)]):
        raise BadRequest(400, "malformed method: " + shorten(method))
    if not target or (target[0] != "/" and target != "*"):
        raise BadRequest(400, "malformed request target (want an absolute path): " + shorten(target))
    if not version.startswith("HTTP/1.") or len(version) != 8 or not version[7].isdigit():
        raise BadRequest(505 if version.startswith("HTTP/") else 400, "unsupported protocol version: " + shorten(version))
    return method, target, ("HTTP/1.0" if version == "HTTP/1.0" else "HTTP/1.1")


def add_header(headers, fields, line):
    """Adds the header line to headers; fields: how many header lines came before it."""
    if fields == MAX_HEADERS:  # fields, not names: repeats of one name count too
        raise BadRequest(431, "more than %d header fields" % MAX_HEADERS)
    check_ctl(line, "header line")
    colon = line.find(b":")
    if colon <= 0 or not is_token(line[:colon]):
        raise BadRequest(400, "malformed header line (want NAME: VALUE): " + shorten(line.decode("latin-1")))
    name = line[:colon].decode("latin-1").lower()
    value = line[colon + 1:].decode("latin-1").strip()
    old = headers.get(name)
    headers[name] = value if old is None else old + ", " + value


def body_length(headers):
    if "transfer-encoding" in headers:
        raise BadRequest(501, "Transfer-Encoding is not supported by this example: send Content-Length")
    length = headers.get("content-length")
    if length is None:
        return 0
    try:
        n = int(length)
    except ValueError:
        raise BadRequest(400, "malformed Content-Length: " + shorten(length)) from None
    if n < 0:
        raise BadRequest(400, "negative Content-Length: %d" % n)
    if n > MAX_BODY:
        raise BadRequest(413, "body of %d bytes exceeds the limit of %d" % (n, MAX_BODY))
    return n


def keep_alive(version, headers):
    c = headers.get("connection", "").lower()
    return "close" not in c if version == "HTTP/1.1" else "keep-alive" in c


def encode(status, ctype, body, keep, head):
    h = ("HTTP/1.1 %d %s\r\nServer: asyncio\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
         % (status, REASON.get(status, "Status %d" % status), ctype, len(body), "" if keep else "Connection: close\r\n"))
    h = h.encode("latin-1")
    return h if head else h + body


HELLO = b"Hello, World!\n"
# The hello's wire bytes for (keep_alive, head), computed once: the Java example reuses them too.
HELLO_WIRE = {(k, h): encode(200, TEXT, HELLO, k, h) for k in (True, False) for h in (True, False)}


def respond(method, target, version, headers, body):
    """The response bytes and whether the connection stays open."""
    keep = keep_alive(version, headers)
    head = method == "HEAD"
    if target == "/":
        if method == "GET" or head:
            return HELLO_WIRE[keep, head], keep
        return encode(405, TEXT, b"use GET\n", keep, head), keep
    if target == "/echo":
        return encode(200, "application/octet-stream", body, keep, head), keep
    return encode(404, TEXT, ("no such page: " + target + "\n").encode(), keep, head), keep


def error_response(e):
    return encode(e.status, TEXT, (str(e) + "\n").encode(), False, False)


# ---- streams ----

async def read_line(reader, too_long_status, what):
    """A line without its line end; None at EOF before any byte."""
    try:
        line = await reader.readline()
    except ValueError:  # asyncio's limit overrun
        raise BadRequest(too_long_status, what + " too long") from None
    if not line:
        return None
    if line[-1:] != b"\n":
        raise asyncio.IncompleteReadError(line, None)
    return line[:-2] if line[-2:] == b"\r\n" else line[:-1]


async def serve_stream(reader, writer):
    try:
        while True:
            try:
                line = await read_line(reader, 414, "request line")
                if line == b"":
                    line = await read_line(reader, 414, "request line")
                if line is None:
                    break
                method, target, version = parse_request_line(line)
                headers = {}
                fields = 0
                while True:
                    h = await read_line(reader, 431, "header line")
                    if h is None:
                        raise asyncio.IncompleteReadError(b"", None)
                    if not h:
                        break
                    add_header(headers, fields, h)
                    fields += 1
                n = body_length(headers)
                body = await reader.readexactly(n) if n else b""
            except BadRequest as e:
                writer.write(error_response(e))
                await writer.drain()
                break
            data, keep = respond(method, target, version, headers, body)
            writer.write(data)
            await writer.drain()
            if not keep:
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


# ---- protocol ----

class HttpProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""
        self.closed = False

    def data_received(self, data):
        if self.closed:
            return
        buf = self.buf + data if self.buf else data
        out = []
        pos = 0
        keep = True
        try:
            while keep:
                r = self.parse(buf, pos)
                if r is None:
                    break
                pos, (method, target, version, headers, body) = r
                resp, keep = respond(method, target, version, headers, body)
                out.append(resp)
        except BadRequest as e:
            out.append(error_response(e))
            keep = False
        self.buf = buf[pos:]
        if out:
            self.transport.write(out[0] if len(out) == 1 else b"".join(out))
        if not keep:
            self.closed = True
            self.transport.close()

    @staticmethod
    def line_end(buf, pos, too_long_status, what):
        """Where the line at pos ends (its LF), or -1 if it is not complete yet."""
        # As the streams' limit: at most MAX_LINE bytes before the LF (a CR counts).
        nl = buf.find(b"\n", pos, pos + MAX_LINE + 1)
        if nl < 0:
            if len(buf) - pos > MAX_LINE:
                raise BadRequest(too_long_status, what + " too long")
            return -1
        return nl

    def parse(self, buf, pos):
        """(next position, request) for the complete request at pos, or None if more is needed."""
        nl = self.line_end(buf, pos, 414, "request line")
        if nl < 0:
            return None
        if nl == pos or (nl == pos + 1 and buf[pos] == 13):  # one empty line before the request line
            pos = nl + 1
            nl = self.line_end(buf, pos, 414, "request line")
            if nl < 0:
                return None
        line = buf[pos:nl - 1 if nl > pos and buf[nl - 1] == 13 else nl]
        method, target, version = parse_request_line(line)
        headers = {}
        fields = 0
        p = nl + 1
        while True:
            nl = self.line_end(buf, p, 431, "header line")
            if nl < 0:
                return None
            h = buf[p:nl - 1 if nl > p and buf[nl - 1] == 13 else nl]
            p = nl + 1
            if not h:
                break
            add_header(headers, fields, h)
            fields += 1
        n = body_length(headers)
        if len(buf) - p < n:
            return None
        return p + n, (method, target, version, headers, buf[p:p + n])

    def connection_lost(self, exc):
        self.closed = True


async def main(port, mode):
    loop = asyncio.get_running_loop()
    if mode == "streams":
        server = await asyncio.start_server(serve_stream, "127.0.0.1", port, limit=MAX_LINE, backlog=1024)
    elif mode == "protocol":
        server = await loop.create_server(HttpProtocol, "127.0.0.1", port, backlog=1024)
    else:
        raise SystemExit("mode must be streams or protocol, not " + repr(mode))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit("usage: http_parsing.py PORT streams|protocol [uvloop]")
    if len(sys.argv) > 3 and sys.argv[3] == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
