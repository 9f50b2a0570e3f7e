"""Caches bounded by the bytes they hold, not by their number of entries.

A lecture repeats the same geometries, so the index map, the size arithmetic and
the positions of a trace page are worth keeping. But one entry of an entry-bounded
cache may hold a few bytes or a hundred megabytes (a tall geometry's index map, a
page of a long trace), and 256 such entries are gigabytes that are never given back.
Here every entry is weighed when it is stored; the least recently used go first
once the total passes ``max_bytes``, and a value larger than ``max_entry_bytes`` is
returned without being kept. So the memory a cache can hold is a number in the
README, whatever sequence of requests arrives.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, ParamSpec, TypeVar

import numpy as np

P = ParamSpec("P")
T = TypeVar("T")

MiB = 1 << 20
_OBJECT = 56  # a small Python object's header, roughly (sys.getsizeof(object()) is 16)


def approx_size(value: Any) -> int:
    """The bytes ``value`` keeps alive, roughly: arrays by ``nbytes``, strings and bytes by
    length, containers and dataclasses by what they hold (a shared object counts twice,
    which errs on the safe side).

    >>> approx_size(np.zeros((100, 10))) >= 8000
    True
    >>> approx_size(("ab", b"cd", (1, 2))) < 1000
    True
    """
    if isinstance(value, np.ndarray):
        return int(value.nbytes) + _OBJECT
    if isinstance(value, str | bytes | bytearray):
        return len(value) * (1 if not isinstance(value, str) or value.isascii() else 4) + _OBJECT
    if isinstance(value, tuple | list | set | frozenset):
        return _OBJECT + 8 * len(value) + sum(approx_size(v) for v in value)
    if isinstance(value, dict):
        return _OBJECT + sum(approx_size(k) + approx_size(v) + 16 for k, v in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _OBJECT + sum(approx_size(getattr(value, f.name))
                             for f in dataclasses.fields(value))
    return sys.getsizeof(value)


class ByteCache(Generic[T]):
    """A thread-safe LRU mapping whose values weigh at most ``max_bytes`` together."""

    def __init__(self, max_bytes: int, *, max_entry_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_bytes // 8 if max_entry_bytes is None else max_entry_bytes
        self._entries: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        """What the kept values weigh now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> T | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: T, size: int | None = None) -> T:
        """Keep ``value`` (weighing ``size``, or :func:`approx_size`) unless it is too
        large to keep; return it either way."""
        size = approx_size(value) + approx_size(key) if size is None else size
        if size > self.max_entry_bytes:
            return value
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def byte_cached(max_bytes: int, *, max_entry_bytes: int | None = None
                ) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Decorator: memoize a pure function of hashable arguments in a :class:`ByteCache`
    (exposed as the wrapper's ``cache``), weighing each result by :func:`approx_size`."""

    def decorate(fn: Callable[P, T]) -> Callable[P, T]:
        cache: ByteCache[T] = ByteCache(max_bytes, max_entry_bytes=max_entry_bytes)

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            key = (args, tuple(sorted(kwargs.items())))
            found = cache.get(key)
            if found is not None:
                return found
            return cache.put(key, fn(*args, **kwargs))

        wrapper.cache = cache  # type: ignore[attr-defined]
        return wrapper

    return decorate
