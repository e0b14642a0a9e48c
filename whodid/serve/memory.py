"""Keeping the server's memory steady: the index is built with large temporary tables, and
requests allocate and free arrays of up to a few megabytes from many threads. Without care
the freed memory stays with the allocators (glibc's per-thread arenas, Arrow's pool, DuckDB's
buffers), and the server's size climbs to its peak and stays there."""

from __future__ import annotations

import ctypes
import gc
from typing import Any

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8


def _libc() -> Any:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: its allocator is left as it is
        return None


def steady_allocator() -> None:
    """For the server's process, before its threads start: two malloc arenas instead of eight
    per core, and arrays over 256 KiB mapped and unmapped on their own (glibc otherwise raises
    that threshold as large blocks are freed, and keeps them); Arrow allocating from the
    system's allocator instead of its own pool, which keeps what it frees."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_ARENA_MAX, 2)
        libc.mallopt(_M_MMAP_THRESHOLD, 256 * 1024)
        libc.mallopt(_M_TRIM_THRESHOLD, 4 * 1024 * 1024)


def release(store: Any = None) -> None:
    """Give back what building the index freed: DuckDB's buffers of the store's blocks read
    for it (with `store`, before serving: by lowering its memory limit for a moment, which
    would fail a query running meanwhile) and glibc's free memory. What is left (the index)
    is kept out of the garbage collector's passes, which would otherwise walk its lists of
    values again and again while requests are waiting."""
    gc.unfreeze()  # what was kept out before (an index replaced by a write) is collected too
    gc.collect()
    gc.freeze()
    if store is not None:
        store.execute("SET memory_limit = '64MB'")
        store.execute("RESET memory_limit")  # the server sets none of its own
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
