"""uvicorn's httptools HTTP protocol, writing each response's head and body in one go.

uvicorn writes a response's status line and headers as soon as the app sends
``http.response.start``, and its body with the next message: two writes, so two sends and,
on loopback, the peer woken twice per answer. Here the head waits (in :class:`HeadHolder`,
one per request) for the first body bytes, the end of the response or the connection's
close, and leaves with them. What is written, and in which order, does not change.

It reaches into uvicorn's request cycle (its ``transport`` and ``on_response``
attributes), which the package pins to one minor version (``uvicorn>=0.54,<0.55``); the
tests run real requests through it (HEAD, 100-continue, pipelining, upgrades, errors).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HeadCoalescingProtocol", "HeadHolder"]

# A final response's status line; interim ones (100 Continue) are written at once.
_FINAL_HEAD = b"HTTP/1.1 "
_INTERIM_HEAD = b"HTTP/1.1 1"


class HeadHolder:
    """The transport as one request's response cycle sees it: a response head is held
    until the next write, the end of the response or a close, then sent with it."""

    __slots__ = ("_head", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._head: bytes | None = None

    def write(self, data: bytes) -> None:
        head = self._head
        if head is not None:
            self._head = None
            self._transport.write(head + data)
        elif data.startswith(_FINAL_HEAD) and not data.startswith(_INTERIM_HEAD):
            self._head = data
        else:
            self._transport.write(data)

    def flush(self) -> None:
        """Send a held head on its own (a response without body bytes)."""
        head = self._head
        if head is not None:
            self._head = None
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        # Anything else the cycle may ask of its transport, as the transport answers it.
        return getattr(self._transport, name)


class HeadCoalescingProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` whose every request cycle writes through a :class:`HeadHolder`."""

    def on_headers_complete(self) -> None:
        before = self.cycle
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is None or cycle is before:
            return  # an upgrade (WebSocket): no response cycle was made
        holder = HeadHolder(cycle.transport)
        cycle.transport = holder  # type: ignore[assignment]
        on_response: Callable[[], None] = cycle.on_response

        def flush_then_complete() -> None:
            holder.flush()
            on_response()

        cycle.on_response = flush_then_complete
