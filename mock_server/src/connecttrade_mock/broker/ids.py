"""Identifiers and secrets, drawn from one seeded generator so a seeded run is repeatable.

The mock is a test double: predictable secrets are a feature here (tests can rely on a
seed), and nothing it issues guards real money.
"""

from __future__ import annotations

import random
import string
from typing import Final

__all__ = ["IdFactory"]

_ALPHABET: Final = string.ascii_letters + string.digits  # what follows the prefix

# Each random byte names one character: byte b is _ALPHABET[b % 62]. 256 is not a multiple
# of 62, so the first 8 characters come up 5 times in 256 rather than 4: ids need to be
# unique and repeatable for a seed, not evenly spread.
_BY_BYTE: Final = bytes(ord(_ALPHABET[value % len(_ALPHABET)]) for value in range(256))


class IdFactory:
    """Makes ``prefix_XXXXXXXXXX`` ids and secrets from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - repeatable ids are the point

    def new(self, prefix: str, length: int = 10) -> str:
        # One draw of bytes, mapped to characters in one pass (an id is made for every
        # order, fill and transaction: a draw per character cost ten times as much).
        # (What ``Random.randbytes`` draws, without its Python-level call.)
        drawn = self._random.getrandbits(length * 8).to_bytes(length, "little")
        drawn = drawn.translate(_BY_BYTE)
        return prefix + "_" + drawn.decode("ascii")

    def secret(self, prefix: str) -> str:
        return self.new(prefix, 24)

    def state(self) -> object:
        return self._random.getstate()

    def restore(self, state: object) -> None:
        self._random.setstate(state)  # type: ignore[arg-type]
