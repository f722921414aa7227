"""Keyset pagination over per-account lists kept in creation order.

A page costs O(log n) to find its start plus the items it skips or returns: lists are
bisected by time and by the cursor's sequence number, and merged lazily. Cursors are
opaque, carry a fingerprint of the filters they were made under (reusing one with other
filters is a 400), and work in both directions (``next_cursor`` / ``prev_cursor``).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import heapq
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

__all__ = ["CursorError", "Page", "fingerprint", "paginate"]

T = TypeVar("T")


class CursorError(ValueError):
    """A cursor that is malformed or was made under different filters."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None


def fingerprint(filters: Mapping[str, Any]) -> str:
    """A short digest of the filters a cursor belongs to."""
    text = json.dumps({k: str(v) for k, v in sorted(filters.items())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode(seq: int, forward: bool, print_: str) -> str:
    raw = json.dumps({"s": seq, "d": "n" if forward else "p", "f": print_}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str, print_: str) -> tuple[int, bool]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        data = json.loads(raw)
        seq, direction, made_under = data["s"], data["d"], data["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise CursorError("cursor: not a cursor this API issued") from None
    if not isinstance(seq, int) or direction not in ("n", "p"):
        raise CursorError("cursor: not a cursor this API issued")
    if made_under != print_:
        raise CursorError("cursor: made under different filters; repeat the filters of its page")
    return seq, direction == "n"


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
    filters_print: str,
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

    anchor, forward = (None, True) if cursor is None else _decode(cursor, filters_print)
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
        _encode(last_seq, True, filters_print) if has_next else None,
        _encode(first_seq, False, filters_print) if has_prev else None,
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
