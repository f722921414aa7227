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
"""

from __future__ import annotations

import gc

__all__ = ["freeze_startup_state", "thaw"]


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
