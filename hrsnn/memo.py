"""``Memo``: an in-process cache of array-valued results, bounded by their total size.

What an optimization study recomputes for every trial although it only depends on the network's structure and
seed (wiring, delays, the kernel's synapse layout) is kept here, least recently used out first. Stored arrays are
made read-only, so a cached value cannot be changed through one of the results that share it. Safe to share
between threads (a Dask worker runs tasks in threads); two threads may both make a missing value.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

import numpy as np


def _arrays(value: Any) -> list[np.ndarray]:
    """The array itself, or the arrays of a dict, tuple or object, and of the tuples among its items."""
    if isinstance(value, np.ndarray):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else vars(value).values()
    out = []
    for a in items:
        out.extend(_arrays(a) if isinstance(a, tuple) else [a] if isinstance(a, np.ndarray) else [])
    return out


class Memo:
    """Values by key, at most ``max_mb`` MB of arrays in all; a value larger than that is not kept."""

    def __init__(self, max_mb: float):
        self.max_bytes = int(max_mb * 2**20)
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value kept under ``key``, else ``make()`` (an array, or a dict, tuple or object of arrays), then
        kept."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
            self.misses += 1
        value = make()
        arrays = _arrays(value)
        for a in arrays:
            a.flags.writeable = False
        size = sum(a.nbytes for a in arrays)
        with self._lock:
            if size <= self.max_bytes and key not in self._items:
                self._items[key] = (value, size)
                self._bytes += size
                while self._bytes > self.max_bytes:
                    self._bytes -= self._items.popitem(last=False)[1][1]
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
