"""Errors of the two WebSocket streams (brokerage updates and market data).

They join the tree drawn in :mod:`connecttrade.errors`::

    ConnectTradeError
    └── StreamError                     a stream cannot go on, or was used wrongly
        ├── StreamAuthenticationError   close 4003: bad credentials or a bad token
        ├── SessionReplacedError        close 4008: a newer session took over
        ├── StreamStateError            a call made in a state that does not allow it
        ├── StreamProtocolError         a frame that breaks the protocol
        └── SubscriptionRefusedError    the server refused symbols of a subscribe call

A stream stops reconnecting only for the first two: every other failure (a drop, a stall,
close codes 1011, 4009, 4010) is handled by reconnecting and resynchronising; a refused
subscription stops nothing but itself. Messages name close codes and fields, never
credentials or tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connecttrade.errors import ConnectTradeError

if TYPE_CHECKING:
    from connecttrade.market_data_events import SubscriptionRefused

__all__ = [
    "SessionReplacedError",
    "StreamAuthenticationError",
    "StreamError",
    "StreamProtocolError",
    "StreamStateError",
    "SubscriptionRefusedError",
]


class StreamError(ConnectTradeError):
    """A stream failed for good, or was asked for something its state does not allow."""

    def __init__(self, message: str, *, close_code: int | None = None) -> None:
        self.message = message
        self.close_code = close_code
        super().__init__(message)


class StreamAuthenticationError(StreamError):
    """The server refused the credentials or token (close code 4003); reconnecting stops."""


class SessionReplacedError(StreamError):
    """A newer session with the same credentials replaced this one (close code 4008)."""


class StreamStateError(StreamError):
    """A call was made in a state that does not allow it (``subscribe`` after ``close``)."""


class StreamProtocolError(StreamError, ValueError):
    """A frame was not what the protocol defines (not JSON, missing or mistyped field)."""


class SubscriptionRefusedError(StreamError):
    """The server refused some (or all) symbols of a ``subscribe_*`` call.

    ``symbols`` are the refused ones, ``refusals`` say why per code (one
    :class:`~connecttrade.SubscriptionRefused` each, also published as events) and
    ``accepted`` are the call's symbols that were subscribed regardless and keep streaming.
    The refused symbols are no longer registered: reconnects do not ask for them again.
    """

    def __init__(
        self,
        channel: str,
        refusals: tuple[SubscriptionRefused, ...],
        accepted: tuple[str, ...],
    ) -> None:
        self.channel = channel
        self.refusals = refusals
        self.symbols: tuple[str, ...] = tuple(s for r in refusals for s in r.symbols)
        self.accepted = accepted
        reasons = "; ".join(f"{', '.join(r.symbols)} ({r.code}: {r.message})" for r in refusals)
        kept = f"; subscribed {', '.join(accepted)}" if accepted else ""
        super().__init__(f"{channel}: refused {reasons}{kept}")
