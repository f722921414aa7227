"""What ``wait_for_approval`` returns: a human's approval of an order over the threshold."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["Approval"]


@dataclass(frozen=True, slots=True)
class Approval:
    """A human approved the order: ``confirm`` it again before ``expires_at`` to send it.

    ``waited`` is how long the wait took on the guard's clock (zero when the approval was
    there already).
    """

    confirmation_id: str
    approved_by: str
    note: str | None
    approved_at: dt.datetime
    expires_at: dt.datetime
    waited: dt.timedelta

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return (
            f"{self.confirmation_id} approved by {self.approved_by}{note}; "
            f"confirm before {self.expires_at.isoformat()}"
        )
