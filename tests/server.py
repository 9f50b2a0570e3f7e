"""A real uvicorn server on loopback, for tests that need HTTP over a socket.

``running_server()`` starts ``uvicorn app.main:create_app`` on 127.0.0.1 and a
free port, waits until ``/api/health`` answers, yields the base URL, and stops
the server on exit: SIGTERM, a graceful shutdown bounded by
``--timeout-graceful-shutdown 2`` (a lingering response must not block it
forever), then SIGKILL to the whole process group if it is still there.

    from tests.server import running_server

    with running_server() as base:                  # base == "http://127.0.0.1:PORT"
        urllib.request.urlopen(base + "/api/health")
        base.process.pid                            # the uvicorn process
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# What the ``convviz`` command sets for its workers (app/cli.py), so that a test's server
# runs as the product does.
SERVER_ENV = {"OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2",
              "MALLOC_MMAP_THRESHOLD_": "131072"}


class Server(str):
    """The base URL (a ``str``, so ``base + "/api/health"`` works), plus the process."""

    port: int
    process: subprocess.Popen[bytes]

    def __new__(cls, port: int, process: subprocess.Popen[bytes]) -> Server:
        self = super().__new__(cls, f"http://127.0.0.1:{port}")
        self.port = port
        self.process = process
        return self

    @property
    def url(self) -> str:
        return str(self)


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, even by SIGKILL (Linux).

    The server runs in its own session (so that a kill reaches its workers), which
    also shields it from a Ctrl-C or a ``timeout`` aimed at the test run: without
    this it would outlive an interrupted run.
    """
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def uvicorn_command(port: int, *, workers: int = 1, extra: Sequence[str] = ()) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--timeout-graceful-shutdown", "2", "--log-level", "warning",
            "--http", "app.http:GuardedHttpProtocol", *extra]


def wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path,
                       timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it "
                               f"answered:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{base}/api/health did not answer within {timeout} s:\n"
                               f"{log.read_text(errors='replace')[-4000:]}")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes], timeout: float = 8.0) -> None:
    """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL the process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    # Workers (--workers N) live in the same process group: none may outlive the test.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@contextmanager
def running_server(*, env: Mapping[str, str] | None = None, workers: int = 1,
                   extra_args: Sequence[str] = (), command: Sequence[str] | None = None,
                   port: int | None = None, cwd: Path | None = None,
                   startup_timeout: float = 30.0) -> Iterator[Server]:
    """Serve the app with a real uvicorn on 127.0.0.1; yield its base URL.

    ``env`` adds to (or overrides) this process's environment, e.g.
    ``{"CONVVIZ_CORS_ORIGINS": "https://a.example"}``. ``command`` replaces the
    uvicorn command line (it must listen on ``port``, which is then required).
    The server's output goes to a temporary log, shown if it fails to start.
    """
    if command is not None and port is None:
        raise ValueError("a custom command needs the port it listens on")
    port = port if port is not None else free_port()
    argv = list(command) if command is not None else uvicorn_command(
        port, workers=workers, extra=extra_args)
    full_env = {**os.environ, **SERVER_ENV, **(env or {})}
    with tempfile.TemporaryDirectory(prefix="convviz-server-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(argv, cwd=cwd or ROOT, env=full_env, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       preexec_fn=_die_with_parent)
        server = Server(port, process)
        try:
            wait_until_healthy(server, process, log, startup_timeout)
            yield server
        finally:
            stop(process)
