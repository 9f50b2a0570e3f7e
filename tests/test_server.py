"""The shared uvicorn helper starts a real server and leaves nothing listening."""

from __future__ import annotations

import json
import socket
import urllib.request

from tests.server import running_server


def test_running_server_answers_then_stops_listening() -> None:
    with running_server(workers=2) as base:
        assert base == f"http://127.0.0.1:{base.port}"
        with urllib.request.urlopen(base + "/api/health", timeout=5) as reply:
            assert json.loads(reply.read())["status"] == "ok"
        process = base.process
    assert process.returncode is not None
    with socket.socket() as s:  # nothing listens any more
        assert s.connect_ex(("127.0.0.1", base.port)) != 0
