"""uvicorn's httptools HTTP protocol, sending what a turn of the event loop wrote at its end.

uvicorn writes a response's status line and headers as soon as the app sends
``http.response.start`` and its body with the next message, each straight to the socket.
Every ``send`` to a client that is waiting wakes it, and waking a sleeping process is
most of what a send costs the kernel (on this project's benchmark machine, about 15 µs of
a placement's 150 µs, in ``sock_def_readable``). Here a connection's writes wait in its
:class:`TurnWriter` until the loop's current turn ends, then leave as one write per
connection, the connections in the order they wrote: a head with its body, pipelined
answers together, and a client woken once per turn rather than once per answer.

Nothing waits longer than the turn in which it was written (the loop runs no further
callbacks of its own first), nor past :data:`WRITE_AT_ONCE` bytes, nor past a close, and
what each connection is sent, and in which order, does not change. A connection upgraded
to a WebSocket gets its own transport back, to write as the WebSocket protocol does.

It reaches into uvicorn's protocol: the ``HttpToolsProtocol`` class, its
``connection_made(transport)`` and ``handle_websocket_upgrade()`` methods and its ``transport``
and ``loop`` attributes (:data:`UVICORN_INTERNALS`). :func:`protocol_or_stock` checks them
before a server starts and falls back to stock uvicorn, with one logged warning, when a
uvicorn release changed them; tests/mock/fast/test_uvicorn_internals.py fails that day.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
else:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools missing, or uvicorn moved the module: serve stock
        HttpToolsProtocol = asyncio.Protocol

__all__ = [
    "UVICORN_INTERNALS",
    "WRITE_AT_ONCE",
    "Outbox",
    "TurnBatchingProtocol",
    "TurnWriter",
    "missing_uvicorn_internals",
    "protocol_or_stock",
]

log = logging.getLogger("connecttrade_mock")

UVICORN_INTERNALS: Final = {
    "connection_made": ("self", "transport"),
    "handle_websocket_upgrade": ("self",),
}
"""The methods of uvicorn's ``HttpToolsProtocol`` this module overrides, with their
parameters; it also reads the instance attributes ``loop`` and ``transport``."""

# A connection holding this many bytes writes them at once: a long streamed answer keeps
# uvicorn's flow control (the transport's own buffer limits) and bounded memory.
WRITE_AT_ONCE: Final = 64 * 1024


class Outbox:
    """The connections of one event loop with writes waiting, sent at the end of the turn."""

    __slots__ = ("_waiting",)

    def __init__(self) -> None:
        self._waiting: list[TurnWriter] = []

    def enlist(self, writer: TurnWriter, loop: asyncio.AbstractEventLoop) -> None:
        if not self._waiting:
            # Runs before the loop waits for I/O again (its ready queue is not empty).
            loop.call_soon(self.send_all)
        self._waiting.append(writer)

    def send_all(self) -> None:
        waiting, self._waiting = self._waiting, []
        for writer in waiting:
            writer.send()


# One outbox per event loop (``MockServer`` runs a loop per server thread).
_outboxes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Outbox]
_outboxes = weakref.WeakKeyDictionary()


def outbox_of(loop: asyncio.AbstractEventLoop) -> Outbox:
    outbox = _outboxes.get(loop)
    if outbox is None:
        outbox = _outboxes[loop] = Outbox()
    return outbox


class TurnWriter:
    """A connection's transport as its HTTP protocol sees it: what is written in one turn
    of the loop is sent in one write at the end of the turn, at once past
    :data:`WRITE_AT_ONCE` bytes, and before the connection closes."""

    __slots__ = ("_loop", "_outbox", "_pending", "_size", "transport")

    def __init__(
        self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop, outbox: Outbox
    ) -> None:
        self.transport = transport
        self._loop = loop
        self._outbox = outbox
        self._pending: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not data:
            return  # as a transport: nothing to send
        pending = self._pending
        if not pending:
            self._outbox.enlist(self, self._loop)
        pending.append(data)
        self._size += len(data)
        if self._size >= WRITE_AT_ONCE:
            self.send()

    def send(self) -> None:
        """Write what waits, now (dropped if the connection is already closing: the
        client left, and the transport would refuse it)."""
        pending = self._pending
        if not pending:
            return
        data = pending[0] if len(pending) == 1 else b"".join(pending)
        self._pending = []
        self._size = 0
        if not self.transport.is_closing():
            self.transport.write(data)

    def close(self) -> None:
        self.send()
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def get_write_buffer_size(self) -> int:
        return self.transport.get_write_buffer_size() + self._size

    def __getattr__(self, name: str) -> Any:
        # Anything else the protocol asks of its transport, as the transport answers it.
        return getattr(self.transport, name)


def missing_uvicorn_internals() -> list[str]:
    """What this module relies on in uvicorn that the installed uvicorn lacks (empty: all
    there). The instance attributes are checked per connection (see the protocol)."""
    if HttpToolsProtocol is asyncio.Protocol:  # type: ignore[comparison-overlap]
        return ["uvicorn.protocols.http.httptools_impl.HttpToolsProtocol"]
    missing = []
    for name, parameters in UVICORN_INTERNALS.items():
        method = getattr(HttpToolsProtocol, name, None)
        if method is None or tuple(inspect.signature(method).parameters) != parameters:
            missing.append(f"HttpToolsProtocol.{name}{parameters}")
    return missing


_warned = False


def _warn_once(what: object) -> None:
    global _warned  # noqa: PLW0603 - one warning per process, however many servers
    if not _warned:
        _warned = True
        log.warning("uvicorn changed (%s): serving with its stock HTTP protocol", what)


def protocol_or_stock() -> type[asyncio.Protocol] | str:
    """uvicorn's ``http`` setting: :class:`TurnBatchingProtocol`, or ``"auto"`` (uvicorn's
    own choice) with one logged warning when uvicorn lacks what it relies on."""
    missing = missing_uvicorn_internals()
    if missing:
        _warn_once(", ".join(missing))
        return "auto"
    return TurnBatchingProtocol


class TurnBatchingProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` writing through a :class:`TurnWriter` per connection (or
    straight to the transport, as stock, if uvicorn stopped keeping ``loop``)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        loop = getattr(self, "loop", None)
        if not isinstance(loop, asyncio.AbstractEventLoop):
            _warn_once("HttpToolsProtocol.loop")
            super().connection_made(transport)
            return
        writer = TurnWriter(transport, loop, outbox_of(loop))
        super().connection_made(writer)  # type: ignore[arg-type]

    def handle_websocket_upgrade(self) -> None:
        writer: object = getattr(self, "transport", None)  # what connection_made was given
        if isinstance(writer, TurnWriter):
            writer.send()
            self.transport = writer.transport
        super().handle_websocket_upgrade()
