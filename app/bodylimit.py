"""Refuse request bodies before they are parsed: too large, or not JSON.

Size: ``Content-Length`` is checked first, then streamed bytes are counted,
so a chunked upload (or a client that lies about its length) cannot get past
it either; the answer is a 413 naming ``max_body_bytes``, sent as soon as
the limit is crossed, without reading or parsing the rest.

Type: a body sent with a content type other than ``application/json`` is a 415
naming ``content-type``: ``curl -d`` without ``-H 'content-type:
application/json'`` would otherwise get a puzzling "Input should be a valid
dictionary". And it is what keeps other sites out: a page on another origin can
make a browser post a form, ``text/plain`` or ``multipart/form-data`` without
asking (no CORS preflight), never ``application/json``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _error(status: int, loc: list[str], msg: str, type_: str) -> tuple[int, bytes]:
    return status, orjson.dumps({"detail": [{"loc": loc, "msg": msg, "type": type_}]})


def too_large(limit: int) -> tuple[int, bytes]:
    return _error(413, ["body"], f"body: the request body is over the limit of {limit:,} "
                                 f"bytes (max_body_bytes)", "too_large")


def wrong_type(content_type: str) -> tuple[int, bytes]:
    got = f"got {content_type!r}" if content_type else "none was given"
    return _error(415, ["header", "content-type"],
                  f"content-type: the body must be JSON, sent with 'content-type: "
                  f"application/json'; {got}", "content_type")


def _is_accepted(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


# A client that sends its whole body before it reads (Python's urllib and http.client
# do) would find the connection closed under it and see a broken pipe, not the 413:
# so up to this much of a refused body is read and dropped first, as nginx's
# lingering close does. Past it, or past the time, the connection is closed anyway.
DRAIN_BYTES = 64 * 1024 * 1024
DRAIN_S = 3.0
# A body must keep coming: at most this long between two of its chunks.
BODY_CHUNK_TIMEOUT_S = 10.0


class BodyLimit:
    """ASGI middleware: the size, type and pace checks above, for every HTTP request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        length = headers.get(b"content-length")
        waits_for_go = headers.get(b"expect", b"").lower() == b"100-continue"
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            if not waits_for_go:  # a client waiting for "100 Continue" has sent nothing
                await _drain(receive, min(int(length), DRAIN_BYTES))
            await _answer(send, too_large(self.max_bytes))
            return
        has_body = (length is not None and length.strip() not in (b"", b"0")) or (
            b"transfer-encoding" in headers)
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if has_body and not _is_accepted(content_type):
            await _answer(send, wrong_type(content_type))
            return

        received = 0
        refused: tuple[int, bytes] | None = None
        body_done = not has_body
        started = False

        async def counting_receive() -> Message:
            nonlocal received, refused, body_done
            if body_done:
                return await receive()  # after the body: waiting for a disconnect
            try:
                message = await asyncio.wait_for(receive(), BODY_CHUNK_TIMEOUT_S)
            except TimeoutError:
                refused = too_slow()
                raise _Refused() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                body_done = not message.get("more_body", False)
                if received > self.max_bytes:
                    refused = too_large(self.max_bytes)
                    raise _Refused()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused is not None:
                # The app answered a body it never got whole (FastAPI turns the
                # interrupted read into "error parsing the body"): say why instead.
                if not started:
                    started = True
                    await _refuse(receive, send, refused)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if refused is None:
                raise
            if not started:
                await _refuse(receive, send, refused)


async def _refuse(receive: Receive, send: Send, error: tuple[int, bytes]) -> None:
    if error[0] == 413:
        await _drain(receive, DRAIN_BYTES)
    await _answer(send, error)


async def _drain(receive: Receive, most: int) -> None:
    """Read and drop up to ``most`` bytes of the body, for at most ``DRAIN_S`` seconds."""
    dropped = 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_S):
            while dropped < most:
                message = await receive()
                if message["type"] != "http.request":
                    return
                dropped += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return


def too_slow() -> tuple[int, bytes]:
    return _error(408, ["body"], f"body: no part of the body arrived for "
                                 f"{BODY_CHUNK_TIMEOUT_S:.0f} s", "timeout")


async def _answer(send: Send, error: tuple[int, bytes]) -> None:
    status, body = error
    headers: list[Any] = [(b"content-type", b"application/json"),
                          (b"content-length", str(len(body)).encode()),
                          (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Refused(Exception):
    pass
