"""HTTP semantics the routes leave out, for every route at once.

- ``HEAD`` wherever ``GET`` (RFC 9110 §9.3.2): FastAPI routes a ``GET`` only, so a
  ``HEAD`` was a 405 on every page and API ``GET``. Here it is served as the ``GET``
  would be, same status and headers (``content-length`` included), without the body.
- ``Accept-Encoding`` read with its q-values: ``gzip;q=0`` means "not gzip", but
  Starlette (and a plain ``"gzip" in header``) saw the word and compressed anyway.
  The header is rewritten to the codings the client accepts (q > 0), so every check
  downstream, ours or Starlette's, reads a clean list.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def accepted_codings(header: str) -> list[str]:
    """The content codings of an ``Accept-Encoding`` value that have q > 0.

    >>> accepted_codings("gzip;q=0, br, deflate; q=0.5")
    ['br', 'deflate']
    >>> accepted_codings("GZIP, identity;q=0")
    ['gzip']
    """
    kept = []
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding and q > 0:
            kept.append(coding.lower())
    return [c for c in kept if c != "identity"]


class HttpSemantics:
    """ASGI middleware: HEAD as GET without the body, and a clean Accept-Encoding."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        codings = [v for k, v in scope["headers"] if k == b"accept-encoding"]
        if codings:
            clean = accepted_codings(",".join(v.decode("latin-1") for v in codings))
            if clean:
                headers.append((b"accept-encoding", ", ".join(clean).encode("latin-1")))
        scope = {**scope, "headers": headers}
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
