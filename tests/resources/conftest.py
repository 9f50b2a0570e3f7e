"""One real uvicorn worker for the resource tests of a module (see tests/server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.server import Server, running_server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as base:
        yield base
