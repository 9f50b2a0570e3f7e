"""Embedding, in a real Chromium against real uvicorns: unset, no page may frame a view
(as before); with CONVVIZ_FRAME_ANCESTORS naming one origin, a page on that loopback port
frames the embedded view and a page on a third port is refused. embed=1 shows the stage
and player only, hide= hides the panels it names, and the Embed panel's snippet opens
the same state embedded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.server import free_port, running_server

STATE = "/?input=3,2,7,1,6,3;4,1,1,0,9,8;8,2,0,1,2,4;5,6,0,7,1,4;0,5,4,9,6,0;4,6,2,4,0,5" \
        "&kernel=1,2,2;2,1,2;2,2,1&stride=3,3"


@contextmanager
def host(frame_src: str, port: int | None = None) -> Iterator[str]:
    """A page on a loopback port of its own (`port`, or a free one) that frames
    `frame_src`: another origin."""
    html = (f'<!doctype html><title>a slide</title><iframe id="demo" src="{frame_src}" '
            f'width="900" height="600"></iframe>').encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def framed(page: Page) -> Frame | None:
    """The demo's frame once it has loaded the view, or None when it was refused."""
    page.wait_for_timeout(1500)
    for frame in page.frames:
        if frame is page.main_frame:
            continue
        try:
            if frame.evaluate("() => !!document.querySelector('[data-player=\"counter\"]')"):
                return frame
        except Exception:
            return None
    return None


def test_only_the_named_origin_may_frame_the_embedded_view(page: Page) -> None:
    allowed_port = free_port()
    allowed = f"http://127.0.0.1:{allowed_port}"
    with running_server(env={"CONVVIZ_FRAME_ANCESTORS": allowed}) as app:
        src = f"{app.url}{STATE}&embed=1&hide=arithmetic"
        with host(src) as third:  # a third origin: not named
            page.goto(third)
            assert framed(page) is None
        with host(src, allowed_port):  # the named origin
            page.goto(allowed)
            frame = framed(page)
            assert frame is not None
            frame.wait_for_function(
                "() => document.querySelector('[data-player=\"counter\"]').textContent"
                ".startsWith('Step')")
            assert frame.evaluate("() => document.body.classList.contains('embed')")
            assert frame.evaluate(
                "() => getComputedStyle(document.querySelector('.sidebar')).display") == "none"
            assert frame.evaluate(
                "() => getComputedStyle(document.querySelector('.arithmetic')).display") == "none"
            assert frame.evaluate(
                "() => getComputedStyle(document.querySelector('.player')).display") != "none"


def test_by_default_no_page_may_frame_a_view(page: Page, server: str) -> None:
    with host(f"{server}{STATE}&embed=1") as other:
        page.goto(other)
        assert framed(page) is None


def test_the_embed_panel_gives_the_snippet_of_this_state(page: Page, server: str) -> None:
    page.goto(server + STATE)
    page.wait_for_function(
        "() => document.querySelector('[data-player=\"counter\"]').textContent.startsWith('Step')")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    page.locator(".embed-panel summary").click()
    page.locator('.embed-hide input[value="formula"]').check()
    snippet = page.locator('[data-embed="snippet"]').input_value()
    assert snippet.startswith('<iframe src="') and 'title="convviz: ' in snippet
    assert "embed=1&amp;hide=formula" in snippet and "step=1" in snippet
    href = page.locator('[data-embed="open"]').get_attribute("href")
    assert href is not None
    page.goto(href)
    expect(page.locator('[data-player="counter"]')).to_have_text("Step 2 of 4")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".formula")).to_be_hidden()
    expect(page.locator(".player")).to_be_visible()
    # stepping keeps it embedded, and a reload too
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => location.href.includes('step=2') && location.href.includes('embed=1')")
    page.reload()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator('[data-player="counter"]')).to_have_text("Step 3 of 4")


@pytest.mark.parametrize("view", ["/pool", "/transposed", "/pipeline", "/network"])
def test_every_view_embeds(page: Page, server: str, view: str) -> None:
    page.goto(f"{server}{view}?embed=1")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator(".lab > .sidebar")).to_be_hidden()
