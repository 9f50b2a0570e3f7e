"""Scale-out manifests: Kubernetes (validated offline against the API's schemas by
kubernetes-validate, strict) and compose.yaml (against the Compose specification by
check-jsonschema), and what they say checked against the documented bounds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.resources.test_memory_and_loop import RSS_BOUND_MB
from tests.server import ROOT

KUBE = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))
BIN = Path(sys.executable).parent


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def _mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(Mi|Gi|m|g)?", quantity).groups()  # type: ignore[union-attr]
    return float(number) * {"Gi": 1024, "g": 1024}.get(unit or "Mi", 1)


def test_the_kubernetes_manifests_are_valid_resources() -> None:
    assert {p.name for p in KUBE} >= {"deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml"}
    done = subprocess.run([str(BIN / "kubernetes-validate"), "--strict", *map(str, KUBE)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("passed") == len(KUBE)


def test_the_validator_really_checks() -> None:
    broken = _load(ROOT / "deploy" / "kubernetes" / "deployment.yaml")
    broken["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"] = "lots"
    path = ROOT / "artifacts" / "broken-deployment.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(broken))
    done = subprocess.run([str(BIN / "kubernetes-validate"), "--strict", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0


def test_the_deployment_probes_health_and_is_sized_by_the_worker_bound() -> None:
    deployment = _load(ROOT / "deploy" / "kubernetes" / "deployment.yaml")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/api/health"
    env = {e["name"]: e["value"] for e in container["env"]}
    workers = int(env["CONVVIZ_WORKERS"])
    limit = _mebibytes(container["resources"]["limits"]["memory"])
    assert limit >= workers * RSS_BOUND_MB
    assert float(container["resources"]["requests"]["cpu"]) == workers  # one worker per core
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    labels = deployment["spec"]["selector"]["matchLabels"]
    for name in ("service.yaml", "pdb.yaml"):
        assert _load(ROOT / "deploy" / "kubernetes" / name)["spec"]["selector"] in (
            labels, {"matchLabels": labels})
    hpa = _load(ROOT / "deploy" / "kubernetes" / "hpa.yaml")
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] >= 2  # with the PDB's minAvailable 1, a drain keeps one


def test_compose_runs_replicas_behind_a_stock_proxy() -> None:
    done = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema",
                           "vendor.compose-spec", str(ROOT / "compose.yaml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    compose = _load(ROOT / "compose.yaml")
    app = compose["services"]["convviz"]
    assert app["deploy"]["replicas"] >= 2
    workers = int(app["environment"]["CONVVIZ_WORKERS"])
    assert _mebibytes(app["deploy"]["resources"]["limits"]["memory"]) >= workers * RSS_BOUND_MB
    proxy = compose["services"]["proxy"]
    assert proxy["image"].startswith("nginx:")
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server convviz:8000" in conf and "proxy_pass http://convviz;" in conf
    mounted = proxy["volumes"][0].split(":")[0]
    assert (ROOT / mounted).resolve() == (ROOT / "deploy" / "nginx.conf").resolve()
