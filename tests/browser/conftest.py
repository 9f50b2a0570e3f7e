"""Real-browser tests: Debian's Chromium driven by Playwright against a real uvicorn.

The server runs once per session (``tests.server.running_server``); each test
gets a fresh page (pytest-playwright's ``page``), so localStorage drafts do not
leak between tests. Screenshots go to ``artifacts/screenshots`` (not committed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.server import running_server

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # `playwright install` cannot download a browser here: use Debian's.
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--disable-gpu", "--disable-quic", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    with running_server() as base:
        yield base.url


@pytest.fixture
def lab(page: Page, server: str) -> Page:
    """The lab at its default state (the stride-3 example), fully drawn."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    wait_ready(page)
    yield page  # type: ignore[misc]
    assert errors == [], errors


def wait_ready(page: Page) -> None:
    """Until the stage shows a computed response (the step counter is filled)."""
    page.wait_for_function(
        "() => document.querySelector('[data-player=\"counter\"]').textContent.startsWith('Step')")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
