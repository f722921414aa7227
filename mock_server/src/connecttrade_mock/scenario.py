"""Scenario files: a market day described in TOML or YAML, loaded by the mock.

A scenario says what the day holds beyond the seeded walk: price gaps, trading halts,
fast markets, symbols the broker refuses, stream outages, and bar files that drive a
symbol's prices (``market/replay.py``). Loaded with ``connecttrade-mock serve --scenario
FILE``, the control API's ``POST /_mock/scenario`` or the pytest plugin's
``--mock-broker-scenario``; the same seed and file give the same day, on any machine.

```toml
seed = 7                                  # optional; --seed wins when given
start = "2026-03-10T09:25:00-04:00"       # optional clock start; --start wins when given
day = "2026-03-10"                        # the New York day "HH:MM" times are on
                                          # (default: the start's New York date)
[[bars]]
file = "aapl-1m.csv"                      # relative to the scenario file
symbol = "AAPL"                           # when the file has no symbol column

[[gap]]
symbol = "MSFT"
at = "09:30"
percent = -4.5

[[halt]]
symbol = "TSLA"
at = "10:00"
until = "10:15"
reopen_percent = 2                        # optional

[[fast_market]]
symbol = "NVDA"
at = "10:30"
until = "11:00"
factor = 3                                # the walk's moves, amplified (default 3)
spread = 3                                # the spread, widened (default 3)

[[reject]]
symbol = "AMD"
reason = "AMD is not available to trade at this time"
at = "09:30"                              # optional window
until = "16:00"

[[stream_outage]]
stream = "market_data"                    # brokerage, market_data or all
at = "10:05"
seconds = 30
```

Times are ``HH:MM`` / ``HH:MM:SS`` on the scenario's New York day, or full ISO-8601 with
an offset. Unknown keys are refused, so a typo never goes unnoticed.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from connecttrade_mock.clock import NEW_YORK
from connecttrade_mock.market.events import FastMarket, Gap, Halt, PriceEvent
from connecttrade_mock.market.market import Market
from connecttrade_mock.market.replay import BarFileError, ReplayBar, ReplaySeries, read_bar_file

__all__ = [
    "Refusal",
    "Scenario",
    "ScenarioError",
    "StreamOutage",
    "lay_over",
    "load_scenario",
    "parse_scenario",
]

_STREAMS: Final = ("brokerage", "market_data", "all")
_MAX_OUTAGE_SECONDS: Final = 7 * 24 * 3600
_SECTIONS: Final = {
    "seed",
    "start",
    "day",
    "bars",
    "gap",
    "halt",
    "fast_market",
    "reject",
    "stream_outage",
}


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the file, entry and key."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """The broker refuses every order in ``symbol`` (options on it too) over a window."""

    symbol: str
    reason: str
    start: datetime | None = None
    end: datetime | None = None

    def holds(self, at: datetime) -> bool:
        return (self.start is None or self.start <= at) and (self.end is None or at < self.end)


@dataclass(frozen=True, slots=True)
class StreamOutage:
    """A WebSocket API is down over ``[start, end)``: sessions close with 1012 and new
    connections are closed with 1012 until it is back."""

    stream: str  # brokerage, market_data or all
    start: datetime
    end: datetime

    def covers(self, stream: str, at: datetime) -> bool:
        return self.stream in ("all", stream) and self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class Scenario:
    """A loaded scenario: what the mock lays over its seeded market."""

    source: str
    seed: int | None = None
    start: datetime | None = None
    events: tuple[PriceEvent, ...] = ()
    bars: tuple[ReplayBar, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    outages: tuple[StreamOutage, ...] = ()

    def refusal(self, symbol: str, at: datetime) -> str | None:
        """The broker's words refusing an order in ``symbol`` at ``at``, or ``None``."""
        for refusal in self.refusals:
            if refusal.symbol == symbol and refusal.holds(at):
                return refusal.reason
        return None

    def outage(self, stream: str, at: datetime) -> StreamOutage | None:
        """The outage of ``stream`` (brokerage or market_data) at ``at``, if one."""
        return next((o for o in self.outages if o.covers(stream, at)), None)


def load_scenario(path: Path) -> Scenario:
    """The scenario in a ``.toml``, ``.yaml`` or ``.yml`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: {exc.strerror or exc}") from exc
    kind = "yaml" if path.suffix.lower() in (".yaml", ".yml") else "toml"
    return parse_scenario(text, kind, base=path.parent, source=str(path))


def parse_scenario(
    text: str, kind: str = "toml", *, base: Path | None = None, source: str = "scenario"
) -> Scenario:
    """A scenario from its text; ``kind`` is ``toml`` or ``yaml``, bar files are read
    relative to ``base`` (default: the working directory)."""
    data = _document(text, kind, source)
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        raise ScenarioError(
            f"{source}: unknown key(s) {', '.join(unknown)}; a scenario has {sorted(_SECTIONS)}"
        )
    reader = _Reader(source, base or Path.cwd())
    seed = reader.integer(data, "seed", "top level") if "seed" in data else None
    start = reader.moment(data["start"], f"{source}: start", None) if "start" in data else None
    day = reader.day(data.get("day"), start)
    events: list[PriceEvent] = []
    for entry, where in reader.entries(data, "gap", {"symbol", "at", "percent"}):
        events.append(
            Gap(
                reader.symbol(entry, where),
                reader.at(entry, "at", where, day),
                reader.decimal(entry, "percent", where),
            )
        )
    for entry, where in reader.entries(data, "halt", {"symbol", "at", "until", "reopen_percent"}):
        events.append(
            Halt(
                reader.symbol(entry, where),
                reader.at(entry, "at", where, day),
                reader.at(entry, "until", where, day),
                reader.decimal(entry, "reopen_percent", where, Decimal(0)),
            )
        )
    fast_keys = {"symbol", "at", "until", "factor", "spread"}
    for entry, where in reader.entries(data, "fast_market", fast_keys):
        events.append(
            FastMarket(
                reader.symbol(entry, where),
                reader.at(entry, "at", where, day),
                reader.at(entry, "until", where, day),
                reader.decimal(entry, "factor", where, Decimal(3)),
                reader.integer(entry, "spread", where, 3),
            )
        )
    refusals = [
        Refusal(
            reader.symbol(entry, where),
            reader.text(entry, "reason", where),
            reader.at(entry, "at", where, day) if "at" in entry else None,
            reader.at(entry, "until", where, day) if "until" in entry else None,
        )
        for entry, where in reader.entries(data, "reject", {"symbol", "reason", "at", "until"})
    ]
    outages = []
    for entry, where in reader.entries(data, "stream_outage", {"stream", "at", "seconds"}):
        stream = reader.text(entry, "stream", where)
        if stream not in _STREAMS:
            raise ScenarioError(f"{where}: stream must be one of {', '.join(_STREAMS)}")
        begin = reader.at(entry, "at", where, day)
        seconds = reader.decimal(entry, "seconds", where)
        if not 0 < seconds <= _MAX_OUTAGE_SECONDS:
            raise ScenarioError(
                f"{where}: seconds must be above 0 and at most {_MAX_OUTAGE_SECONDS} (a week), "
                f"not {seconds}"
            )
        outages.append(StreamOutage(stream, begin, begin + timedelta(seconds=float(seconds))))
    bars: list[ReplayBar] = []
    for entry, where in reader.entries(data, "bars", {"file", "symbol"}):
        bars.extend(reader.bars(entry, where))
    for event in events:
        try:
            event.boundaries()  # windows that end before they start, moves out of bounds
        except ValueError as exc:
            raise ScenarioError(f"{source}: {type(event).__name__} {event.symbol}: {exc}") from exc
    _refuse_overlaps(source, events)
    return Scenario(
        source, seed, start, tuple(events), tuple(bars), tuple(refusals), tuple(outages)
    )


def _refuse_overlaps(source: str, events: list[PriceEvent]) -> None:
    """Two halts, or two fast markets, of one symbol may not overlap: the second would
    start inside the first, and which of them ends the state would be a guess."""
    windows: dict[tuple[str, str], list[tuple[datetime, datetime]]] = {}
    for event in events:
        if isinstance(event, Halt | FastMarket):
            windows.setdefault((type(event).__name__, event.symbol), []).append(
                (event.start, event.end)
            )
    for (kind, symbol), spans in windows.items():
        spans.sort()
        for (_, first_end), (second_start, _) in itertools.pairwise(spans):
            if second_start < first_end:
                raise ScenarioError(
                    f"{source}: {kind} {symbol}: two windows overlap (one starts at "
                    f"{second_start.isoformat()}, before the other ends at "
                    f"{first_end.isoformat()}); make them one"
                )


def _document(text: str, kind: str, source: str) -> Mapping[str, Any]:
    if kind == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(f"{source}: not valid TOML ({exc})") from exc
    if kind != "yaml":
        raise ScenarioError(f"{source}: a scenario is toml or yaml, not {kind!r}")
    import yaml  # noqa: PLC0415 - only YAML scenarios need it

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML ({exc})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}: a scenario is a mapping of sections")
    return data


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads typed values out of a scenario's entries, naming the place of every error."""

    source: str
    base: Path

    def entries(
        self, data: Mapping[str, Any], section: str, keys: set[str]
    ) -> list[tuple[Mapping[str, Any], str]]:
        raw = data.get(section, [])
        if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
            raise ScenarioError(f"{self.source}: {section} must be a list of tables")
        found = []
        for number, entry in enumerate(raw, start=1):
            where = f"{self.source}: {section} #{number}"
            unknown = sorted(set(entry) - keys)
            if unknown:
                raise ScenarioError(
                    f"{where}: unknown key(s) {', '.join(unknown)}; it takes {sorted(keys)}"
                )
            found.append((entry, where))
        return found

    def _required(self, entry: Mapping[str, Any], key: str, where: str) -> Any:
        if key not in entry:
            raise ScenarioError(f"{where}: {key} is required")
        return entry[key]

    def text(self, entry: Mapping[str, Any], key: str, where: str) -> str:
        value = self._required(entry, key, where)
        if not isinstance(value, str) or not value.strip():
            raise ScenarioError(f"{where}: {key} must be a non-empty string")
        return value.strip()

    def symbol(self, entry: Mapping[str, Any], where: str) -> str:
        return self.text(entry, "symbol", where).upper()

    def decimal(
        self, entry: Mapping[str, Any], key: str, where: str, default: Decimal | None = None
    ) -> Decimal:
        if key not in entry and default is not None:
            return default
        value = self._required(entry, key, where)
        if isinstance(value, bool):
            raise ScenarioError(f"{where}: {key} must be a number, not {value!r}")
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ScenarioError(f"{where}: {key} must be a number, not {value!r}") from exc
        if not number.is_finite():
            raise ScenarioError(f"{where}: {key} must be finite")
        return number

    def integer(
        self, entry: Mapping[str, Any], key: str, where: str, default: int | None = None
    ) -> int:
        if key not in entry and default is not None:
            return default
        value = self._required(entry, key, where)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScenarioError(f"{where}: {key} must be a whole number, not {value!r}")
        return value

    def moment(self, value: Any, where: str, day: date | None) -> datetime:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, time) or (isinstance(value, str) and len(value.strip()) <= 8):
            if day is None:
                raise ScenarioError(
                    f"{where}: {value!r} is a time of day; give the scenario a day "
                    '(day = "2026-03-10") or a start, or write a full timestamp'
                )
            clock = value if isinstance(value, time) else _time_of(where, value)
            return datetime.combine(day, clock, tzinfo=NEW_YORK)
        elif isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError as exc:
                raise ScenarioError(f"{where}: {value!r} is not an ISO-8601 moment") from exc
        else:
            raise ScenarioError(f"{where}: {value!r} is not a moment")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ScenarioError(
                f"{where}: {moment.isoformat()} has no offset; add one (-05:00, Z) so no "
                "machine's time zone decides"
            )
        return moment

    def at(self, entry: Mapping[str, Any], key: str, where: str, day: date | None) -> datetime:
        return self.moment(self._required(entry, key, where), f"{where}: {key}", day)

    def day(self, value: Any, start: datetime | None) -> date | None:
        if value is None:
            return start.astimezone(NEW_YORK).date() if start is not None else None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise ScenarioError(f"{self.source}: day {value!r} is not YYYY-MM-DD") from exc

    def bars(self, entry: Mapping[str, Any], where: str) -> list[ReplayBar]:
        path = Path(self.text(entry, "file", where))
        if not path.is_absolute():
            path = self.base / path
        symbol = self.text(entry, "symbol", where).upper() if "symbol" in entry else None
        try:
            return read_bar_file(path, symbol)
        except BarFileError as exc:
            raise ScenarioError(f"{where}: {exc}") from exc


def _time_of(where: str, value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError as exc:
        raise ScenarioError(f"{where}: {value!r} is not HH:MM or HH:MM:SS") from exc


def lay_over(scenario: Scenario, market: Market) -> None:
    """Lay the scenario's bars, then its price events, over ``market``."""
    by_symbol: dict[str, list[ReplayBar]] = {}
    for bar in scenario.bars:
        by_symbol.setdefault(bar.symbol, []).append(bar)
    for symbol, bars in by_symbol.items():
        increment = _listed(scenario, market, symbol, "bars")
        try:
            market.replay(ReplaySeries.from_bars(symbol, bars, increment))
        except BarFileError as exc:
            raise ScenarioError(f"{scenario.source}: {exc}") from exc
    for event in scenario.events:
        _listed(scenario, market, event.symbol, type(event).__name__)
    for refusal in scenario.refusals:
        _listed(scenario, market, refusal.symbol, "reject")
    market.schedule(scenario.events)


def _listed(scenario: Scenario, market: Market, symbol: str, what: str) -> Decimal:
    instrument = market.instrument_of(symbol)
    if instrument is None or instrument.option is not None:
        raise ScenarioError(
            f"{scenario.source}: {what} for {symbol}, which is not a listed symbol of the "
            f"mock (options follow their underlying); listed: {', '.join(market.symbols())}"
        )
    return instrument.size_increment
