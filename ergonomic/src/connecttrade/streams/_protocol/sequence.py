"""Gap detection on the brokerage stream's session sequence numbers (pure).

Updates carry ``seq`` 1, 2, 3... per connection; heartbeats carry ``last_seq``, the last
number sent. A number above the next expected one, or a heartbeat announcing one we never
saw, means updates were lost; a number at or below the last one seen is a repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["SeqCheck", "SequenceTracker"]


class SeqCheck(Enum):
    """What one sequence number means."""

    NEXT = "next"  # the expected one: apply
    GAP = "gap"  # numbers were skipped: apply, then resynchronise
    REPEAT = "repeat"  # seen already: drop


@dataclass(slots=True)
class SequenceTracker:
    """The last sequence number of the current session."""

    last: int = 0

    def reset(self) -> None:
        """A new session starts counting at 1 again."""
        self.last = 0

    def update(self, seq: int) -> SeqCheck:
        """Check the ``seq`` of an update and remember it when it is new."""
        if seq <= self.last:
            return SeqCheck.REPEAT
        check = SeqCheck.NEXT if seq == self.last + 1 else SeqCheck.GAP
        self.last = seq
        return check

    def heartbeat(self, last_seq: int) -> SeqCheck:
        """Check a heartbeat's ``last_seq``: above what we saw means updates were lost."""
        if last_seq <= self.last:
            return SeqCheck.NEXT
        self.last = last_seq
        return SeqCheck.GAP
