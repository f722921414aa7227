"""What a stream does when its connection ends: the close-code policy as a table (pure).

Codes are the protocol's (``openapi/asyncapi.json``, each channel's ``x-close-codes``).
Anything not listed, and a connection lost without a close frame, reconnects with backoff.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["SERVICE_RESTART", "CloseAction", "action_for", "describe"]

SERVICE_RESTART = 1012
"""The server restarted: reconnect, and expect its entity versions to have started over."""


class CloseAction(Enum):
    """The stream's answer to the end of a connection."""

    RECONNECT = "reconnect"  # back off, reconnect, re-authenticate, resubscribe, resync
    REAUTHORIZE = "reauthorize"  # market data: fetch a fresh token, then reconnect at once
    STOP_AUTH = "stop_auth"  # credentials refused: retrying cannot help
    STOP_REPLACED = "stop_replaced"  # another session took over: do not fight it


_TABLE: dict[int, tuple[CloseAction, str]] = {
    1000: (CloseAction.RECONNECT, "normal closure by the server"),
    1001: (CloseAction.RECONNECT, "server going away"),
    1009: (CloseAction.RECONNECT, "message too big"),
    1011: (CloseAction.RECONNECT, "server error"),
    SERVICE_RESTART: (CloseAction.RECONNECT, "service restart"),
    4000: (CloseAction.RECONNECT, "protocol error"),
    4001: (CloseAction.RECONNECT, "not authenticated in time"),
    4003: (CloseAction.STOP_AUTH, "bad credentials or token"),
    4008: (CloseAction.STOP_REPLACED, "session replaced by a newer one"),
    4009: (CloseAction.RECONNECT, "slow consumer: the server's queue overflowed"),
    4010: (CloseAction.REAUTHORIZE, "token revoked"),
}


def action_for(code: int | None, *, market_data: bool) -> CloseAction:
    """The action for close ``code`` (``None``: no close frame, the socket just died)."""
    if code is None:
        return CloseAction.RECONNECT
    action, _ = _TABLE.get(code, (CloseAction.RECONNECT, ""))
    # Brokerage credentials are not tokens: a 4010 there can only be retried.
    if action is CloseAction.REAUTHORIZE and not market_data:
        return CloseAction.RECONNECT
    return action


def describe(code: int | None) -> str:
    """The close in words, for state-change reasons and errors."""
    if code is None:
        return "connection lost without a close frame"
    _, words = _TABLE.get(code, (CloseAction.RECONNECT, "closed"))
    return f"close {code}: {words or 'closed'}"
