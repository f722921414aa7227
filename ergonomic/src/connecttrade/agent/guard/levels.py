"""The three permission levels an agent can be handed, lowest first."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Level"]


class Level(StrEnum):
    """What an agent may do: inspect, stage, or change account and order state.

    Each level includes the ones below it (``EXECUTE`` can also prepare and read).
    """

    READ = "read"
    PREPARE = "prepare"
    EXECUTE = "execute"

    @property
    def rank(self) -> int:
        """0 for read, 1 for prepare, 2 for execute."""
        return _RANKS[self]

    def allows(self, needed: Level) -> bool:
        """True when this level includes ``needed``."""
        return self.rank >= needed.rank


_RANKS = {Level.READ: 0, Level.PREPARE: 1, Level.EXECUTE: 2}
