"""Bytes through `cat` (stdin -> stdout) with Python's asyncio subprocess streams: the Python side
of bench/subprocess-bench.sh, doing what io.jasyncio.bench.SubprocessCat does: one coroutine
writes 256 KiB blocks with write() + drain(), another reads with read(1 MiB) until EOF.
Prints one line: `asyncio <bytes> <seconds> <MB/s> <cpu-seconds>` (this process's CPU time during
the transfer, not the child's). uvloop is not installable here (no PyPI).

usage: python3 bench/subprocess_asyncio.py [bytes]
"""
import asyncio
import sys
import time

CHUNK = 256 * 1024


async def transfer(nbytes):
    p = await asyncio.create_subprocess_exec(
        "cat", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)

    async def reader():
        total = 0
        while True:
            b = await p.stdout.read(1 << 20)
            if not b:
                return total
            total += len(b)

    task = asyncio.create_task(reader())
    block = bytes(CHUNK)
    sent = 0
    while sent < nbytes:
        p.stdin.write(block)
        await p.stdin.drain()
        sent += CHUNK
    p.stdin.close()
    got = await task
    if got != nbytes:
        raise RuntimeError(f"sent {nbytes} bytes, cat gave back {got}")
    rc = await p.wait()
    if rc != 0:
        raise RuntimeError(f"cat exited with {rc}")


async def main(nbytes):
    c0 = time.process_time()
    t0 = time.perf_counter()
    await transfer(nbytes)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(f"asyncio {nbytes} {secs:.3f} {nbytes / 1e6 / secs:.1f} {cpu:.3f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 30))
