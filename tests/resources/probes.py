"""Probes for the resource tests: raw HTTP, a worker's memory, /api/health meanwhile."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil


def post(port: int, path: str, body: bytes, *, content_type: str = "application/json",
         timeout: float = 120.0) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body=body, headers={"content-type": content_type})
        reply = conn.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        conn.close()


def raw(port: int, data: bytes, *, timeout: float = 30.0) -> bytes:
    """Send ``data`` as it is and read until the server closes (or ``timeout``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def worker(server_pid: int) -> psutil.Process:
    """The process that serves: uvicorn itself with one worker, else its first child."""
    parent = psutil.Process(server_pid)
    children = parent.children()
    return children[0] if children else parent


def rss_mb(process: psutil.Process) -> float:
    return float(process.memory_info().rss) / 2**20


def peak_rss_mb(process: psutil.Process) -> float:
    """VmHWM: the most the process has ever been resident."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)
    failures: int = 0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def health_meanwhile(port: int, pause: float = 0.01) -> Iterator[Latencies]:
    """GET /api/health in a loop on its own connection while the block runs."""
    found = Latencies()
    stop = threading.Event()

    def loop() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            start = time.perf_counter()
            try:
                conn.request("GET", "/api/health")
                conn.getresponse().read()
                found.seconds.append(time.perf_counter() - start)
            except (OSError, http.client.HTTPException):
                found.failures += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            time.sleep(pause)
        conn.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stop.set()
        thread.join(timeout=60)
