"""How much work one worker takes on at once: the memory bound, by construction.

Every request carries a ticket (:class:`WorkloadMiddleware` makes it). What a request
will cost is charged to its ticket as soon as it is known: the multiply-adds and
cells of the planned sizes (``app/limits.py`` charges when it checks them) and the
products of the trace page it asked for (``app/render.page``). A request whose
charges stay under ``LIGHT_WORK`` and ``LIGHT_CELLS`` is light and runs as it is. A
heavy one first takes one of ``max_heavy_requests`` slots: a request with a large
body takes it before the body is read (``app/jsonroute.py``), any other when its
charges cross the line, in the worker thread that computes it. So at most that many
large computations (and their large responses) are alive in a worker, however many
arrive: the rest wait, at most ``max_queued_requests`` of them and at most
``QUEUE_TIMEOUT_S`` each, and past that are told to come back (503, ``Retry-After``).
A waiting request holds only its small parsed body, or an unread one.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

# Past either, a request is heavy. A traced 8×8 convolution (the lecture's bread and
# butter, ~6 k cells of JSON) is far below; a 135×135 one with an 8×8 kernel (1.1 M
# multiply-adds, but a 36 MB trace) is above.
LIGHT_WORK = 2_000_000
LIGHT_CELLS = 262_144
# A body over this many bytes is parsed in a worker thread, holding a slot.
LIGHT_BODY_BYTES = 65_536
QUEUE_TIMEOUT_S = 30.0
RETRY_AFTER_S = 2


class Busy(Exception):
    """No slot for a heavy request: too many are waiting, or it waited too long."""


@dataclass
class Ticket:
    work: int = 0
    cells: int = 0
    holds: bool = False
    inline: bool = False  # running on the event loop: must never wait for a slot

    @property
    def heavy(self) -> bool:
        return self.work > LIGHT_WORK or self.cells > LIGHT_CELLS


_ticket: ContextVar[Ticket | None] = ContextVar("convviz_ticket", default=None)
_waiting = 0
_waiting_lock = threading.Lock()


def is_light(*, work: int, cells: int) -> bool:
    """Whether a request of this cost may run on the event loop."""
    return work <= LIGHT_WORK and cells <= LIGHT_CELLS


def current() -> Ticket | None:
    return _ticket.get()


def charge(*, work: int = 0, cells: int = 0) -> None:
    """Add planned work and response cells to this request; take a slot once it is heavy.

    In a worker thread it may wait for a slot, or raise :class:`Busy`; on the event
    loop it only adds up (see :func:`_on_event_loop`). Outside a request (a test calling the
    router's functions, a notebook) it does nothing.
    """
    ticket = _ticket.get()
    if ticket is None:
        return
    ticket.work += work
    ticket.cells += cells
    if ticket.heavy and not ticket.holds and not ticket.inline and not _on_event_loop():
        _take(ticket)


def _on_event_loop() -> bool:
    """True in the event loop's thread, which must never wait: a charge made there is
    collected by the next charge in the worker thread the request then runs in."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def reserve() -> None:
    """Take a slot for this request before its (large) body is read."""
    ticket = _ticket.get()
    if ticket is not None and not ticket.holds:
        await anyio.to_thread.run_sync(_take, ticket)


@functools.cache
def _slots() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(_limits().max_heavy_requests)


def _limits() -> Any:
    from app.limits import LIMITS  # app.limits charges this module: import it late

    return LIMITS


def _take(ticket: Ticket) -> None:
    global _waiting
    limits = _limits()
    with _waiting_lock:
        if _waiting >= limits.max_queued_requests:
            raise Busy(f"{limits.max_queued_requests} large requests are already waiting "
                       f"(max_queued_requests)")
        _waiting += 1
    try:
        taken = _slots().acquire(timeout=QUEUE_TIMEOUT_S)
    finally:
        with _waiting_lock:
            _waiting -= 1
    if not taken:
        raise Busy(f"no slot for a large request came free within {QUEUE_TIMEOUT_S:.0f} s "
                   f"(max_heavy_requests = {limits.max_heavy_requests})")
    ticket.holds = True


def busy_message(reason: str) -> str:
    return (f"the server is busy with other large requests: {reason}; try again in "
            f"{RETRY_AFTER_S} s")


class WorkloadMiddleware:
    """ASGI middleware: a ticket per HTTP request; its slot is given back when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ticket = Ticket()
        token = _ticket.set(ticket)
        try:
            await self.app(scope, receive, send)
        finally:
            _ticket.reset(token)
            if ticket.holds:
                ticket.holds = False
                _slots().release()
