"""A small least-recently-used cache of the path's nodes."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K, make: Callable[[], V]) -> V:
        try:
            self._data.move_to_end(key)
            return self._data[key]
        except KeyError:
            value = make()
            self._data[key] = value
            if len(self._data) > self._size:
                self._data.popitem(last=False)
            return value

    def clear(self) -> None:
        self._data.clear()
