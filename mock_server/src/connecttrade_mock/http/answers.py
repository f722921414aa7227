"""Encoded answers of the read operations, kept for as long as nothing they show changed.

A read's answer is a pure function of the request (operation, user, path and query), the
store, the market's pins and the clock's second (prices move at most once a simulated
second, and nothing a read shows is finer than that; the control API's other settings,
faults, forced sessions and outcomes, do not show in reads). A :class:`Stamp` of those
versions is taken after the engine caught up with the clock; an answer made under one
stamp is given again, byte for byte, while the stamp stays the same. Every change to the
store and every pin moves the stamp, so the next read works its answer out again: the
cache saves work, never shows old state. A reset starts a new store: it empties the cache.

Only reads whose answer holds for a whole second are kept (``CACHED_READS``): listings of
accounts, balances, positions and orders, and one order. Errors are never kept.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Final, NamedTuple

from connecttrade_mock.bounded import forget_oldest
from connecttrade_mock.wire.encoding import tight

__all__ = ["CACHED_READS", "AnswerCache", "Stamp"]

CACHED_READS: Final = frozenset(
    {"list_accounts", "list_balances", "list_positions", "list_orders", "get_order"}
)


class Stamp(NamedTuple):
    """The versions an answer was made under."""

    store: int  # Store.version: every touched, forgotten or reindexed record
    market: int  # Market.revision: every pin and unpin
    second: int  # the simulated clock's whole second


class AnswerCache:
    """About ``limit`` answers at most (status and body bytes), the oldest made dropped
    first."""

    __slots__ = ("_answers", "_limit", "hits", "misses")

    def __init__(self, limit: int = 4096) -> None:
        self._answers: dict[Hashable, tuple[Stamp, int, bytes]] = {}
        self._limit = limit
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Hashable, stamp: Stamp) -> tuple[int, bytes] | None:
        """The answer kept for ``key`` if it was made under ``stamp``."""
        kept = self._answers.get(key)
        if kept is not None and kept[0] == stamp:
            self.hits += 1
            return kept[1], kept[2]
        self.misses += 1
        return None

    def put(self, key: Hashable, stamp: Stamp, status: int, body: bytes) -> None:
        answers = self._answers
        answers.pop(key, None)  # re-inserted last: the newest stays longest
        answers[key] = (stamp, status, tight(body))  # kept: in a block of its own size
        forget_oldest(answers, self._limit)

    def clear(self) -> None:
        self._answers.clear()
