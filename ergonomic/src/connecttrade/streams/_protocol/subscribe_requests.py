"""Market-data subscribe requests in flight, and the calls waiting for their answers.

Pure bookkeeping, no I/O. The stream stamps every subscribe frame it sends with a
``request_id``. The server answers a valid frame with one refusal per reason (the symbols
it will not serve) and then one ``subscribed`` (the symbols it accepted); a frame that
breaks the protocol gets a single error and nothing else. Refused pairs leave the
registry, so reconnects do not ask for them again.

A subscribe call waits until each of its symbols was answered by a request sent after the
call registered it: its own frame or, when that frame was never sent (the stream was not
live) or its connection dropped before the answer, a frame that restores the
subscriptions on the next connection.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connecttrade._exceptions import SubscriptionRefusedError
from connecttrade.streams._protocol.subscriptions import MarketDataRegistry
from connecttrade.types.market_data_events import SubscriptionRefused

__all__ = ["SubscribeRequests", "Waiter"]


class Waiter:
    """One subscribe call: its symbols not yet answered, and what the answers said."""

    __slots__ = ("accepted", "channel", "pending", "refusals", "symbols")

    def __init__(self, channel: str, symbols: tuple[str, ...]) -> None:
        self.channel = channel
        self.symbols = symbols
        self.pending = set(symbols)
        self.accepted: list[str] = []
        self.refusals: list[SubscriptionRefused] = []

    @property
    def done(self) -> bool:
        """Every symbol was answered (or unsubscribed meanwhile)."""
        return not self.pending

    def error(self) -> SubscriptionRefusedError | None:
        """The error the call raises: ``None`` when nothing of it was refused."""
        if not self.refusals:
            return None
        return SubscriptionRefusedError(
            self.channel, tuple(self.refusals), tuple(s for s in self.symbols if s in self.accepted)
        )


@dataclass(slots=True)
class _Request:
    channel: str
    serials: dict[str, int]
    """The symbols the frame carried, with their registry serials when it was sent."""
    waiters: list[Waiter]
    refusals: list[SubscriptionRefused] = field(default_factory=list)


class SubscribeRequests:
    """Subscribe frames sent and not yet answered, and the calls waiting on them."""

    __slots__ = ("_ids", "_registry", "_requests", "_waiters")

    def __init__(self, registry: MarketDataRegistry) -> None:
        self._registry = registry
        self._requests: dict[str, _Request] = {}
        self._waiters: list[Waiter] = []
        self._ids = itertools.count(1)

    def wait(self, channel: str, symbols: Iterable[str]) -> Waiter:
        """A call that waits for ``symbols``; make it before stamping the call's frames."""
        waiter = Waiter(channel, tuple(dict.fromkeys(symbols)))
        self._waiters.append(waiter)
        return waiter

    def abandon(self, waiter: Waiter) -> None:
        """The call stopped waiting (answered, timed out or cancelled)."""
        if waiter in self._waiters:
            self._waiters.remove(waiter)
        for request in self._requests.values():
            if waiter in request.waiters:
                request.waiters.remove(waiter)

    def stamp(self, frame: dict[str, Any]) -> dict[str, Any]:
        """``frame`` with a new ``request_id``, recorded as in flight (call it just
        before sending; :meth:`unsent` if it could not be sent)."""
        request_id = f"sub-{next(self._ids)}"
        channel: str = frame["channel"]
        serials: dict[str, int] = {}
        for symbol in frame["symbols"]:
            serial = self._registry.serial(channel, symbol)
            if serial is not None:
                serials[symbol] = serial
        waiters = [
            w for w in self._waiters if w.channel == channel and not w.pending.isdisjoint(serials)
        ]
        self._requests[request_id] = _Request(channel, serials, waiters)
        return {**frame, "request_id": request_id}

    def unsent(self, request_id: str) -> None:
        """The stamped frame never left: its symbols wait for the next connection."""
        self._requests.pop(request_id, None)

    def connection_lost(self) -> None:
        """Frames in flight will never be answered; their calls wait for the next
        connection's frames."""
        self._requests.clear()

    def owns(self, request_id: str) -> bool:
        """Whether ``request_id`` names a subscribe frame in flight."""
        return request_id in self._requests

    def refused(self, request_id: str | None, refusal: SubscriptionRefused) -> None:
        """Some symbols of a request were refused: forget them (a ``subscribed`` follows)."""
        request = self._requests.get(request_id) if request_id is not None else None
        serials = request.serials if request is not None else None
        self._registry.forget_refused(refusal.channel, refusal.symbols, serials)
        if request is not None:
            request.refusals.append(refusal)

    def refused_whole(self, request_id: str, code: str, message: str) -> SubscriptionRefused:
        """The server refused a whole request (it broke the protocol): every symbol of
        it is refused; returns the refusal to publish. Call :meth:`answered` next."""
        request = self._requests[request_id]
        refusal = SubscriptionRefused(request.channel, tuple(request.serials), code, message)
        self.refused(request_id, refusal)
        return refusal

    def answered(self, request_id: str | None) -> list[Waiter]:
        """A request got its last answer; returns the calls that are now done."""
        request = self._requests.pop(request_id, None) if request_id is not None else None
        if request is None:
            return []
        refused = {symbol for r in request.refusals for symbol in r.symbols}
        finished: list[Waiter] = []
        for waiter in request.waiters:
            answered = waiter.pending.intersection(request.serials)
            if not answered:
                continue
            waiter.pending -= answered
            for refusal in request.refusals:
                mine = tuple(s for s in refusal.symbols if s in answered)
                if mine:
                    waiter.refusals.append(
                        SubscriptionRefused(refusal.channel, mine, refusal.code, refusal.message)
                    )
            waiter.accepted.extend(s for s in waiter.symbols if s in answered - refused)
            if waiter.done:
                finished.append(waiter)
        return finished

    def unsubscribed(self, channel: str, symbols: Iterable[str]) -> list[Waiter]:
        """Symbols were unsubscribed: no call waits for them any more; returns the calls
        that are now done."""
        gone = set(symbols)
        finished: list[Waiter] = []
        for waiter in self._waiters:
            if waiter.channel == channel and waiter.pending & gone:
                waiter.pending -= gone
                if not waiter.pending:
                    finished.append(waiter)
        return finished
