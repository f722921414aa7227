"""Identifiers and secrets, drawn from one seeded generator so a seeded run is repeatable.

The mock is a test double: predictable secrets are a feature here (tests can rely on a
seed), and nothing it issues guards real money.
"""

from __future__ import annotations

import random
import string

__all__ = ["IdFactory"]

_ALPHABET = tuple(string.ascii_letters + string.digits)  # indexing a tuple is quickest
_SIZE = float(len(_ALPHABET))


class IdFactory:
    """Makes ``prefix_XXXXXXXXXX`` ids and secrets from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)  # noqa: S311 - repeatable ids are the point

    def new(self, prefix: str, length: int = 10) -> str:
        # What ``random.choices(_ALPHABET, k=length)`` draws, the same ids for a seed,
        # without its per-call set-up (an id is made for every order and fill).
        draw, alphabet, size = self._random.random, _ALPHABET, _SIZE
        return prefix + "_" + "".join([alphabet[int(draw() * size)] for _ in range(length)])

    def secret(self, prefix: str) -> str:
        return self.new(prefix, 24)

    def state(self) -> object:
        return self._random.getstate()

    def restore(self, state: object) -> None:
        self._random.setstate(state)  # type: ignore[arg-type]
