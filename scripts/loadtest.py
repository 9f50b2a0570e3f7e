"""Load test: many concurrent clients against a real uvicorn on loopback.

    .venv/bin/python scripts/loadtest.py                       # the long form: 64 clients, 60 s
    .venv/bin/python scripts/loadtest.py --clients 16 --duration 5 --baseline 2   # short form

Three phases on the same server, each with ``--clients`` keep-alive
connections in a closed loop (send, wait for the answer, send again):

1. ``trivial``: GET /api/health only (the baseline);
2. ``traced``: POST /api/conv2d, an 8×8 input with its full trace;
3. ``mixed``: a lecture-hall mix: page loads (the lab page, its stylesheet and
   script), traced convolutions, exercise generation and checking (when
   /openapi.json lists the exercise routes), for ``--duration`` seconds, with
   ``Accept-Encoding: gzip`` as browsers send it.

The first two take turns in ``--rounds`` slices of ``--baseline / --rounds``
seconds each (trivial, traced, trivial, traced, …): on a shared machine a
neighbour's burst then slows both alike, where two long phases one after the
other would each see a different machine. Their throughput is the median over
the slices, and the traced to trivial ratio is the median of the per-round
ratios.

It prints throughput and p50/p99 latency per phase and endpoint, the traced
to trivial throughput ratio, and how busy the client and the server were (if
the client saturates a core, the figures measure the client: it says so).
Bounded: at most ``--max-requests`` requests per phase and the given times;
it only ever connects to a server it starts itself on 127.0.0.1, or to a
loopback ``--url``. The exit status is 1 when any request failed, and with
``--check`` also when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import socket
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.server import running_server  # noqa: E402

TARGET_RATIO = 0.40  # traced conv throughput / trivial throughput
TARGET_P99_MS = 100.0
CONV_8X8: dict[str, Any] = {
    "input": [[(r * 8 + c) % 10 for c in range(8)] for r in range(8)],
    "kernel": [[1, 2, 1], [0, 1, 0], [-1, -2, -1]], "padding": 1,
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""

    def encode(self, host: str, gzip: bool) -> bytes:
        head = f"{self.method} {self.path} HTTP/1.1\r\nHost: {host}\r\n"
        if gzip:
            head += "Accept-Encoding: gzip, deflate\r\n"
        if self.body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n"
        return head.encode() + b"\r\n" + self.body


@dataclass(frozen=True)
class Scenario:
    """One user action: one or more requests in a row, timed as a whole."""

    name: str
    weight: float
    requests: tuple[Request, ...]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    requests: int = 0

    def error(self, name: str, what: str) -> None:
        self.errors[name] = self.errors.get(name, 0) + 1
        if len(self.samples) < 5:
            self.samples.append(f"{name}: {what}")


# -- a minimal HTTP/1.1 keep-alive client (httpx would be the bottleneck) -----------------

async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding") == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            body += await reader.readexactly(size + 2)
            if size == 0:
                return status, body
    return status, await reader.read()


async def client(host: str, port: int, scenarios: list[Scenario], deadline: float,
                 budget: list[int], stats: Stats, seed: int, gzip: bool) -> None:
    rng = random.Random(seed)
    weights = [s.weight for s in scenarios]
    encoded = {id(r): r.encode(f"{host}:{port}", gzip) for s in scenarios for r in s.requests}
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            scenario = rng.choices(scenarios, weights)[0]
            start = time.perf_counter()
            ok = True
            for request in scenario.requests:
                budget[0] -= 1
                try:
                    writer.write(encoded[id(request)])
                    status, body = await read_response(reader)
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    stats.error(scenario.name, f"{request.path}: {exc!r}")
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    ok = False
                    break
                stats.requests += 1
                if status != 200:
                    stats.error(scenario.name, f"{request.path}: {status} {body[:200]!r}")
                    ok = False
            if ok:
                stats.latencies.setdefault(scenario.name, []).append(time.perf_counter() - start)
    finally:
        writer.close()


def run_phase(host: str, port: int, scenarios: list[Scenario], *, clients: int,
              seconds: float, max_requests: int, gzip: bool = False
              ) -> tuple[Stats, float, float]:
    """Run ``clients`` closed-loop clients; (stats, wall seconds, client CPU seconds).

    ``gzip``: send ``Accept-Encoding: gzip`` as browsers and HTTP libraries do.
    """
    stats = Stats()
    budget = [max_requests]

    async def main() -> None:
        deadline = time.perf_counter() + seconds
        everyone = asyncio.gather(*(client(host, port, scenarios, deadline, budget, stats, seed,
                                           gzip) for seed in range(clients)))
        try:  # bounded even if the server stops answering
            await asyncio.wait_for(everyone, seconds + 30)
        except TimeoutError:
            stats.error("phase", f"clients still waiting {seconds + 30:g} s after the start")

    try:
        import uvloop
        runner: Any = uvloop.run
    except ImportError:
        runner = asyncio.run
    cpu, wall = time.process_time(), time.perf_counter()
    runner(main())
    return stats, time.perf_counter() - wall, time.process_time() - cpu


def merge(into: Stats, more: Stats) -> None:
    for name, lat in more.latencies.items():
        into.latencies.setdefault(name, []).extend(lat)
    for name, count in more.errors.items():
        into.errors[name] = into.errors.get(name, 0) + count
    into.samples.extend(more.samples[:max(0, 5 - len(into.samples))])
    into.requests += more.requests


# -- what to send --------------------------------------------------------------------------

def fetch(host: str, port: int, method: str, path: str, body: Any = None) -> Any:
    import http.client

    conn = http.client.HTTPConnection(host, port, timeout=30)
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"content-type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
    return json.loads(payload) if payload.startswith((b"{", b"[")) else payload


def mixed_scenarios(host: str, port: int) -> list[Scenario]:
    """The lecture-hall mix, with the exercise routes when the server has them."""
    paths = fetch(host, port, "GET", "/openapi.json")["paths"]
    page = fetch(host, port, "GET", "/").decode()
    assets = [a for a in ("/static/css/base.css", "/static/js/views/lab/main.js") if a in page]
    scenarios = [
        # Weights: each student loads the page once, then edits (a traced conv per edit),
        # generates a worksheet now and then, and checks answers more often.
        Scenario("page load", 1, (Request("GET", "/"), *(Request("GET", a) for a in assets))),
        Scenario("traced conv 8×8", 8,
                 (Request("POST", "/api/conv2d", json.dumps(CONV_8X8).encode()),)),
        Scenario("shape", 1, (Request("POST", "/api/shape", json.dumps(
            {"op": "conv2d", "input_size": 227, "kernel_size": 11, "stride": 4}).encode()),)),
        Scenario("presets", 1, (Request("GET", "/api/presets"),)),
    ]
    generate = paths.get("/api/exercises", {}).get("post")
    if generate is not None:
        schema_name = generate["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        example = fetch(host, port, "GET", "/openapi.json")["components"]["schemas"][
            schema_name.rsplit("/", 1)[1]]["examples"][0]
        scenarios.append(Scenario("exercise generation", 1, (
            Request("POST", "/api/exercises", json.dumps(example).encode()),)))
        check = "/api/exercises/{exercise_id}/check"
        solution = "/api/exercises/{exercise_id}/solution"
        if check in paths and solution in paths:
            made = fetch(host, port, "POST", "/api/exercises", example | {"count": 8})
            checks = []
            for exercise in made["exercises"]:
                answer = fetch(host, port, "GET", solution.format(
                    exercise_id=exercise["id"]))["answer"]
                checks.append(Request("POST", check.format(exercise_id=exercise["id"]),
                                      json.dumps({"answer": answer}).encode()))
            # Students answer different exercises: the weight is shared among them.
            scenarios.extend(Scenario("exercise checking", 3 / len(checks), (c,))
                             for c in checks)
    return scenarios


# -- report --------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@dataclass(frozen=True)
class Row:
    phase: str
    name: str
    count: int
    errors: int
    per_second: float
    p50_ms: float
    p99_ms: float


def rows(phase: str, stats: Stats, wall: float, per_second: float | None = None
         ) -> list[Row]:
    """One row per action; ``per_second`` overrides the throughput of a one-action phase
    (the median over its slices)."""
    out = []
    for name in sorted(set(stats.latencies) | set(stats.errors)):
        lat = stats.latencies.get(name, [])
        rate = per_second if per_second is not None else len(lat) / wall
        out.append(Row(phase, name, len(lat), stats.errors.get(name, 0), rate,
                       percentile(lat, 0.5) * 1e3, percentile(lat, 0.99) * 1e3))
    if phase == "mixed":
        every = [x for lat in stats.latencies.values() for x in lat]
        out.append(Row(phase, "all actions", len(every), sum(stats.errors.values()),
                       len(every) / wall, percentile(every, 0.5) * 1e3,
                       percentile(every, 0.99) * 1e3))
    return out


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and its children (uvicorn workers), from /proc."""
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:
        return float("nan")
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def check_loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = "127.0.0.1" if host == "localhost" else host
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"refusing to load {host}: only loopback addresses are allowed")
    return address, parts.port or 80


@contextmanager
def target(url: str | None, workers: int) -> Iterator[tuple[str, int, int | None]]:
    if url is not None:
        host, port = check_loopback(url)
        yield host, port, None
        return
    # Quiet access log; several workers share the machine's cores with this client.
    with running_server(workers=workers, extra_args=["--no-access-log"]) as base:
        yield "127.0.0.1", base.port, base.process.pid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds of the mixed phase (default 60)")
    parser.add_argument("--baseline", type=float, default=10.0,
                        help="seconds of each of the trivial and traced phases (default 10)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="slices the trivial and traced phases alternate in (default 5)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (default 1)")
    parser.add_argument("--max-requests", type=int, default=2_000_000,
                        help="stop a phase after this many requests")
    parser.add_argument("--url", help="a running server on a loopback address instead")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target is missed, not only on errors")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 1024 or not 0 < args.duration <= 600 or not (
            0 < args.baseline <= 600) or not 1 <= args.rounds <= 100:
        parser.error("1 ≤ clients ≤ 1024, 0 < duration ≤ 600 s, 0 < baseline ≤ 600 s, "
                     "1 ≤ rounds ≤ 100")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    results: list[Row] = []
    usage: dict[str, dict[str, float]] = {}
    samples: list[str] = []
    with target(args.url, args.workers) as (host, port, pid):
        baselines = {
            "trivial": [Scenario("GET /api/health", 1, (Request("GET", "/api/health"),))],
            "traced": [Scenario("POST /api/conv2d 8×8 traced", 1, (
                Request("POST", "/api/conv2d", json.dumps(CONV_8X8).encode()),))],
        }
        # Each phase: its merged stats, and per slice (requests/s, wall, client and server
        # CPU seconds).
        merged: dict[str, Stats] = {}
        slices: dict[str, list[tuple[float, float, float, float]]] = {}
        schedule = [(p, args.baseline / args.rounds) for _ in range(args.rounds)
                    for p in baselines] + [("mixed", args.duration)]
        for phase, seconds in schedule:
            scenarios = baselines.get(phase) or mixed_scenarios(host, port)
            server_before = process_cpu_seconds(pid) if pid else float("nan")
            stats, wall, client_cpu = run_phase(host, port, scenarios, clients=args.clients,
                                                seconds=seconds, max_requests=args.max_requests,
                                                gzip=phase == "mixed")
            server_cpu = (process_cpu_seconds(pid) - server_before) if pid else float("nan")
            slices.setdefault(phase, []).append(
                (stats.requests / wall, wall, client_cpu, server_cpu))
            merge(merged.setdefault(phase, Stats()), stats)
        for phase, stats in merged.items():
            done = slices[phase]
            wall = sum(s[1] for s in done)
            median = statistics.median(s[0] for s in done) if phase in baselines else None
            results.extend(rows(phase, stats, wall, median))
            usage[phase] = {"client_core_share": sum(s[2] for s in done) / wall,
                            "server_core_share": sum(s[3] for s in done) / wall,
                            "requests_per_second": stats.requests / wall}
            samples.extend(stats.samples)
        round_ratios = [traced[0] / trivial[0] for trivial, traced in
                        zip(slices["trivial"], slices["traced"]) if trivial[0]]

    by = {(r.phase, r.name): r for r in results}
    errors = sum(r.errors for r in results if r.name != "all actions")
    mixed_p99 = by[("mixed", "all actions")].p99_ms
    ratio = statistics.median(round_ratios) if round_ratios else 0.0
    verdict = {"zero_errors": errors == 0, "traced_ratio": ratio >= TARGET_RATIO,
               "p99": mixed_p99 < TARGET_P99_MS}
    saturated = [p for p, u in usage.items() if u["client_core_share"] > 0.9]
    if args.json:
        print(json.dumps({"clients": args.clients, "rows": [r.__dict__ for r in results],
                          "usage": usage, "ratio": ratio, "round_ratios": round_ratios,
                          "errors": errors,
                          "error_samples": samples, "targets": verdict,
                          "client_saturated": saturated}, indent=1))
    else:
        report(args, results, usage, ratio, round_ratios, errors, samples, verdict, saturated)
    if errors:
        return 1
    return 1 if args.check and not all(verdict.values()) else 0


def report(args: argparse.Namespace, results: list[Row], usage: dict[str, dict[str, float]],
           ratio: float, round_ratios: list[float], errors: int, samples: list[str],
           verdict: dict[str, bool], saturated: list[str]) -> None:
    where = args.url or f"a uvicorn with {args.workers} worker(s) on 127.0.0.1"
    print(f"convviz load test: {args.clients} clients, closed loop, against {where}; "
          f"{args.baseline:g} s per baseline phase in {args.rounds} alternating rounds, "
          f"{args.duration:g} s mixed (baseline throughputs: median over the rounds)")
    print(f"{'phase':8} {'action':30} {'count':>8} {'errors':>6} {'per s':>8} "
          f"{'p50 ms':>8} {'p99 ms':>8}")
    for r in results:
        print(f"{r.phase:8} {r.name:30} {r.count:8d} {r.errors:6d} {r.per_second:8.0f} "
              f"{r.p50_ms:8.2f} {r.p99_ms:8.2f}")
    for phase, u in usage.items():
        print(f"{phase:8} requests/s {u['requests_per_second']:.0f}; busy cores: client "
              f"{u['client_core_share']:.2f}, server {u['server_core_share']:.2f}")
    mark = {True: "met", False: "MISSED"}
    print(f"errors: {errors} ({mark[verdict['zero_errors']]}: zero)")
    print(f"traced conv 8×8 throughput / trivial throughput: {ratio:.2f}, the median of "
          f"the rounds' {' '.join(f'{r:.2f}' for r in round_ratios)} "
          f"({mark[verdict['traced_ratio']]}: ≥ {TARGET_RATIO:.2f})")
    print(f"mixed p99: {next(r for r in results if r.name == 'all actions').p99_ms:.1f} ms "
          f"({mark[verdict['p99']]}: < {TARGET_P99_MS:.0f} ms)")
    if saturated:
        print(f"the client saturated a core in phase(s) {', '.join(saturated)}: those "
              f"throughputs are the client's limit, a lower bound for the server")
    else:
        print("the client never saturated a core: the figures are the server's")
    for sample in samples:
        print("error:", sample)


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    sys.exit(main())
