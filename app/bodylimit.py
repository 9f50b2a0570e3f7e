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


class BodyLimit:
    """ASGI middleware: the size and type checks above, for every HTTP request."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", ()))
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await _answer(send, too_large(self.max_bytes))
            return
        has_body = (length is not None and length.strip() not in (b"", b"0")) or (
            b"transfer-encoding" in headers)
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if has_body and not _is_accepted(content_type):
            await _answer(send, wrong_type(content_type))
            return

        received = 0
        refused = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                # The app answered a body it never got whole (FastAPI turns the
                # interrupted read into "error parsing the body"): say why instead.
                if not started:
                    started = True
                    await _answer(send, too_large(self.max_bytes))
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise
            if not started:
                await _answer(send, too_large(self.max_bytes))


async def _answer(send: Send, error: tuple[int, bytes]) -> None:
    status, body = error
    headers: list[Any] = [(b"content-type", b"application/json"),
                          (b"content-length", str(len(body)).encode()),
                          (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
