"""Keeping a dict used as a cache within a size limit, oldest entries dropped first."""

from __future__ import annotations

import itertools
from typing import Any

__all__ = ["forget_oldest"]


def forget_oldest(cache: dict[Any, Any], limit: int) -> None:
    """Past ``limit`` entries, drop the oldest quarter at once (insertion order): finding a
    dict's first key walks past every key deleted before it, so dropping one at a time
    would cost each new entry a walk through thousands of empty slots."""
    if len(cache) > limit:
        for key in list(itertools.islice(cache, max(1, limit // 4))):
            del cache[key]
