"""A seeded, deterministic market simulator: quotes, depth, trades, bars and options.

The price path
    Each symbol's log price is a random walk with one step per simulated second, built top
    down so that any moment (or any bar, however long) costs the same to compute, whatever
    was asked before:

    1. day candles (86,400 s, starting 05:00 UTC, i.e. New York midnight in winter) chain
       open-to-open from the clock's start day, where the open is the symbol's starting
       price; history before the start is generated backwards the same way;
    2. each candle is split into children (day -> 24 hours -> 60 minutes -> 60 seconds) by
       a Brownian bridge from its open to its close, kept inside its high and low, with
       one child touching the high and one the low; volume is split the same way and, at
       the last level, into trades.

    Every split draws from its own ``random.Random`` seeded with (seed, symbol, level,
    index), so the path is a pure function of (seed, symbol, second): bars for any range
    agree with the trades inside them and with the live quotes, a week-long clock jump is
    as cheap as a one-second one, and backfill works for any history.

    Variance and volume follow the equity sessions: the regular session carries the most,
    extended hours less, and a closed equity market drifts little and prints no trades.
    Futures close at weekends; crypto trades around the clock.

Options
    Any well-formed contract on an optionable underlying has a Black-Scholes value (so an
    expired one still marks the positions holding it), but only listed contracts trade:
    ``_listing.py`` decides the expirations and strike grids, and ``unlisted_reason``
    says why a contract is not listed, for the order engine and the quote stream.

Control
    ``set_quote`` pins a symbol's quote from now until ``unpin``, after which the walk
    resumes from the pinned mid. Scenario symbols (ZVZZT ...) have zero volatility and sit
    at $10.00 for the order engine's scripted outcomes.

Everything public is a frozen dataclass of ``Decimal`` values. The simulator is
thread-safe (one lock) and does no I/O.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from random import Random
from typing import Final

from connecttrade_mock.clock import (
    NEW_YORK,
    TradingDay,
    VirtualClock,
    is_trading_day,
)
from connecttrade_mock.market._listing import OptionListing, SeriesRules
from connecttrade_mock.market._lru import _LRU
from connecttrade_mock.market._price_path import _allocate, _Node, _subdivide
from connecttrade_mock.market._session_profile import _Minute, _minute_profile, _Profile
from connecttrade_mock.market._units import (
    _CENT,
    _DAY,
    _GRID_EPOCH,
    _HISTORY_DAYS,
    _HOUR,
    _LAST_TRADE_LOOKBACK_DAYS,
    _MINUTE,
    _ONE_SECOND,
    _OPTION_MULTIPLIER,
    _SECONDS_PER_YEAR,
)
from connecttrade_mock.market._universe import _SPECS, _Spec
from connecttrade_mock.market.events import Boundary, PriceEvent, Step
from connecttrade_mock.market.instrument import (
    AssetClass,
    Instrument,
    OptionContract,
    UnknownSymbol,
    expiration_close,
)
from connecttrade_mock.market.options_math import OptionRight, black_scholes
from connecttrade_mock.market.quote import (
    Bar,
    BarInterval,
    Depth,
    DepthLevel,
    OptionChain,
    OptionQuote,
    Quote,
    Trade,
)
from connecttrade_mock.market.replay import ReplaySeries

__all__ = [
    "MAX_BARS",
    "OPTION_RATE",
    "Market",
]

OPTION_RATE: Final = Decimal("0.04")
"""The risk-free rate used to price options."""
MAX_BARS: Final = 10_000
"""The most bars one ``bars`` call may span."""


@dataclass(frozen=True, slots=True)
class _Pin:
    bid: Decimal
    ask: Decimal
    last: Decimal


@dataclass(frozen=True, slots=True)
class _Override:
    at: int  # grid second from which it applies
    pin: _Pin | None  # a pinned quote, or None for the walk as ``scale * walk + shift``
    shift: float = 0.0
    scale: float = 1.0  # > 1 in a fast market: the walk's moves, amplified
    spread: int = 1  # the quote's width in multiples of the symbol's usual spread
    halted: bool = False  # a trading halt: the pin holds and nothing prints

    def level(self, raw: float) -> float:
        """The log price this override makes of the walk's ``raw`` log price."""
        return self.scale * raw + self.shift


def _grid(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no place on the clock: {moment!r}")
    return (moment - _GRID_EPOCH) // _ONE_SECOND


def _moment(second: int) -> datetime:
    return _GRID_EPOCH + timedelta(seconds=second)


def _round_to(value: Decimal, tick: Decimal, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    return ((value / tick).to_integral_value(rounding=rounding) * tick).quantize(tick)


def _key(*parts: object) -> str:
    return "|".join(str(p) for p in parts)


# --------------------------------------------------------------------------------------
# The simulator


class Market:
    """The simulated market of one mock: deterministic for a seed and a clock start."""

    def __init__(self, seed: int, clock: VirtualClock) -> None:
        self._seed = seed
        self._clock = clock
        self._lock = threading.RLock()
        self._anchor_day = _grid(clock.start) // _DAY
        self._profiles: dict[tuple[AssetClass, bool, int], _Profile] = {}
        self._units: dict[AssetClass, tuple[float, float]] = {}
        self._opens: dict[str, dict[int, float]] = {}
        self._days: _LRU[tuple[str, int], _Node] = _LRU(8192)
        self._hours: _LRU[tuple[str, int], list[_Node]] = _LRU(2048)
        self._minutes: _LRU[tuple[str, int], list[_Node]] = _LRU(4096)
        self._seconds: _LRU[tuple[str, int], list[_Node]] = _LRU(8192)
        self._trades: _LRU[tuple[str, int], list[tuple[int, int]]] = _LRU(8192)
        self._overrides: dict[str, list[_Override]] = {}
        self._replays: dict[str, ReplaySeries] = {}
        self._option_pins: dict[str, _Pin] = {}
        # The last quote computed per symbol and the second it is for: a second's quote is
        # a pure function of (seed, symbol, second, overrides), and reads ask for it often.
        self._quotes: dict[str, tuple[int, Quote]] = {}
        # Counts every change of a pin or override: with the seed, the clock's start and a
        # moment, it fixes every quote, so callers may keep what they read until it moves.
        self._revision = 0
        self._today: TradingDay | None = None  # the New York day last asked about
        # Circuit bands by symbol, for a trading day and revision (a pure function of both).
        self._bands: dict[str, tuple[tuple[date, int], tuple[Decimal, Decimal]]] = {}
        # What is listed: strikes follow each day's opening mark of the walk (never a pin).
        self._listing = OptionListing(self._mark)
        self._contracts: _LRU[str, tuple[OptionContract, SeriesRules] | None] = _LRU(4096)
        self._unlisted: _LRU[tuple[str, date, bool], str | None] = _LRU(4096)

    # ---- symbols ---------------------------------------------------------------------

    @property
    def seed(self) -> int:
        """The seed every path derives from."""
        return self._seed

    @property
    def clock(self) -> VirtualClock:
        """The clock the market reads its time from."""
        return self._clock

    @property
    def revision(self) -> int:
        """A number that changes whenever a quote is pinned or unpinned (see ``set_quote``)."""
        return self._revision

    def quoted_per_second(self, symbol: str) -> bool:
        """Whether the symbol's quote holds for a whole second of the grid (every listed
        symbol; an option's model value follows the moment, to the microsecond)."""
        return symbol in _SPECS

    def symbols(self) -> tuple[str, ...]:
        """Every non-option symbol of the universe, in a stable order."""
        return tuple(_SPECS)

    def is_known(self, symbol: str) -> bool:
        """Whether the symbol is in the universe or is an option on an optionable one."""
        return self.instrument_of(symbol) is not None

    def instrument_of(self, symbol: str) -> Instrument | None:
        """The instrument behind a symbol (OCC symbols included), or ``None``."""
        spec = _SPECS.get(symbol)
        if spec is not None:
            return spec.instrument
        contract = OptionContract.parse(symbol)
        if contract is None:
            return None
        underlying = _SPECS.get(contract.root)
        if underlying is None or underlying.options is None:
            return None
        kind = contract.right.name.lower()
        return Instrument(
            symbol=contract.symbol,
            asset_class=AssetClass.OPTION,
            description=f"{contract.root} {contract.expiry} {contract.strike:f} {kind}",
            tick_size=_CENT,
            size_increment=Decimal(1),
            multiplier=_OPTION_MULTIPLIER,
            volatility=underlying.instrument.volatility,
            underlying=contract.root,
            option=contract,
        )

    def _spec(self, symbol: str) -> _Spec:
        spec = _SPECS.get(symbol)
        if spec is None:
            raise UnknownSymbol(symbol)
        return spec

    def _option(self, symbol: str) -> tuple[Instrument, OptionContract]:
        instrument = self.instrument_of(symbol)
        if instrument is None or instrument.option is None:
            raise UnknownSymbol(symbol)
        return instrument, instrument.option

    # ---- sessions and normalization --------------------------------------------------

    def _profile(self, asset_class: AssetClass, day: int) -> _Profile:
        block_start = _moment(day * _DAY)
        noon = (block_start + timedelta(hours=12)).astimezone(NEW_YORK)
        offset = noon.utcoffset()
        assert offset is not None
        key = (asset_class, is_trading_day(noon.date()), int(offset.total_seconds()))
        profile = self._profiles.get(key)
        if profile is None:
            profile = self._profiles[key] = _minute_profile(asset_class, block_start)
        return profile

    def _normalizers(self, asset_class: AssetClass) -> tuple[float, float]:
        """(variance weight-seconds per year, volume weight of a typical weekday)."""
        cached = self._units.get(asset_class)
        if cached is None:
            monday = 4  # grid day 4 is Monday 1970-01-05, in winter
            week = [self._profile(asset_class, monday + i) for i in range(7)]
            weekly = sum(day.variance for day in week)
            weekday_volume = week[0].volume
            cached = self._units[asset_class] = (weekly * 365.25 / 7, weekday_volume)
        return cached

    def _variance_unit(self, spec: _Spec) -> float:
        sigma = float(spec.instrument.volatility)
        return sigma * sigma / self._normalizers(spec.instrument.asset_class)[0]

    def _rng(self, spec: _Spec, level: str, index: int) -> Random:
        return Random(_key(self._seed, spec.instrument.symbol, level, index))  # noqa: S311

    # ---- the path --------------------------------------------------------------------

    def _day_open(self, spec: _Spec, day: int) -> float:
        if abs(day - self._anchor_day) > _HISTORY_DAYS:
            raise ValueError("that moment lies outside the simulated history (20 years)")
        opens = self._opens.setdefault(
            spec.instrument.symbol, {self._anchor_day: math.log(spec.price)}
        )
        if day in opens:
            return opens[day]
        unit = self._variance_unit(spec)
        step = 1 if day > self._anchor_day else -1
        known = day - step
        while known not in opens:
            known -= step
        value = opens[known]
        while known != day:
            moving_day = known if step > 0 else known - 1
            variance = unit * self._profile(spec.instrument.asset_class, moving_day).variance
            move = self._rng(spec, "step", moving_day).gauss(0.0, math.sqrt(variance))
            value += move * step
            known += step
            opens[known] = value
        return value

    def _mark(self, symbol: str, day: int) -> float:
        """The walk's price at the start of a grid day (what the option listing follows)."""
        return math.exp(self._day(_SPECS[symbol], day).open)  # replayed bars included

    def _day(self, spec: _Spec, day: int) -> _Node:
        replay = self._replays.get(spec.instrument.symbol)
        if replay is not None:
            return replay.node(_DAY, day)

        def make() -> _Node:
            profile = self._profile(spec.instrument.asset_class, day)
            unit = self._variance_unit(spec)
            spread = 0.35 * math.sqrt(unit * profile.variance)
            o, c = self._day_open(spec, day), self._day_open(spec, day + 1)
            rng = self._rng(spec, "day", day)
            high = max(o, c) + abs(rng.gauss(0.0, spread))
            low = min(o, c) - abs(rng.gauss(0.0, spread))
            typical = self._normalizers(spec.instrument.asset_class)[1]
            share = profile.volume / typical
            volume = round(spec.daily_volume * share * rng.lognormvariate(0.0, 0.25))
            return _Node(o, high, low, c, volume)

        return self._days.get((spec.instrument.symbol, day), make)

    def _hours_of(self, spec: _Spec, day: int) -> list[_Node]:
        replay = self._replays.get(spec.instrument.symbol)
        if replay is not None and replay.covers(_HOUR):
            return replay.children(_DAY, day, _HOUR)

        def make() -> list[_Node]:
            minutes = self._profile(spec.instrument.asset_class, day).minutes
            hours = [minutes[h * 60 : h * 60 + 60] for h in range(24)]
            return _subdivide(
                self._day(spec, day),
                _HOUR,
                variance=[sum(m.variance for m in hour) / 60 for hour in hours],
                volume=[sum(m.volume for m in hour) for hour in hours],
                unit=self._variance_unit(spec),
                rng=self._rng(spec, "hour", day),
            )

        return self._hours.get((spec.instrument.symbol, day), make)

    def _minutes_of(self, spec: _Spec, hour: int) -> list[_Node]:
        replay = self._replays.get(spec.instrument.symbol)
        if replay is not None and replay.covers(_MINUTE):
            return replay.children(_HOUR, hour, _MINUTE)

        def make() -> list[_Node]:
            day, index = divmod(hour, 24)
            profile = self._profile(spec.instrument.asset_class, day)
            minutes = profile.minutes[index * 60 : index * 60 + 60]
            return _subdivide(
                self._hours_of(spec, day)[index],
                _MINUTE,
                variance=[m.variance for m in minutes],
                volume=[m.volume for m in minutes],
                unit=self._variance_unit(spec),
                rng=self._rng(spec, "minute", hour),
            )

        return self._minutes.get((spec.instrument.symbol, hour), make)

    def _minute(self, spec: _Spec, minute: int) -> _Node:
        return self._minutes_of(spec, minute // 60)[minute % 60]

    def _minute_trades(self, spec: _Spec, minute: int) -> list[tuple[int, int]]:
        """The (grid second, size in increments) of each trade printed in a minute."""

        def make() -> list[tuple[int, int]]:
            volume = self._minute(spec, minute).volume
            if volume <= 0:
                return []
            rng = self._rng(spec, "trades", minute)
            count = min(volume, 60, max(1, round(volume / (spec.lot * 2))))
            seconds = sorted(rng.sample(range(60), count))
            sizes = _allocate(volume - count, [rng.expovariate(1.0) for _ in range(count)])
            base = minute * _MINUTE
            return [(base + s, size + 1) for s, size in zip(seconds, sizes, strict=True)]

        return self._trades.get((spec.instrument.symbol, minute), make)

    def _minute_weights(self, spec: _Spec, minute: int) -> _Minute:
        return self._profile(spec.instrument.asset_class, minute // 1440).minutes[minute % 1440]

    def _seconds_of(self, spec: _Spec, minute: int) -> list[_Node]:
        def make() -> list[_Node]:
            node = self._minute(spec, minute)
            weight = self._minute_weights(spec, minute)
            points = _subdivide(
                node._replace(volume=0),
                1,
                variance=[weight.variance] * 60,
                volume=[0.0] * 60,
                unit=self._variance_unit(spec),
                rng=self._rng(spec, "second", minute),
            )
            for second, size in self._printed(spec, minute):
                point = points[second % 60]
                points[second % 60] = point._replace(volume=size)
            return points

        return self._seconds.get((spec.instrument.symbol, minute), make)

    def _raw(self, spec: _Spec, second: int) -> float:
        return self._seconds_of(spec, second // 60)[second % 60].close

    def _collect(self, spec: _Spec, start: int, end: int) -> Iterator[_Node]:
        """The nodes that exactly tile the grid seconds ``[start, end)``, in time order."""
        yield from self._tile(spec, _DAY, start // _DAY, start, end)

    def _tile(self, spec: _Spec, size: int, first: int, start: int, end: int) -> Iterator[_Node]:
        index = first
        while index * size < end:
            lo, hi = index * size, (index + 1) * size
            if start <= lo and hi <= end:
                yield self._node(spec, size, index)
            else:
                child = {_DAY: _HOUR, _HOUR: _MINUTE, _MINUTE: 1}[size]
                yield from self._tile(
                    spec, child, max(lo, start) // child, max(lo, start), min(hi, end)
                )
            index += 1

    def _node(self, spec: _Spec, size: int, index: int) -> _Node:
        if size == _DAY:
            return self._day(spec, index)
        if size == _HOUR:
            return self._hours_of(spec, index // 24)[index % 24]
        if size == _MINUTE:
            return self._minute(spec, index)
        return self._seconds_of(spec, index // 60)[index % 60]

    # ---- prices with overrides -------------------------------------------------------

    def _override_at(self, symbol: str, second: int) -> _Override | None:
        overrides = self._overrides.get(symbol)
        if not overrides:
            return None
        i = bisect_right([o.at for o in overrides], second)
        return overrides[i - 1] if i else None

    def _price(self, spec: _Spec, log_price: float) -> Decimal:
        value = Decimal(repr(math.exp(log_price)))
        tick = spec.instrument.tick_for(value)
        return max(_round_to(value, tick), tick)

    def _trade_price(self, spec: _Spec, second: int) -> Decimal:
        override = self._override_at(spec.instrument.symbol, second)
        if override is not None and override.pin is not None:
            return override.pin.last
        raw = self._raw(spec, second)
        return self._price(spec, override.level(raw) if override is not None else raw)

    def _segments(
        self, symbol: str, start: int, end: int
    ) -> list[tuple[int, int, _Override | None]]:
        cuts = [o for o in self._overrides.get(symbol, []) if start < o.at < end]
        segments = []
        cursor, current = start, self._override_at(symbol, start)
        for override in cuts:
            segments.append((cursor, override.at, current))
            cursor, current = override.at, override
        segments.append((cursor, end, current))
        return segments

    def _ohlcv(
        self, spec: _Spec, start: int, end: int
    ) -> tuple[Decimal, Decimal, Decimal, Decimal, int]:
        """Open, high, low, close and volume (increments) over grid seconds [start, end)."""
        opens, highs, lows, closes, volume = [], [], [], [], 0
        for lo, hi, override in self._segments(spec.instrument.symbol, start, end):
            nodes = list(self._collect(spec, lo, hi))
            if override is None or not override.halted:
                volume += sum(n.volume for n in nodes)
            if override is not None and override.pin is not None:
                last = override.pin.last
                opens.append(last)
                highs.append(last)
                lows.append(last)
                closes.append(last)
                continue
            at = override.level if override is not None else _same
            opens.append(self._price(spec, at(nodes[0].open)))
            highs.append(self._price(spec, at(max(n.high for n in nodes))))  # scale > 0
            lows.append(self._price(spec, at(min(n.low for n in nodes))))
            closes.append(self._price(spec, at(nodes[-1].close)))
        return opens[0], max(highs), min(lows), closes[-1], volume

    def _size(self, spec: _Spec | None, increments: int) -> Decimal:
        """A quantity of ``increments`` size steps (whole contracts for options)."""
        if not increments:
            return Decimal(0)
        step = spec.instrument.size_increment if spec is not None else Decimal(1)
        return (increments * step).quantize(step)

    # ---- quotes ----------------------------------------------------------------------

    def _now(self, at: datetime | None) -> datetime:
        moment = at if at is not None else self._clock.now()
        _grid(moment)  # refuses naive datetimes
        return moment.astimezone(UTC)

    def quote(self, symbol: str, at: datetime | None = None) -> Quote:
        """The Level 1 quote of any known symbol (options too) now, or at ``at``."""
        with self._lock:
            moment = self._now(at)
            if symbol not in _SPECS:
                return self._option_quote(symbol, moment).quote
            return self._quote(self._spec(symbol), moment)

    def _quote(self, spec: _Spec, moment: datetime) -> Quote:
        second = _grid(moment)
        symbol = spec.instrument.symbol
        cached = self._quotes.get(symbol)
        if cached is not None and cached[0] == second:
            q = cached[1]
            return Quote(
                q.symbol, moment, q.bid, q.ask, q.bid_size, q.ask_size, q.last, q.last_size
            )
        quote = self._compute_quote(spec, moment, second)
        self._quotes[symbol] = (second, quote)
        return quote

    def _compute_quote(self, spec: _Spec, moment: datetime, second: int) -> Quote:
        instrument = spec.instrument
        override = self._override_at(instrument.symbol, second)
        rng = self._rng(spec, "quote", second)
        bid_size = self._size(spec, spec.lot * rng.randint(1, 20))
        ask_size = self._size(spec, spec.lot * rng.randint(1, 20))
        last_trade = self._last_trade(spec, second)
        if last_trade is not None:
            last, last_size = (
                self._trade_price(spec, last_trade[0]),
                self._size(spec, last_trade[1]),
            )
        else:
            last, last_size = self._trade_price(spec, second), Decimal(0)
        if override is not None and override.pin is not None:
            pin = override.pin
            return Quote(
                instrument.symbol, moment, pin.bid, pin.ask, bid_size, ask_size, pin.last, last_size
            )
        raw = self._raw(spec, second)
        if override is None:
            bid, ask = self._spread_around(spec, raw, 1)
        else:
            bid, ask = self._spread_around(spec, override.level(raw), override.spread)
        return Quote(instrument.symbol, moment, bid, ask, bid_size, ask_size, last, last_size)

    def _spread_around(self, spec: _Spec, level: float, widen: int) -> tuple[Decimal, Decimal]:
        """The bid and ask of a quote whose mid is the log price ``level``."""
        value = Decimal(repr(math.exp(level)))
        tick = spec.instrument.tick_for(value)
        width = spec.spread_ticks * widen * tick
        bid = max(_round_to(value - width / 2, tick), tick)
        return bid, bid + width

    def _halted_at(self, symbol: str, second: int) -> bool:
        override = self._override_at(symbol, second)
        return override is not None and override.halted

    def _printed(self, spec: _Spec, minute: int) -> list[tuple[int, int]]:
        """The trades a minute printed: its walk's trades but those inside a halt."""
        trades = self._minute_trades(spec, minute)
        symbol = spec.instrument.symbol
        if not trades or not any(o.halted for o in self._overrides.get(symbol, ())):
            return trades
        return [t for t in trades if not self._halted_at(symbol, t[0])]

    def _last_trade(self, spec: _Spec, second: int) -> tuple[int, int] | None:
        minute = second // 60
        current = [t for t in self._printed(spec, minute) if t[0] <= second]
        if current:
            return current[-1]
        hour = minute // 60
        for m in range(minute - 1, hour * 60 - 1, -1):
            if self._minute(spec, m).volume > 0 and (printed := self._printed(spec, m)):
                return printed[-1]
        day = hour // 24
        for h in range(hour - 1, day * 24 - 1, -1):
            if self._hours_of(spec, day)[h % 24].volume > 0 and (
                found := self._last_in_hour(spec, h)
            ):
                return found
        for d in range(day - 1, day - _LAST_TRADE_LOOKBACK_DAYS, -1):
            if self._day(spec, d).volume > 0:
                for h in range(d * 24 + 23, d * 24 - 1, -1):
                    if self._hours_of(spec, d)[h % 24].volume > 0 and (
                        found := self._last_in_hour(spec, h)
                    ):
                        return found
        return None

    def _last_in_hour(self, spec: _Spec, hour: int) -> tuple[int, int] | None:
        minutes = self._minutes_of(spec, hour)
        for index in range(59, -1, -1):
            if minutes[index].volume > 0 and (printed := self._printed(spec, hour * 60 + index)):
                return printed[-1]
        return None

    def depth(self, symbol: str, levels: int = 10) -> Depth:
        """Level 2 now: ``levels`` price levels a side, the first at the quote's bid and ask."""
        if not 1 <= levels <= 50:
            raise ValueError(f"levels must be between 1 and 50, not {levels}")
        with self._lock:
            moment = self._now(None)
            if symbol in _SPECS:
                spec = self._spec(symbol)
                quote, instrument, lot = self._quote(spec, moment), spec.instrument, spec.lot
            else:
                instrument, _contract = self._option(symbol)
                quote, lot = self._option_quote(symbol, moment).quote, 1
                spec = None
            rng = Random(_key(self._seed, symbol, "depth", _grid(moment)))  # noqa: S311
            bids = [DepthLevel(quote.bid, quote.bid_size)]
            asks = [DepthLevel(quote.ask, quote.ask_size)]
            for _ in range(levels - 1):
                below = bids[-1].price - instrument.tick_for(bids[-1].price) * rng.randint(1, 3)
                above = asks[-1].price + instrument.tick_for(asks[-1].price) * rng.randint(1, 3)
                bid_size = lot * rng.randint(1, 30)
                ask_size = lot * rng.randint(1, 30)
                if below > 0:
                    bids.append(DepthLevel(below, self._size(spec, bid_size)))
                asks.append(DepthLevel(above, self._size(spec, ask_size)))
            return Depth(symbol, moment, tuple(bids), tuple(asks))

    # ---- trades and bars -------------------------------------------------------------

    def trades(
        self, symbol: str, start: datetime, end: datetime | None = None, limit: int = 10_000
    ) -> list[Trade]:
        """Trades printed in ``[start, end)`` (end defaults to now and never passes it),
        oldest first, at most ``limit`` of them."""
        with self._lock:
            spec = self._spec(symbol)
            now = _grid(self._clock.now())
            lo = _grid(start)
            hi = min(_grid(end), now + 1) if end is not None else now + 1
            found: list[Trade] = []
            minute = lo // 60
            while minute * 60 < hi and len(found) < limit:
                hour = minute // 60
                if self._day(spec, hour // 24).volume == 0:
                    minute = (hour // 24 + 1) * 1440  # a day without trades
                    continue
                if self._hours_of(spec, hour // 24)[hour % 24].volume == 0:
                    minute = (hour + 1) * 60  # an hour without trades
                    continue
                for second, size in self._printed(spec, minute):
                    if lo <= second < hi and len(found) < limit:
                        found.append(self._trade(spec, second, size))
                minute += 1
            return found

    def recent_trades(self, symbol: str, n: int = 50) -> list[Trade]:
        """The last ``n`` trades at or before now (within two weeks), oldest first."""
        if n < 1:
            raise ValueError(f"n must be positive, not {n}")
        with self._lock:
            spec = self._spec(symbol)
            cursor = _grid(self._clock.now())
            found: list[Trade] = []
            while len(found) < n:
                last = self._last_trade(spec, cursor)
                if last is None:
                    break
                minute = last[0] // 60
                for second, size in reversed(self._printed(spec, minute)):
                    if second <= cursor and len(found) < n:
                        found.append(self._trade(spec, second, size))
                cursor = minute * 60 - 1
            return found[::-1]

    def _trade(self, spec: _Spec, second: int, size: int) -> Trade:
        minute = second // 60
        session = self._minute_weights(spec, minute).session
        return Trade(
            symbol=spec.instrument.symbol,
            id=f"{spec.instrument.symbol}-{second}",
            time=_moment(second),
            price=self._trade_price(spec, second),
            size=self._size(spec, size),
            session=session,
        )

    def bars(
        self, symbol: str, interval: BarInterval | str, start: datetime, end: datetime | None = None
    ) -> list[Bar]:
        """OHLCV bars starting in ``[start, end)`` (end defaults to now), oldest first.

        Bars are aligned to the interval (days start at 05:00 UTC); the bar holding now
        runs to now; bars without trades are left out.
        """
        step = BarInterval(interval)
        with self._lock:
            spec = self._spec(symbol)
            now = _grid(self._clock.now())
            first = _grid(start) // step.seconds
            last = min(_grid(end) - 1 if end is not None else now, now) // step.seconds
            if last - first + 1 > MAX_BARS:
                raise ValueError(f"a request may span at most {MAX_BARS} bars")
            found = []
            for index in range(first, last + 1):
                lo = index * step.seconds
                hi = min(lo + step.seconds, now + 1)
                o, h, low, c, volume = self._ohlcv(spec, lo, hi)
                if volume:
                    found.append(
                        Bar(symbol, step, _moment(lo), o, h, low, c, self._size(spec, volume))
                    )
            return found

    # ---- options ---------------------------------------------------------------------

    def option_quote(self, symbol: str) -> OptionQuote:
        """An option's quote now, with model value and greeks from its underlying's mid."""
        with self._lock:
            return self._option_quote(symbol, self._now(None))

    def _option_quote(self, symbol: str, moment: datetime) -> OptionQuote:
        instrument, contract = self._option(symbol)
        underlying = self._quote(self._spec(contract.root), moment)
        spot = underlying.mid
        seconds = max((contract.expires_at - moment).total_seconds(), 0.0)
        years = Decimal(repr(seconds / _SECONDS_PER_YEAR))
        valuation = black_scholes(
            contract.right,
            spot,
            contract.strike,
            years=years,
            volatility=instrument.volatility,
            rate=OPTION_RATE,
        )
        theo = valuation.price
        rng = Random(_key(self._seed, contract.symbol, "quote", _grid(moment)))  # noqa: S311
        bid_size, ask_size, last_size = (Decimal(rng.randint(1, 200)) for _ in range(3))
        pin = self._option_pins.get(contract.symbol)
        if pin is not None:
            bid, ask, last = pin.bid, pin.ask, pin.last
        else:
            half = max(_CENT, theo * Decimal("0.03"))
            bid = max(_round_to(theo - half, _CENT, ROUND_FLOOR), Decimal("0.00"))
            ask = max(_round_to(theo + half, _CENT, ROUND_CEILING), bid + _CENT)
            last = theo
        quote = Quote(contract.symbol, moment, bid, ask, bid_size, ask_size, last, last_size)
        return OptionQuote(
            contract=contract,
            quote=quote,
            underlying_price=spot,
            theoretical=theo,
            implied_volatility=instrument.volatility,
            greeks=valuation.greeks,
        )

    def _series(self, underlying: str) -> tuple[_Spec, SeriesRules]:
        spec = self._spec(underlying)
        if spec.options is None:
            raise UnknownSymbol(underlying)
        return spec, spec.options

    def _listed_expiries(self, underlying: str, moment: datetime) -> tuple[date, ...]:
        _spec, rules = self._series(underlying)
        today = moment.astimezone(NEW_YORK).date()
        listed = self._listing.expirations(underlying, rules, today)
        if listed and expiration_close(listed[0]) <= moment:
            return listed[1:]  # today's expiration, once it stopped trading at 16:00
        return listed

    def option_expiries(self, underlying: str) -> list[date]:
        """The expirations listed now, nearest first (``_listing.py`` has the rules):
        monthlies, LEAPS, weeklies and, for some index ETFs, other weekdays' expirations,
        a holiday's moved to the business day before."""
        with self._lock:
            return list(self._listed_expiries(underlying, self._now(None)))

    def listed_strikes(self, underlying: str, expiry: date) -> tuple[Decimal, ...]:
        """The strikes listed now for ``underlying``'s ``expiry``, lowest first (as of its
        last trading day once it has passed); ``ValueError`` if it is no listed
        expiration."""
        with self._lock:
            return self._strikes(underlying, expiry, self._now(None))

    def _strikes(self, underlying: str, expiry: date, moment: datetime) -> tuple[Decimal, ...]:
        _spec, rules = self._series(underlying)
        today = moment.astimezone(NEW_YORK).date()
        found = self._listing.strikes(underlying, rules, expiry, today)
        if found is None:
            raise ValueError(f"{expiry.isoformat()} is not a listed expiry of {underlying}")
        return found[0]

    def unlisted_reason(self, symbol: str, at: datetime | None = None) -> str | None:
        """Why ``symbol`` is an option contract not listed now (or at ``at``): an expiry
        that is no expiration day, not listed yet or passed, or a strike off the grid.
        None for a listed contract and for any symbol that is not an option."""
        with self._lock:
            series = self._contracts.get(symbol, lambda: self._optionable(symbol))
            if series is None:
                return None
            contract, rules = series
            moment = self._now(at)
            today = self._trading_day(at)
            # The answer changes only with the day and at the contract's 16:00 close.
            closed = moment >= expiration_close(contract.expiry)
            return self._unlisted.get(
                (symbol, today, closed),
                lambda: self._listing.problem(contract, rules, moment, today),
            )

    def _optionable(self, symbol: str) -> tuple[OptionContract, SeriesRules] | None:
        contract = OptionContract.parse(symbol)
        spec = _SPECS.get(contract.root) if contract is not None else None
        if contract is None or spec is None or spec.options is None:
            return None
        return contract, spec.options

    def options_chain(
        self, underlying: str, expiry: date | None = None, strikes_around: int = 5
    ) -> OptionChain:
        """Calls and puts of one listed expiry (the nearest by default) at the
        ``strikes_around`` listed strikes either side of the one nearest the money.

        ``ValueError`` if ``expiry`` is not listed (a passed one keeps its last strikes)."""
        if not 0 <= strikes_around <= 50:
            raise ValueError(f"strikes_around must be between 0 and 50, not {strikes_around}")
        with self._lock:
            spec, _rules = self._series(underlying)
            moment = self._now(None)
            if expiry is None:
                expiry = self._listed_expiries(underlying, moment)[0]
            strikes = self._strikes(underlying, expiry, moment)
            spot = self._quote(spec, moment).mid
            above = bisect_left(strikes, spot)  # the first strike at or above the money
            below_is_nearer = above > 0 and (
                above == len(strikes) or spot - strikes[above - 1] <= strikes[above] - spot
            )
            atm = above - 1 if below_is_nearer else above
            chosen = strikes[max(atm - strikes_around, 0) : atm + strikes_around + 1]
            contracts = [
                self._option_quote(OptionContract(underlying, expiry, right, strike).symbol, moment)
                for strike in chosen
                for right in OptionRight
            ]
            return OptionChain(underlying, expiry, moment, spot, tuple(contracts))

    # ---- control ---------------------------------------------------------------------

    def set_quote(
        self, symbol: str, bid: Decimal, ask: Decimal, last: Decimal | None = None
    ) -> Quote:
        """Pin a symbol's quote from now until ``unpin`` (control API); returns the quote."""
        if not bid < ask:
            raise ValueError(f"bid {bid} must be below ask {ask}")
        with self._lock:
            moment = self._now(None)
            if symbol not in _SPECS:
                _instrument, contract = self._option(symbol)
                if bid < 0:
                    raise ValueError(f"bid must not be negative, not {bid}")
                if last is None:
                    last = _round_to((bid + ask) / 2, _CENT)
                self._option_pins[contract.symbol] = _Pin(bid, ask, last)
                self._revision += 1
                return self._option_quote(symbol, moment).quote
            spec = self._spec(symbol)
            if bid <= 0:
                raise ValueError(f"bid must be positive, not {bid}")
            if last is None:
                mid = (bid + ask) / 2
                last = _round_to(mid, spec.instrument.tick_for(mid))
            if last <= 0:
                raise ValueError(f"last must be positive, not {last}")
            second = _grid(moment)
            overrides = [o for o in self._overrides.get(symbol, []) if o.at < second]
            overrides.append(_Override(second, _Pin(bid, ask, last)))
            self._overrides[symbol] = overrides
            self._quotes.pop(symbol, None)
            self._revision += 1
            return self._quote(spec, moment)

    def unpin(self, symbol: str) -> None:
        """Let a pinned symbol walk again, continuously from its pinned mid."""
        with self._lock:
            if symbol not in _SPECS:
                _instrument, contract = self._option(symbol)
                if self._option_pins.pop(contract.symbol, None) is not None:
                    self._revision += 1
                return
            spec = self._spec(symbol)
            second = _grid(self._clock.now())
            current = self._override_at(symbol, second)
            if current is None or current.pin is None:
                return
            mid = (current.pin.bid + current.pin.ask) / 2
            shift = math.log(mid) - self._raw(spec, second)
            overrides = [o for o in self._overrides[symbol] if o.at < second]
            overrides.append(_Override(second, None, shift))
            self._overrides[symbol] = overrides
            self._quotes.pop(symbol, None)
            self._revision += 1

    # ---- scenarios and replay --------------------------------------------------------

    def replay(self, series: ReplaySeries) -> None:
        """Drive ``series.symbol`` from its bars instead of the walk (see ``replay``)."""
        with self._lock:
            spec = self._spec(series.symbol)
            if spec.instrument.asset_class is AssetClass.OPTION:  # pragma: no cover - guard
                raise ValueError("options follow their underlying; replay the underlying")
            self._replays[series.symbol] = series
            # The path itself changed: every node computed from the walk may be stale.
            for cache in (self._days, self._hours, self._minutes, self._seconds, self._trades):
                cache.clear()
            self._opens.pop(series.symbol, None)
            self._forget(series.symbol)

    def schedule(self, events: Sequence[PriceEvent]) -> None:
        """Lay scripted price events (gaps, halts, fast markets) over the path.

        Each symbol's events are applied in time order, each from the price the path has
        at that moment, so the path stays continuous except where an event says it jumps.
        They replace overrides set for a moment at or after the symbol's first event.
        """
        with self._lock:
            by_symbol: dict[str, list[tuple[int, int, Boundary]]] = {}
            for order, event in enumerate(events):
                self._spec(event.symbol)  # refuses unknown symbols before changing anything
                for boundary in event.boundaries():
                    by_symbol.setdefault(event.symbol, []).append(
                        (boundary.second, order, boundary)
                    )
            for symbol, steps in by_symbol.items():
                self._lay(self._spec(symbol), [b for _s, _o, b in sorted(steps, key=_by_time)])

    def _lay(self, spec: _Spec, steps: Sequence[Boundary]) -> None:
        symbol = spec.instrument.symbol
        first = steps[0].second
        overrides = [o for o in self._overrides.get(symbol, []) if o.at < first]
        self._overrides[symbol] = overrides
        self._forget(symbol)
        current = overrides[-1] if overrides else _Override(first, None)
        reopen = 0.0
        for step in steps:
            second, raw, pin = step.second, self._raw(spec, step.second), current.pin
            level = math.log((pin.bid + pin.ask) / 2) if pin is not None else current.level(raw)
            scale, spread = current.scale, current.spread
            if step.step is Step.GAP:
                if pin is not None:
                    reopen += step.jump  # news during a halt shows at the reopening
                else:
                    level += step.jump
            elif step.step is Step.FAST_START:
                scale, spread = step.factor, step.widen
            elif step.step is Step.FAST_END:
                scale, spread = 1.0, 1
            elif step.step is Step.HALT_START and pin is None:
                bid, ask = self._spread_around(spec, level, spread)
                last = self._trade_price(spec, second - 1)
                pin = _Pin(bid, ask, min(max(last, bid), ask))
            elif step.step is Step.HALT_END and pin is not None:
                level, pin, reopen = level + reopen + step.jump, None, 0.0
            if pin is not None:
                current = _Override(second, pin, scale=scale, spread=spread, halted=True)
            else:
                current = _Override(second, None, level - scale * raw, scale, spread)
            if overrides and overrides[-1].at == second:
                overrides[-1] = current  # one override per moment: the last word holds
            else:
                overrides.append(current)
            self._quotes.pop(symbol, None)  # _trade_price above must see the new overrides
        self._forget(symbol)

    def _forget(self, symbol: str) -> None:
        """Drop what was read through ``symbol``'s old overrides (the walk itself holds)."""
        self._quotes.pop(symbol, None)
        self._bands.pop(symbol, None)
        self._revision += 1

    def halted(self, symbol: str, at: datetime | None = None) -> bool:
        """Whether trading in ``symbol`` (an option: its underlying) is halted now or at ``at``."""
        if not self._overrides:
            return False  # the common case: nothing laid over the walk
        if symbol not in _SPECS:
            contract = OptionContract.parse(symbol)
            if contract is None:
                return False
            symbol = contract.root
        return symbol in self._overrides and self._halted_at(symbol, _grid(self._now(at)))

    def reference_price(self, symbol: str, at: datetime | None = None) -> Decimal:
        """The previous regular-session close, or the latest pinned last if set since, as
        of now or ``at``.

        For options, the theoretical value (now, or at ``at``).
        """
        with self._lock:
            if symbol not in _SPECS:
                return self._option_quote(symbol, self._now(at)).theoretical
            return self._reference(self._spec(symbol), self._trading_day(at))

    def _trading_day(self, at: datetime | None) -> date:
        if at is None:
            return self._clock.trading_day()
        today = self._today
        if today is None or not today.holds(at):
            today = self._today = TradingDay.of(at)
        return today.date

    def _reference(self, spec: _Spec, today: date) -> Decimal:
        day = today - timedelta(days=1)
        while not is_trading_day(day):
            day -= timedelta(days=1)
        close = datetime.combine(day, time(16, 0), tzinfo=NEW_YORK)
        second = _grid(close) - 1
        pins = [
            o
            for o in self._overrides.get(spec.instrument.symbol, [])
            if o.pin is not None and o.at > second
        ]
        if pins:
            pin = pins[-1].pin
            assert pin is not None
            return pin.last
        return self._trade_price(spec, second)

    def circuit_band(self, symbol: str, at: datetime | None = None) -> tuple[Decimal, Decimal]:
        """The (low, high) limit prices accepted now or at ``at``: 10% either side of the
        reference price (options: one tick up to twice the reference plus a dollar)."""
        with self._lock:
            if symbol not in _SPECS:
                reference = self.reference_price(symbol, at)
                return _CENT, _round_to(reference * 2 + 1, _CENT)
            # A listed symbol's band is a pure function of (trading day, pins): kept until
            # either changes, as every order placed asks for it.
            key = (self._trading_day(at), self._revision)
            cached = self._bands.get(symbol)
            if cached is not None and cached[0] == key:
                return cached[1]
            spec = self._spec(symbol)
            band = _band(spec.instrument, self._reference(spec, key[0]))
            self._bands[symbol] = (key, band)
            return band


def _by_time(step: tuple[int, int, Boundary]) -> tuple[int, int]:
    return step[0], step[1]  # by moment, then by the order the events were given


def _same(level: float) -> float:
    return level


def _band(instrument: Instrument, reference: Decimal) -> tuple[Decimal, Decimal]:
    """10% either side of ``reference``, on the instrument's ticks."""
    tick = instrument.tick_for(reference)
    low = max(_round_to(reference * Decimal("0.9"), tick, ROUND_CEILING), tick)
    high = _round_to(
        reference * Decimal("1.1"),
        instrument.tick_for(reference * Decimal("1.1")),
        ROUND_FLOOR,
    )
    return low, high
