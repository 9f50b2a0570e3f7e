"""uvicorn's HTTP protocol, with what a public server needs and uvicorn leaves out.

- **A deadline for the request head.** uvicorn starts its keep-alive timer only
  after a response; a client that connects and sends half a request line (or
  headers one byte a minute) holds its connection, and its slot in the worker,
  for ever. Here a request's head must arrive whole within ``HEAD_TIMEOUT_S`` of
  its first byte (or of the connection, for the first request): a 408 otherwise.
  The body has its own deadline between chunks (``app/bodylimit.py``).
- **Its own refusals in our shape.** What the parser refuses (a malformed request
  line, a URL or headers past llhttp's limit) uvicorn answers with plain text and
  none of the security headers; here it is the API's JSON error with all of them.

Served with ``--http app.http:GuardedHttpProtocol`` (the ``convviz`` command, the
image and the tests' server all use it).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.security import DEFAULT_POLICY, HEADERS

HEAD_TIMEOUT_S = 10.0
_REASONS = {400: b"Bad Request", 408: b"Request Timeout"}


class GuardedHttpProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` with a head deadline and JSON refusals (see the module)."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        self._refuse(400, "the request could not be read as HTTP: a malformed request line "
                          "or header, or a URL or headers too long (links to a view keep "
                          "large states in the part after #, which is never sent)")

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(HEAD_TIMEOUT_S, self._head_expired)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_expired(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self._refuse(408, f"the request line and headers did not arrive within "
                              f"{HEAD_TIMEOUT_S:.0f} s")

    def _refuse(self, status: int, msg: str) -> None:
        self._disarm()
        body = orjson.dumps({"detail": [{"loc": [], "msg": msg, "type": f"http_{status}"}]})
        headers: dict[str, Any] = {"content-type": "application/json",
                                   "content-length": str(len(body)), "connection": "close",
                                   "content-security-policy": DEFAULT_POLICY, **HEADERS}
        head = b"".join(f"{name}: {value}\r\n".encode("latin-1")
                        for name, value in headers.items())
        self.transport.write(b"HTTP/1.1 %d %s\r\n%s\r\n%s" % (
            status, _REASONS[status], head, body))
        self.transport.close()
