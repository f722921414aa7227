"""Replayed prices: a symbol's path driven by the user's own OHLCV bars instead of the walk.

A bar file (CSV, or Parquet when ``pyarrow`` is installed) holds one row per bar with the
columns ``timestamp, open, high, low, close, volume`` and, optionally, ``symbol``. All bars
of one symbol share one interval: one minute, one hour or one day. Timestamps carry their
offset (``2024-03-01T09:30:00-05:00`` or ``...Z``) so no machine's time zone is involved;
daily bars may give a bare date, the New York trading day, or a timestamp (bars a whole
number of days apart are daily, each the day of its UTC date). An hour bar must start on a
whole UTC hour (vendors' 09:30-aligned hours do not: give minute bars instead).

The market takes each bar as the candle of its grid slot and builds everything finer
(seconds, trades) with the same Brownian bridges as the walk, so quotes, trades, depth,
bars and options all follow the file. Coarser candles aggregate the file's. A slot with
no bar is flat at the previous close with no volume (before the first bar: at its open),
which is what a market without data looks like: no trades, no moves.
"""

from __future__ import annotations

import csv
import itertools
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from connecttrade_mock.market._price_path import _Node
from connecttrade_mock.market._units import _DAY, _GRID_EPOCH, _HOUR, _MINUTE

__all__ = [
    "BarFileError",
    "ReplayBar",
    "ReplaySeries",
    "read_bar_file",
]

_COLUMNS: Final = ("timestamp", "open", "high", "low", "close", "volume")


class BarFileError(ValueError):
    """A bar file that cannot be replayed; the message names the file, row and field."""


@dataclass(frozen=True, slots=True)
class ReplayBar:
    """One bar of a file: its start and its OHLCV, exactly as written."""

    symbol: str
    start: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    daily: bool  # the timestamp was a bare date (a New York trading day)


@dataclass(slots=True)
class ReplaySeries:
    """One symbol's bars as candles of the market's grid (log prices, volume increments)."""

    symbol: str
    interval: int  # seconds: 60, 3600 or 86400
    _slots: dict[int, _Node]
    _keys: list[int] = field(default_factory=list)
    _aggregates: dict[tuple[int, int], _Node] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keys = sorted(self._slots)

    @classmethod
    def from_bars(cls, symbol: str, bars: Sequence[ReplayBar], increment: Decimal) -> ReplaySeries:
        """The series of one symbol's bars; ``increment`` is its size increment."""
        if not bars:
            raise BarFileError(f"no bars for {symbol}")
        interval = _interval_of(symbol, bars)
        slots: dict[int, _Node] = {}
        for bar in bars:
            index = _slot(bar.start, interval)
            if index in slots:
                raise BarFileError(f"{symbol}: two bars for {bar.start.isoformat()}")
            volume = int((bar.volume / increment).to_integral_value())
            slots[index] = _Node(
                math.log(bar.open),
                math.log(bar.high),
                math.log(bar.low),
                math.log(bar.close),
                volume,
            )
        return cls(symbol, interval, slots)

    def covers(self, size: int) -> bool:
        """Whether candles of ``size`` seconds come from the file (directly or summed)."""
        return size >= self.interval

    def node(self, size: int, index: int) -> _Node:
        """The candle of grid slot ``index`` of ``size`` seconds (``size >= interval``)."""
        if size == self.interval:
            found = self._slots.get(index)
            return found if found is not None else self._flat(index)
        key = (size, index)
        cached = self._aggregates.get(key)
        if cached is None:
            child = _HOUR if size == _DAY else _MINUTE  # size > interval here
            per = size // child
            cached = self._aggregates[key] = _aggregate(
                [self.node(child, i) for i in range(index * per, (index + 1) * per)]
            )
        return cached

    def children(self, size: int, index: int, child: int) -> list[_Node]:
        """The ``child``-second candles of slot ``index`` of ``size`` seconds."""
        per = size // child
        return [self.node(child, i) for i in range(index * per, (index + 1) * per)]

    def _flat(self, index: int) -> _Node:
        at = bisect_right(self._keys, index)
        level = self._slots[self._keys[at - 1]].close if at else self._slots[self._keys[0]].open
        return _Node(level, level, level, level, 0)


def _aggregate(nodes: Sequence[_Node]) -> _Node:
    return _Node(
        nodes[0].open,
        max(n.high for n in nodes),
        min(n.low for n in nodes),
        nodes[-1].close,
        sum(n.volume for n in nodes),
    )


def _slot(start: datetime, interval: int) -> int:
    if interval == _DAY:  # a daily bar is its day, however the file stamps it
        return (start.astimezone(UTC).date() - _GRID_EPOCH.date()).days
    return int((start - _GRID_EPOCH).total_seconds()) // interval


def _interval_of(symbol: str, bars: Sequence[ReplayBar]) -> int:
    if all(bar.daily for bar in bars):
        return _DAY
    if any(bar.daily for bar in bars):
        raise BarFileError(f"{symbol}: mixes bare dates and timestamps")
    starts = sorted({bar.start for bar in bars})
    gaps = [int((b - a).total_seconds()) for a, b in itertools.pairwise(starts)]
    step = min(gaps, default=_MINUTE)
    if gaps and all(gap % _DAY == 0 for gap in gaps):
        return _DAY  # daily bars stamped with a time (00:00Z, the open or the close)
    offsets = [int((start - _GRID_EPOCH).total_seconds()) for start in starts]
    if step % _HOUR == 0 and all(offset % _HOUR == 0 for offset in offsets):
        return _HOUR
    if step % _MINUTE == 0 and all(offset % _MINUTE == 0 for offset in offsets):
        return _MINUTE
    raise BarFileError(
        f"{symbol}: bars must be 1-minute (on whole minutes), 1-hour (on whole UTC hours) "
        f"or daily; these are {step} s apart or start between minutes"
    )


# ---- reading files -------------------------------------------------------------------


def read_bar_file(path: Path, symbol: str | None = None) -> list[ReplayBar]:
    """Every bar of a CSV or Parquet file; ``symbol`` names them when it has no column."""
    if path.suffix.lower() in (".parquet", ".pq"):
        rows = _parquet_rows(path)
    else:
        try:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as exc:
            raise BarFileError(f"{path}: {exc.strerror or exc}") from exc
    return _bars(path, rows, symbol)


def _parquet_rows(path: Path) -> list[dict[str, Any]]:
    try:
        # Optional (only Parquet files need it) and untyped.
        from pyarrow import parquet  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415
    except ImportError as exc:
        raise BarFileError(
            f"{path}: reading Parquet needs pyarrow (pip install 'connecttrade-mock[parquet]')"
        ) from exc
    try:
        table = parquet.read_table(path)
    except (OSError, ValueError) as exc:
        raise BarFileError(f"{path}: not a readable Parquet file ({exc})") from exc
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _bars(path: Path, rows: Iterable[Mapping[str, Any]], symbol: str | None) -> list[ReplayBar]:
    bars = []
    for number, raw_row in enumerate(rows, start=2):  # row 1 is the header
        where = f"{path}, row {number}"
        row = {str(k).strip().lower(): v for k, v in raw_row.items() if k is not None}
        missing = [c for c in _COLUMNS if c not in row]
        if missing:
            raise BarFileError(f"{where}: missing column(s) {', '.join(missing)}")
        name = str(row.get("symbol") or symbol or "").strip().upper()
        if not name:
            raise BarFileError(f"{where}: no symbol (add a 'symbol' column or give SYMBOL=FILE)")
        start, daily = _timestamp(where, row["timestamp"])
        o, h, low, c = (_price(where, key, row[key]) for key in ("open", "high", "low", "close"))
        volume = _number(where, "volume", row["volume"])
        if volume < 0:
            raise BarFileError(f"{where}: volume must not be negative, not {volume}")
        if not (low <= min(o, c) and max(o, c) <= h):
            raise BarFileError(f"{where}: needs low <= open, close <= high (got {o} {h} {low} {c})")
        bars.append(ReplayBar(name, start, o, h, low, c, volume, daily))
    if not bars:
        raise BarFileError(f"{path}: no bars")
    return bars


def _timestamp(where: str, value: Any) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return _session_day(value), True
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                return _session_day(date.fromisoformat(text)), True
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            raise BarFileError(f"{where}: timestamp {text!r} is not ISO-8601") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BarFileError(
            f"{where}: timestamp {moment.isoformat()} has no offset; write it as "
            "2024-03-01T09:30:00-05:00 or ...Z so no machine's time zone decides"
        )
    return moment, False


def _session_day(day: date) -> datetime:
    """A trading day's slot on the grid: the grid day of that date (05:00 UTC on), which
    holds the whole New York session whether or not daylight saving time is on."""
    return _GRID_EPOCH + timedelta(days=(day - _GRID_EPOCH.date()).days)


def _number(where: str, key: str, value: Any) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise BarFileError(f"{where}: {key} {value!r} is not a number") from exc
    if not number.is_finite():
        raise BarFileError(f"{where}: {key} must be finite, not {value!r}")
    return number


def _price(where: str, key: str, value: Any) -> Decimal:
    number = _number(where, key, value)
    if number <= 0:
        raise BarFileError(f"{where}: {key} must be positive, not {number}")
    return number
