"""Keeping the books out of CPython's full garbage collections.

A full collection walks every container object the process holds; a book of 100,000
orders is about 330,000 of them (an order, its fills list, its reserve entry), and one
walk took about 150 ms on the benchmark machine, every request waiting meanwhile: that
was the p99 of a large book. The books need no collector (orders, fills and reserve
entries form no reference cycles; what leaves the books is freed by reference counting),
so the state a server starts with (loaded from ``--db``, or seeded by a benchmark) is
moved to the permanent generation, where collections never look.

What the server creates later is collected as usual. A reset replaces the state; its
frozen objects are handed back to the collector (:func:`thaw`) in case any formed a cycle.

While it serves, the books keep growing (an order, its fills list and its reserve entry
per placement), and each full collection walks all of them to find nothing: under a
placement load no request leaves a garbage cycle behind (measured: 0 objects collected per
request). :func:`collect_old_rarely` lets full collections come ten times less often. It is
safe: the young and middle generations are collected exactly as before (where garbage
cycles mostly die), and a cycle that reaches the old generation is still collected by the
next full collection, which CPython runs once 100 middle collections (about 700,000 net
allocations at the default thresholds) have passed instead of 10, and, as before, once the
old generation grew by a quarter. Nothing is exempted for good, so nothing leaks; a cycle
only waits longer.
"""

from __future__ import annotations

import gc
from typing import Final

__all__ = ["FULL_COLLECTION_SPACING", "collect_old_rarely", "freeze_startup_state", "thaw"]

FULL_COLLECTION_SPACING: Final = 100
"""Middle-generation collections between full ones while serving (CPython's default: 10)."""


def freeze_startup_state() -> int:
    """Collect what is garbage now, then exempt every live object from later collections;
    returns how many objects were frozen. Call it once, just before serving."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def thaw() -> None:
    """Hand frozen objects back to the collector (the state they belonged to is gone)."""
    if gc.get_freeze_count():
        gc.unfreeze()


def collect_old_rarely() -> None:
    """Space full collections :data:`FULL_COLLECTION_SPACING` middle collections apart,
    leaving the young and middle generations' thresholds as they are. Call it once, when
    the process starts serving."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_SPACING)
