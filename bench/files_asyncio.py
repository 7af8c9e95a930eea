#!/usr/bin/env python3
"""The Python side of FilesBench: the same work with asyncio + asyncio.to_thread.

1 GiB written and read in 64 KiB chunks (one to_thread hop per chunk, as aiofiles does), and
100,000 small files written then read (one hop per file operation), sequentially in one task and
with `concurrency` tasks sharing the files. Plain synchronous Python is measured alongside, in the
same rounds, alternating, as a reference.

usage: python3 bench/files_asyncio.py [--dir D] [--mib 1024] [--chunk 65536] [--files 100000]
                                      [--file-size 1024] [--rounds 3] [--concurrency 16]
Lines starting with RESULT: workload, contender, MB/s or files/s (same names as FilesBench).
"""
import argparse
import asyncio
import os
import random
import statistics
import time


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


class Bench:
    def __init__(self, d, nbytes, chunk, files, file_size, concurrency):
        self.dir, self.bytes, self.chunk = d, nbytes, chunk
        self.files, self.file_size, self.concurrency = files, file_size, concurrency
        rnd = random.Random(7)
        self.chunk_data = rnd.randbytes(chunk)
        self.file_data = rnd.randbytes(file_size)
        self.small = os.path.join(d, "small")
        os.makedirs(self.small, exist_ok=True)

    # ---- plain, synchronous ----
    def plain_write(self, p):
        with open(p, "wb", buffering=0) as f:
            done = 0
            while done < self.bytes:
                f.write(self.chunk_data)
                done += self.chunk

    def plain_read(self, p):
        total = 0
        with open(p, "rb", buffering=0) as f:
            while True:
                b = f.read(self.chunk)
                if not b:
                    break
                total += len(b)
        assert total == self.bytes, total

    def plain_small(self):
        for i in range(self.files):
            with open(os.path.join(self.small, f"f{i}"), "wb") as f:
                f.write(self.file_data)
        total = 0
        for i in range(self.files):
            with open(os.path.join(self.small, f"f{i}"), "rb") as f:
                total += len(f.read())
        assert total == self.files * self.file_size

    # ---- asyncio + to_thread ----
    async def asyncio_write(self, p):
        f = await asyncio.to_thread(open, p, "wb", buffering=0)
        try:
            done = 0
            while done < self.bytes:
                await asyncio.to_thread(f.write, self.chunk_data)
                done += self.chunk
        finally:
            await asyncio.to_thread(f.close)

    async def asyncio_read(self, p):
        f = await asyncio.to_thread(open, p, "rb", buffering=0)
        total = 0
        try:
            while True:
                b = await asyncio.to_thread(f.read, self.chunk)
                if not b:
                    break
                total += len(b)
        finally:
            await asyncio.to_thread(f.close)
        assert total == self.bytes, total

    @staticmethod
    def _write_file(p, data):
        with open(p, "wb") as f:
            f.write(data)

    @staticmethod
    def _read_file(p):
        with open(p, "rb") as f:
            return f.read()

    async def asyncio_small(self):
        for i in range(self.files):
            await asyncio.to_thread(self._write_file, os.path.join(self.small, f"f{i}"), self.file_data)
        total = 0
        for i in range(self.files):
            total += len(await asyncio.to_thread(self._read_file, os.path.join(self.small, f"f{i}")))
        assert total == self.files * self.file_size

    async def asyncio_small_concurrent(self):
        it = iter(range(self.files))

        async def writer():
            for i in it:
                await asyncio.to_thread(self._write_file, os.path.join(self.small, f"f{i}"), self.file_data)

        await asyncio.gather(*(writer() for _ in range(self.concurrency)))
        it = iter(range(self.files))
        total = 0

        async def reader():
            nonlocal total
            for i in it:
                n = len(await asyncio.to_thread(self._read_file, os.path.join(self.small, f"f{i}")))
                total += n  # after the await: `total += len(await ...)` would read total before it

        await asyncio.gather(*(reader() for _ in range(self.concurrency)))
        assert total == self.files * self.file_size

    def round(self, r):
        res = {}
        big = os.path.join(self.dir, "big.bin")
        plain_first = r % 2 == 0

        cpu = {}

        def timed(fn):
            # process_time: CPU of every thread of the process (the loop and to_thread's workers)
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            dt = time.perf_counter() - t0
            cpu["last"] = (time.process_time() - c0) * 1000
            return dt

        def put(key, value):
            res[key] = value
            cpu[key] = cpu["last"]

        for k in range(2):
            if (k == 0) == plain_first:
                put("write-1GiB plain-python", self.bytes / 1e6 / timed(lambda: self.plain_write(big)))
            else:
                put("write-1GiB asyncio", self.bytes / 1e6 / timed(lambda: asyncio.run(self.asyncio_write(big))))
        for k in range(2):
            if (k == 0) == plain_first:
                put("read-1GiB plain-python", self.bytes / 1e6 / timed(lambda: self.plain_read(big)))
            else:
                put("read-1GiB asyncio", self.bytes / 1e6 / timed(lambda: asyncio.run(self.asyncio_read(big))))
        order = ["plain-python", "asyncio", "asyncio-concurrent"]
        if not plain_first:
            order.reverse()
        for c in order:
            fn = {"plain-python": self.plain_small,
                  "asyncio": lambda: asyncio.run(self.asyncio_small()),
                  "asyncio-concurrent": lambda: asyncio.run(self.asyncio_small_concurrent())}[c]
            put("small-write+read " + c, self.files / timed(fn))
        if r >= 0:
            for k, v in res.items():
                print(f"RESULT round={r} {k} {v:.1f} {'files/s' if k.startswith('small') else 'MB/s'} cpu-ms={cpu[k]:.0f}", flush=True)
        return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="/tmp/jasyncio-files-bench-py")
    ap.add_argument("--mib", type=int, default=1024)
    ap.add_argument("--chunk", type=int, default=65536)
    ap.add_argument("--files", type=int, default=100000)
    ap.add_argument("--file-size", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=16)
    a = ap.parse_args()
    print(f"# files_asyncio.py dir={a.dir} size={a.mib} MiB chunk={a.chunk} files={a.files} x {a.file_size} B "
          f"rounds={a.rounds} concurrency={a.concurrency} loadavg={loadavg()}", flush=True)
    Bench(a.dir, min(a.mib, 64) << 20, a.chunk, min(a.files, 5000), a.file_size, a.concurrency).round(-1)
    b = Bench(a.dir, a.mib << 20, a.chunk, a.files, a.file_size, a.concurrency)
    b.round(-1)
    ratios = {}
    for r in range(a.rounds):
        res = b.round(r)
        print(f"# round {r} loadavg={loadavg()}", flush=True)
        for work in ["write-1GiB", "read-1GiB", "small-write+read"]:
            ratios.setdefault(work + " asyncio/plain-python", []).append(res[work + " asyncio"] / res[work + " plain-python"])
    for k, v in ratios.items():
        print(f"MEDIAN {k} {statistics.median(v):.3f}  (rounds: {[round(x, 3) for x in v]})")
    print(f"# end loadavg={loadavg()}")


if __name__ == "__main__":
    main()
