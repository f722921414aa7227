"""A bounded queue between a stream's reader and one consumer, with backpressure.

When the consumer falls behind and the queue is full, the reader waits: the socket stops
being read, TCP pushes back, and the server eventually closes the slow session (4009),
after which the stream reconnects and resynchronises. Memory stays bounded either way.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Generic, Self, TypeVar

__all__ = ["EventQueue"]

_E = TypeVar("_E")


class EventQueue(Generic[_E]):
    """An async iterator over the events of one stream (``async for event in queue``).

    It ends when the stream closes: normally after ``close()``, or by raising the
    stream's error when it stopped for good. ``aclose()`` detaches it from the stream.
    """

    def __init__(self, maxsize: int, detach: Callable[[EventQueue[_E]], None]) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValueError(f"max_pending must be a whole number >= 1, got {maxsize!r}")
        self._items: deque[_E] = deque()
        self._maxsize = maxsize
        self._readable = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()
        self._ended = False
        self._error: BaseException | None = None
        self._detached = False
        self._detach = detach

    def __len__(self) -> int:
        return len(self._items)

    async def put(self, item: _E) -> None:
        """Add an event, waiting while the queue is full (dropped once detached)."""
        while len(self._items) >= self._maxsize and not self._detached:
            self._writable.clear()
            await self._writable.wait()
        if self._detached:
            return
        self._items.append(item)
        self._readable.set()

    def end(self, error: BaseException | None = None) -> None:
        """The stream is over: events already queued can still be read."""
        self._ended = True
        self._error = error
        self._readable.set()

    async def get(self) -> _E:
        """The next event; ``StopAsyncIteration`` (or the stream's error) once it ended."""
        while not self._items:
            if self._ended or self._detached:
                if self._error is not None:
                    raise self._error
                raise StopAsyncIteration
            self._readable.clear()
            await self._readable.wait()
        item = self._items.popleft()
        self._writable.set()
        return item

    def get_nowait(self) -> _E | None:
        """The next event if one is queued, else ``None``."""
        if not self._items:
            return None
        item = self._items.popleft()
        self._writable.set()
        return item

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> _E:
        return await self.get()

    async def aclose(self) -> None:
        """Stop receiving events; a reader blocked on this queue is released."""
        if not self._detached:
            self._detached = True
            self._items.clear()
            self._writable.set()
            self._readable.set()
            self._detach(self)
