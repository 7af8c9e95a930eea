#!/usr/bin/env python3
"""A chat client on Python's asyncio, for the jasyncio chat example.

    python3 examples/scripts/chat_client.py HOST PORT NAME

Lines typed on stdin are sent; lines from the server are printed. Ends when the
server closes the connection or stdin ends (then it sends /quit).
"""
import asyncio
import sys
import threading


def read_stdin_into(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
    """Reads stdin on a daemon thread (it must not keep the process alive after the chat ends)."""
    def run() -> None:
        try:
            for line in sys.stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)
        except RuntimeError:
            pass  # the loop is closed: the chat is over
    threading.Thread(target=run, daemon=True).start()


async def pump_stdin(writer: asyncio.StreamWriter) -> None:
    queue: asyncio.Queue = asyncio.Queue()
    read_stdin_into(asyncio.get_running_loop(), queue)
    while (line := await queue.get()) is not None:
        writer.write(line.encode())
        await writer.drain()
    writer.write(b"/quit\n")
    await writer.drain()


async def main(host: str, port: int, name: str) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(name.encode() + b"\n")
    await writer.drain()
    sender = asyncio.create_task(pump_stdin(writer))
    try:
        async for line in reader:
            print(line.decode().rstrip("\n"), flush=True)
    finally:
        sender.cancel()
        writer.close()


if __name__ == "__main__":
    host, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    try:
        asyncio.run(main(host, port, name))
    except KeyboardInterrupt:
        pass
