"""The engine imports only the standard library and NumPy: it works in a bare notebook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB_PACKAGES = ("fastapi", "starlette", "pydantic", "uvicorn", "jinja2", "orjson", "plotly")

PROBE = """
import json, sys
import engine, engine.conv, engine.geometry, engine.indexmap, engine.params
import engine.presets, engine.primitives
print(json.dumps({"modules": sorted(sys.modules), "conv2d": engine.conv2d.__module__}))
"""


def loaded_modules() -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_importing_the_engine_loads_no_web_package():
    probe = loaded_modules()
    assert probe["conv2d"] == "engine.conv"   # the probe really imported our engine
    assert "numpy" in probe["modules"]        # and would see a third-party import
    roots = {name.split(".")[0] for name in probe["modules"]}
    assert roots.isdisjoint(WEB_PACKAGES), roots & set(WEB_PACKAGES)
    assert "torch" not in roots
