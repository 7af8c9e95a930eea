#!/usr/bin/env python3
"""The Python asyncio contender of bench/apps-bench.sh: an HTTP/1.1 keep-alive hello server on
asyncio's Protocol API (its fastest path), answering every request with the same 14-byte body as
jasyncio's HttpServer example. Handles pipelined requests; no request bodies.

It does not parse HTTP: it counts b"\r\n\r\n" and answers a constant, so it does less work per
request than the Java example (request line, headers, Content-Length, Connection: close, 400s).
bench/http_parsing.py is the like-for-like contender; this one stays as the "asyncio-hello" row.

    python3 bench/http_hello.py PORT [uvloop]
"""
import asyncio
import sys

RESPONSE = (b"HTTP/1.1 200 OK\r\nServer: asyncio\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Length: 14\r\n\r\nHello, World!\n")


class Hello(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        buf = self.buf + data
        n = buf.count(b"\r\n\r\n")
        if n:
            self.transport.write(RESPONSE * n)
            buf = buf[buf.rfind(b"\r\n\r\n") + 4:]
        self.buf = buf


async def main(port):
    server = await asyncio.get_running_loop().create_server(Hello, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    port = int(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(main(port))
