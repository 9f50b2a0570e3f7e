"""The load test in its short form: 16 clients, a few seconds, zero errors.

The long form (64 clients, 60 s, with its targets) is a documented command:
``.venv/bin/python scripts/loadtest.py --check`` (README, "Production").
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.server import ROOT


def test_sixteen_clients_for_five_seconds_get_no_errors() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "loadtest.py"), "--clients", "16",
         "--duration", "5", "--baseline", "1.5", "--json"],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads(run.stdout)
    assert report["errors"] == 0 and report["error_samples"] == []
    rows = {(r["phase"], r["name"]): r for r in report["rows"]}
    actions = {name for phase, name in rows if phase == "mixed"}
    assert {"page load", "traced conv 8×8", "shape", "presets", "all actions"} <= actions
    openapi = json.loads(subprocess.run(
        [sys.executable, "-c", "import json; from app.main import create_app; "
         "print(json.dumps(create_app().openapi()['paths']))"],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=True).stdout)
    if "/api/exercises" in openapi:
        assert {"exercise generation", "exercise checking"} <= actions
    for row in report["rows"]:
        assert row["count"] > 0 and row["errors"] == 0, row
        assert 0 < row["p50_ms"] <= row["p99_ms"], row
    assert rows[("trivial", "GET /api/health")]["per_second"] > 100
    assert 0 < report["ratio"] < 2
    for phase in ("trivial", "traced", "mixed"):
        assert 0 <= report["usage"][phase]["client_core_share"] <= 1.5
