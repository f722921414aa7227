"""What reconciliation found: the agent's belief against the broker's state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["Mismatch", "ReconciliationReport"]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between what the guard expected and what the broker reports.

    ``kind`` is ``order_missing``, ``cancelled_externally``, ``replaced_externally``,
    ``order_changed``, ``fills_went_backwards``, ``unknown_order`` or
    ``position_mismatch``; ``subject`` is the order id or the symbol.
    """

    kind: str
    account_id: str
    subject: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return (
            f"{self.kind} in {self.account_id} for {self.subject}: "
            f"expected {self.expected}, broker has {self.actual}"
        )


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    """The result of ``reconcile()``; any mismatch or read error halts execution."""

    time: dt.datetime
    mismatches: tuple[Mismatch, ...]
    orders_checked: int
    positions_checked: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the broker's state matched and could be read completely."""
        return not self.mismatches and self.error is None

    @property
    def summary(self) -> str:
        """One line per finding, for people."""
        head = (
            f"reconciliation at {self.time.isoformat()}: {self.orders_checked} orders, "
            f"{self.positions_checked} positions checked"
        )
        if self.ok:
            return f"{head}; everything matches"
        lines = [f"{head}; {len(self.mismatches)} mismatches"]
        lines += [f"  - {m}" for m in self.mismatches]
        if self.error is not None:
            lines.append(f"  - broker state could not be read: {self.error}")
        return "\n".join(lines)
