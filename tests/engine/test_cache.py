"""engine/cache.py: caches bounded by the bytes they hold."""

from __future__ import annotations

import threading

import numpy as np

from engine import conv, geometry, indexmap
from engine.cache import ByteCache, MiB, approx_size, byte_cached


def test_values_are_weighed_by_what_they_hold() -> None:
    assert approx_size(np.zeros(1000)) >= 8000
    assert approx_size((np.zeros(1000), np.zeros(1000))) >= 16000
    assert approx_size("x" * 1000) >= 1000
    assert approx_size([b"ab"] * 100) >= 200
    small, large = approx_size((1, 2)), approx_size(tuple(range(10_000)))
    assert small < 1000 < 80_000 <= large


def test_the_least_recently_used_go_once_the_bytes_pass_the_bound() -> None:
    cache: ByteCache[bytes] = ByteCache(10_000, max_entry_bytes=4_000)
    for k in range(10):
        cache.put(k, b"", size=3_000)
        assert cache.bytes <= 10_000
    assert len(cache) == 3 and cache.get(9) == b"" and cache.get(0) is None
    cache.get(7)  # now the most recent: 8 goes next
    cache.put("new", b"", size=3_000)
    assert cache.get(7) == b"" and cache.get(8) is None


def test_a_value_too_large_to_keep_is_returned_and_not_kept() -> None:
    cache: ByteCache[np.ndarray] = ByteCache(1 * MiB)
    big = np.zeros(MiB // 4)  # 2 MiB
    assert cache.put("big", big) is big
    assert cache.get("big") is None and cache.bytes == 0


def test_a_decorated_function_is_memoized_within_its_bound() -> None:
    calls: list[int] = []

    @byte_cached(100_000)
    def table(n: int) -> np.ndarray:
        calls.append(n)
        return np.zeros(n)

    assert table(10) is table(10) and calls == [10]
    for n in range(1000, 1100):  # 8 kB each: ~12 of them fit
        table(n)
    assert table.cache.bytes <= 100_000  # type: ignore[attr-defined]


def test_threads_sharing_a_cache_keep_its_count_exact() -> None:
    cache: ByteCache[int] = ByteCache(50_000, max_entry_bytes=1_000)

    def work(base: int) -> None:
        for k in range(2_000):
            cache.put((base, k % 97), k, size=500)
            cache.get((base, (k * 7) % 97))

    threads = [threading.Thread(target=work, args=(b,)) for b in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.bytes == 500 * len(cache) <= 50_000


def test_the_engines_caches_are_bounded_by_bytes() -> None:
    for cached in (indexmap.build_index_map, geometry.conv_axis, geometry.transposed_axis,
                   geometry.pool_axis):
        assert isinstance(cached.cache, ByteCache)  # type: ignore[attr-defined]
    assert isinstance(conv._POSITIONS, ByteCache)
    # A tall geometry stores no H_out × kH table: its map is a few small arrays.
    imap = indexmap.build_index_map(input_size=(100_000, 1), kernel_size=(1_000, 1),
                                    stride=(1, 1), dilation=(1, 1), padding=((0, 0), (0, 0)),
                                    output_size=(99_001, 1))
    assert approx_size(imap) < 2 * MiB
    assert imap.row_taps(np.array([5, 6]))[:, 7].tolist() == [12, 13]
