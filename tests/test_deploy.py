"""The Dockerfile: linted by hadolint, and its commands replayed without Docker.

No Docker engine runs here, so the test does what the image build does, step
by step from the Dockerfile itself: a fresh virtual environment stands for
the image's Python, COPY copies into a temporary WORKDIR, each ``pip``/
``python`` RUN runs there as written (offline: ``pip install`` gets
``--no-index --no-build-isolation``, and the dependencies come from this
project's environment through a ``.pth`` file instead of PyPI). Then CMD starts
the server with the image's ENV, and the HEALTHCHECK command must pass.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.server import ROOT, free_port, running_server

DOCKERFILE = ROOT / "Dockerfile"


@dataclass
class Image:
    """The Dockerfile's instructions, in order, continuation lines joined."""

    base: str = ""
    env: dict[str, str] = field(default_factory=dict)
    steps: list[tuple[str, str]] = field(default_factory=list)  # (instruction, argument)
    user: str = ""
    healthcheck: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    expose: list[str] = field(default_factory=list)


def parse(text: str) -> Image:
    image = Image()
    logical = text.replace("\\\n", " ")
    for raw in logical.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, argument = line.partition(" ")
        instruction = instruction.upper()
        argument = argument.strip()
        if instruction == "FROM":
            image.base = argument
        elif instruction == "ENV":
            for pair in shlex.split(argument):
                name, _, value = pair.partition("=")
                image.env[name] = value
        elif instruction == "USER":
            image.user = argument
        elif instruction == "HEALTHCHECK":
            image.healthcheck = json.loads(argument[argument.index("CMD") + 3:].strip())
        elif instruction == "CMD":
            image.cmd = json.loads(argument)
        elif instruction == "EXPOSE":
            image.expose = argument.split()
        else:
            image.steps.append((instruction, argument))
    return image


IMAGE = parse(DOCKERFILE.read_text())


def hadolint() -> str:
    found = Path(sys.executable).parent / "hadolint"
    return str(found) if found.exists() else shutil.which("hadolint") or "hadolint"


def test_hadolint_finds_nothing() -> None:
    run = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True,
                         text=True, timeout=60)
    assert (run.returncode, run.stdout + run.stderr) == (0, "")


def test_hadolint_is_really_checking() -> None:
    bad = "FROM python\nRUN pip install fastapi\nCMD convviz\n"
    run = subprocess.run([hadolint(), "--no-color", "-"], input=bad, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode != 0 and "DL3006" in run.stdout  # untagged base image


def test_the_image_is_slim_non_root_configurable_and_checks_its_health() -> None:
    assert IMAGE.base.startswith("python:3.11") and IMAGE.base.endswith("-slim")
    assert IMAGE.user.isdigit() and int(IMAGE.user) != 0
    assert IMAGE.env["CONVVIZ_WORKERS"].isdigit()
    assert IMAGE.expose == [IMAGE.env["CONVVIZ_PORT"]]
    assert "/api/health" in " ".join(IMAGE.healthcheck)
    assert IMAGE.cmd == ["convviz"]
    # The dependency layer comes before the source is copied, so edits keep it cached.
    copies = [arg for instruction, arg in IMAGE.steps if instruction == "COPY"]
    first_install = next(i for i, (ins, arg) in enumerate(IMAGE.steps)
                         if ins == "RUN" and "pip install" in arg)
    copied_before = [arg for ins, arg in IMAGE.steps[:first_install] if ins == "COPY"]
    assert copied_before == ["pyproject.toml README.md ./"]
    assert any(arg.startswith("app ") for arg in copies)


def replay_build(tmp_path: Path) -> tuple[Path, Path]:
    """Build the image's Python environment in ``tmp_path``: (venv, workdir)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    # The image would download the dependencies; here they come from this environment.
    (site / "_convviz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= IMAGE.env | {"PATH": f"{venv / 'bin'}:{env.get('PATH', '')}",
                        "PIP_NO_INDEX": "1"}
    workdir = tmp_path / "image"
    for instruction, argument in IMAGE.steps:
        if instruction == "WORKDIR":
            workdir = tmp_path / "image" / argument.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif instruction == "COPY":
            *sources, dest = argument.split()
            for source in sources:
                target = workdir / dest / source if dest.endswith("/") else workdir / dest
                if (ROOT / source).is_dir():
                    shutil.copytree(ROOT / source, target, dirs_exist_ok=True,
                                    ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(ROOT / source, target)
        elif instruction == "RUN" and argument.startswith(("python", "pip")):
            command = argument.replace("pip install", "pip install --no-build-isolation")
            run = subprocess.run(["bash", "-c", command], cwd=workdir, env=env,
                                 capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, f"{command}\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
        elif instruction == "RUN":
            # Only system set-up (the user account) is not replayed: say which.
            assert argument.startswith("useradd "), argument
    return venv, workdir


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as reply:
        return reply.status, reply.read()


def test_the_dockerfile_installs_and_starts_a_working_server(tmp_path: Path) -> None:
    venv, workdir = replay_build(tmp_path)
    assert (workdir / "app" / "main.py").exists() and not (workdir / "requirements.txt").exists()
    elsewhere = tmp_path / "run"  # not the checkout: only the installed package can serve
    elsewhere.mkdir()
    python = venv / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import app, engine; print(app.__file__); "
                            "print(engine.__file__)"], cwd=elsewhere, capture_output=True,
                           text=True, check=True).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where

    port = free_port()
    env = IMAGE.env | {"CONVVIZ_HOST": "127.0.0.1", "CONVVIZ_PORT": str(port),
                       "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
                       "PYTHONPATH": ""}
    command = [str(venv / "bin" / IMAGE.cmd[0]), *IMAGE.cmd[1:]]
    health = [str(python) if word == "python" else word for word in IMAGE.healthcheck]
    with running_server(command=command, port=port, env=env, cwd=elsewhere) as base:
        status, body = get(base + "/api/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        status, page = get(base + "/")
        assert status == 200 and b"convviz" in page and b"/static/css/base.css" in page
        status, css = get(base + "/static/css/base.css")
        assert status == 200 and css == (ROOT / "static" / "css" / "base.css").read_bytes()
        status, plotly = get(base + "/static/vendor/plotly.min.js")
        assert status == 200 and len(plotly) > 1_000_000
        checked = subprocess.run(health, env=env, cwd=elsewhere, timeout=30)
        assert checked.returncode == 0
        import psutil  # type: ignore[import-untyped]

        workers = psutil.Process(base.process.pid).children(recursive=True)
        assert len(workers) >= int(IMAGE.env["CONVVIZ_WORKERS"])
    after = subprocess.run(health, env=env, cwd=elsewhere, timeout=30, capture_output=True)
    assert after.returncode != 0, "the health check fails once the server is gone"
