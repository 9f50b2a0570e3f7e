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


def _imports(path: Path) -> set[str]:
    """Every engine module ``path`` imports, at the top or inside a function."""
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("engine"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("engine"))
    return found


def test_no_engine_module_imports_itself_in_a_circle():
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts): p
               for p in (ROOT / "engine").rglob("*.py")}
    modules = {name.removesuffix(".__init__"): p for name, p in modules.items()}
    graph = {name: {m for m in _imports(p) if m in modules and m != name}
             for name, p in modules.items()}
    # a package's __init__ re-exports its modules: an edge into a package is no circle
    packages = {name for name, p in modules.items() if p.name == "__init__.py"}
    seen: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        seen[name] = 1
        for target in sorted(graph[name] - packages):
            assert seen.get(target) != 1, " → ".join([*path, name, target])
            if target not in seen:
                visit(target, [*path, name])
        seen[name] = 2

    for name in sorted(set(modules) - packages):
        if name not in seen:
            visit(name, [])
