"""Keyset pagination over per-account lists kept in creation order.

A page costs O(log n) to find its start plus the items it skips or returns: lists are
bisected by time and by the cursor's sequence number, and merged lazily.

A cursor is a position, not a saved query: "after (or before) the item with sequence
number N", 12 base64url characters (9 bytes: a direction flag, then N). Every string of
that form is a cursor, so every cursor the contract's pattern allows has one meaning: with
the filters of the page that issued it, the next (or previous) page; with other filters,
the items those filters select from the same position on. A position past either end is an
empty page. Cursors work in both directions (``next_cursor`` / ``prev_cursor``).
"""

from __future__ import annotations

import base64
import bisect
import heapq
import itertools
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

__all__ = ["CURSOR_PATTERN", "CursorError", "Page", "cursor_at", "paginate"]

T = TypeVar("T")


CURSOR_PATTERN = "^[A-Za-z0-9_-]{12}$"
"""Every cursor, as the contract's ``CursorQuery`` states it."""

_CURSOR = re.compile(CURSOR_PATTERN)
_LAYOUT = struct.Struct(">BQ")  # direction (bit 0: 1 = before), sequence number
_BEFORE = 1


class CursorError(ValueError):
    """A cursor that is not of the cursor form (the contract's validation refuses it first)."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None


def cursor_at(seq: int, *, forward: bool = True) -> str:
    """The cursor of the position after (``forward``) or before item ``seq``."""
    raw = _LAYOUT.pack(0 if forward else _BEFORE, seq)
    return base64.urlsafe_b64encode(raw).decode()  # 9 bytes: 12 characters, no padding


def _decode(text: str) -> tuple[int, bool]:
    if not _CURSOR.fullmatch(text):
        raise CursorError("cursor: not a cursor (12 characters of A-Z, a-z, 0-9, '_' and '-')")
    flags, seq = _LAYOUT.unpack(base64.urlsafe_b64decode(text))
    return seq, not flags & _BEFORE


def paginate(
    lists: Sequence[Sequence[T]],
    *,
    seq_of: Callable[[T], int],
    time_of: Callable[[T], datetime],
    matches: Callable[[T], bool],
    start: datetime | None,
    end: datetime | None,
    descending: bool,
    limit: int,
    cursor: str | None,
) -> Page[T]:
    """One page of the items of ``lists`` (each ascending by seq and by time) that match."""
    windows = []
    for items in lists:
        lo = bisect.bisect_left(items, start, key=time_of) if start else 0
        hi = bisect.bisect_left(items, end, key=time_of) if end else len(items)
        windows.append((items, lo, hi))

    def walk(anchor: int | None, upward: bool) -> Iterator[T]:
        runs: list[Iterator[T]] = []
        for items, lo, hi in windows:
            if lo >= hi:
                continue
            if upward:
                first = (
                    lo
                    if anchor is None
                    else max(lo, bisect.bisect_right(items, anchor, key=seq_of))
                )
                runs.append(_upward(items, first, hi))
            else:
                last = (
                    hi if anchor is None else min(hi, bisect.bisect_left(items, anchor, key=seq_of))
                )
                runs.append(_downward(items, last, lo))
        # Most listings have one account with items in the window: nothing to merge.
        merged = runs[0] if len(runs) == 1 else heapq.merge(*runs, key=seq_of, reverse=not upward)
        return filter(matches, merged)

    anchor, forward = (None, True) if cursor is None else _decode(cursor)
    upward = descending != forward
    found = list(itertools.islice(walk(anchor, upward), limit + 1))
    page = found[:limit]
    more_this_way = len(found) > limit
    if not forward:
        page.reverse()
    if not page:
        return Page([], None, None)
    first_seq, last_seq = seq_of(page[0]), seq_of(page[-1])
    sort_up = not descending
    has_next = more_this_way if forward else _any(walk(last_seq, sort_up))
    has_prev = _any(walk(first_seq, not sort_up)) if forward else more_this_way
    return Page(
        page,
        cursor_at(last_seq) if has_next else None,
        cursor_at(first_seq, forward=False) if has_prev else None,
    )


def _upward(items: Sequence[T], start: int, hi: int) -> Iterator[T]:
    """items[start], items[start+1], ... items[hi-1], by index (``islice`` would step
    through every item before ``start``; ``map`` fetches each without a generator frame)."""
    return map(items.__getitem__, range(start, hi))


def _downward(items: Sequence[T], stop: int, lo: int) -> Iterator[T]:
    """items[stop-1], items[stop-2], ... items[lo] (``items`` is bound now)."""
    return map(items.__getitem__, range(stop - 1, lo - 1, -1))


def _any(items: Iterator[Any]) -> bool:
    return next(items, None) is not None
