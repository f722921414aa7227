"""Scripted outcomes for deterministic tests, and the scenario symbols that ask for them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = [
    "SCENARIO_SYMBOLS",
    "Outcome",
]


class Outcome(StrEnum):
    """Scripted outcomes for deterministic tests (scenario symbols or the control API)."""

    FILL = "fill"
    """Fills completely at once, whatever the market or session."""
    PARTIAL = "partial"
    """Fills in three equal parts, one per engine step (one per simulated second)."""
    REJECT = "reject"
    """Rejected by the broker."""
    HOLD = "hold"
    """Accepted, never fills."""
    CANCEL_REFUSED = "cancel_refused"
    """Accepted, never fills, and the broker refuses every cancel."""


SCENARIO_SYMBOLS: Mapping[str, Outcome] = {
    # Nasdaq's own test symbols, so they can never collide with a real listing.
    "ZVZZT": Outcome.FILL,
    "ZWZZT": Outcome.PARTIAL,
    "ZXZZT": Outcome.REJECT,
    "ZAZZT": Outcome.HOLD,
    "ZBZZT": Outcome.CANCEL_REFUSED,
}
