"""The price path machinery: Brownian bridges splitting a candle into its children
(log prices as floats, volume as whole size increments)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from random import Random
from typing import NamedTuple

# --------------------------------------------------------------------------------------
# The path machinery (internal; log prices as floats, volume as whole size increments)


class _Node(NamedTuple):
    open: float
    high: float
    low: float
    close: float
    volume: int


def _allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    parts = [math.floor(x) for x in exact]
    short = total - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[:short]:
        parts[i] += 1
    return parts


def _bridge(start: float, end: float, variances: Sequence[float], rng: Random) -> list[float]:
    """Knots of a Brownian bridge from ``start`` to ``end`` with the given step variances."""
    xs, taus = [], []
    x = tau = 0.0
    for variance in variances:
        x += rng.gauss(0.0, math.sqrt(variance)) if variance > 0 else 0.0
        tau += variance
        xs.append(x)
        taus.append(tau)
    steps = len(variances)
    if tau <= 0:
        knots = [start + (end - start) * (j + 1) / steps for j in range(steps)]
    else:
        miss = x - (end - start)
        knots = [start + xj - (tj / tau) * miss for xj, tj in zip(xs, taus, strict=True)]
    knots[-1] = end
    return [start, *knots]


def _weighted_index(rng: Random, weights: Sequence[float], exclude: int = -1) -> int:
    candidates = [i for i in range(len(weights)) if i != exclude]
    chosen_weights = [weights[i] for i in candidates]
    if sum(chosen_weights) <= 0:
        return rng.choice(candidates)
    return rng.choices(candidates, weights=chosen_weights)[0]


def _subdivide(
    parent: _Node,
    length: int,
    *,
    variance: Sequence[float],
    volume: Sequence[float],
    unit: float,
    rng: Random,
) -> list[_Node]:
    """Split ``parent`` into ``len(variance)`` children of ``length`` seconds each.

    ``variance`` holds each child's per-second variance weight (times ``unit``), ``volume``
    its share weight of the parent's volume. Children chain (each opens one second after
    the previous closes), stay inside the parent's range and together touch its high and
    low. Children of one second are points (open == high == low == close).
    """
    n = len(variance)
    steps: list[float] = []
    for i, weight in enumerate(variance):
        steps.append(weight * (length - 1) * unit)
        if i < n - 1:
            steps.append(weight * unit)
    knots = [
        min(max(k, parent.low), parent.high) for k in _bridge(parent.open, parent.close, steps, rng)
    ]
    jitter = [rng.lognormvariate(0.0, 0.3) for _ in range(n)]
    volumes = _allocate(parent.volume, [w * j for w, j in zip(volume, jitter, strict=True)])
    if length == 1:
        inner = range(1, n - 1)  # the first open and the last close are the parent's own
        inner_weights = [variance[i] + 1e-12 for i in inner]
        high_at = -1
        if max(knots) < parent.high:
            high_at = inner[_weighted_index(rng, inner_weights)]
            knots[2 * high_at] = knots[2 * high_at + 1] = parent.high
        if min(knots) > parent.low:
            low_at = inner[_weighted_index(rng, inner_weights, exclude=high_at - 1)]
            knots[2 * low_at] = knots[2 * low_at + 1] = parent.low
        return [_Node(k, k, k, k, v) for k, v in zip(knots[0::2], volumes, strict=True)]
    highs, lows = [], []
    for i, weight in enumerate(variance):
        spread = 0.35 * math.sqrt(weight * length * unit)
        o, c = knots[2 * i], knots[2 * i + 1]
        highs.append(min(max(o, c) + abs(rng.gauss(0.0, spread)), parent.high))
        lows.append(max(min(o, c) - abs(rng.gauss(0.0, spread)), parent.low))
    if max(highs) < parent.high:
        highs[_weighted_index(rng, variance)] = parent.high
    if min(lows) > parent.low:
        lows[_weighted_index(rng, variance)] = parent.low
    return [_Node(knots[2 * i], highs[i], lows[i], knots[2 * i + 1], volumes[i]) for i in range(n)]
