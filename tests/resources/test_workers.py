"""The ``convviz`` command's workers: one BLAS thread each, set before NumPy loads, and a
killed worker always replaced, even on a machine at full load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

from tests.server import ROOT, free_port, running_server

_BURN = "import time\nend = time.monotonic() + 60\nwhile time.monotonic() < end: pass"


def test_the_command_sets_one_blas_thread_before_numpy_is_imported() -> None:
    probe = ("import sys, app.cli; assert 'numpy' not in sys.modules, 'numpy imported early'; "
             "print('ok')")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "ok", done.stderr
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "--port", str(port), "--workers", "2"]
    unset = {"OPENBLAS_NUM_THREADS": "", "MALLOC_ARENA_MAX": "", "MALLOC_MMAP_THRESHOLD_": ""}
    with running_server(command=command, port=port, env=unset) as base:
        workers = _live_workers(base.process.pid)
        assert len(workers) == 2
        for w in workers:  # set in the parent before uvicorn spawned them
            assert w.environ().get("OPENBLAS_NUM_THREADS") == "1"
            assert w.environ().get("MALLOC_ARENA_MAX") == "2"


@contextmanager
def machine_at_full_load(processes: int) -> Iterator[None]:
    burners = [subprocess.Popen([sys.executable, "-c", _BURN]) for _ in range(processes)]
    try:
        yield
    finally:
        for b in burners:
            b.kill()
            b.wait()


def _live_workers(pid: int) -> list[psutil.Process]:
    """uvicorn's worker processes (not multiprocessing's resource tracker), alive."""
    found = []
    for child in psutil.Process(pid).children():
        try:
            if "spawn_main" in " ".join(child.cmdline()) and (
                    child.status() != psutil.STATUS_ZOMBIE):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def test_a_killed_worker_is_replaced_on_a_saturated_machine() -> None:
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "--port", str(port), "--workers", "2"]
    with running_server(command=command, port=port) as base:
        first = {w.pid for w in _live_workers(base.process.pid)}
        assert len(first) == 2
        with machine_at_full_load(12 * (os.cpu_count() or 2)):
            victim = min(first)
            os.kill(victim, signal.SIGKILL)
            deadline = time.monotonic() + 45
            replaced: set[int] = set()
            while time.monotonic() < deadline:
                now = {w.pid for w in _live_workers(base.process.pid)}
                replaced = now - first
                if replaced and len(now) == 2:
                    break
                time.sleep(0.5)
            assert replaced, "no replacement worker came up"
            time.sleep(6)  # past uvicorn's 5 s ping timeout: the replacement must survive it
            assert replaced <= {w.pid for w in _live_workers(base.process.pid)}
        for _ in range(6):  # both workers serve
            assert urllib.request.urlopen(base + "/api/health", timeout=10).status == 200
