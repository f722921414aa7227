"""What a stream is subscribed to, kept so a new connection can ask for all of it again.

Pure registries: they validate requests before anything is sent and render the client
frames of the protocol. The brokerage stream subscribes to topics; the market-data stream
to (channel, symbol) pairs, each with its channel's options. A pair the server refuses is
forgotten, so no reconnect asks for it again (and, as the server accepts symbol by symbol,
the others of its frame never depended on it).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "BAR_INTERVALS",
    "BROKERAGE_TOPICS",
    "CHANNELS",
    "MAX_SYMBOLS_PER_FRAME",
    "MarketDataRegistry",
    "TopicRegistry",
    "symbols_of",
]

BROKERAGE_TOPICS = ("orders", "positions", "balances")
CHANNELS = ("quotes", "trades", "bars", "depth", "options_chain")
BAR_INTERVALS = ("1m", "5m", "15m", "1h", "1d")
TRADE_SESSIONS = ("all", "regular", "extended")
MAX_SYMBOLS_PER_FRAME: Final = 100
"""The protocol's limit on one subscribe frame; more symbols are sent in several frames."""
MAX_SYMBOL_LENGTH: Final = 32

Frame = dict[str, Any]


def symbols_of(symbols: str | Iterable[str]) -> tuple[str, ...]:
    """One symbol or many as a tuple of unique, non-empty symbols, in the order given."""
    items = [symbols] if isinstance(symbols, str) else list(symbols)
    if not items:
        raise ValueError("symbols: give at least one symbol")
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ValueError(f"symbols: {item!r} is not a symbol")
    return tuple(dict.fromkeys(item.strip() for item in items))


class TopicRegistry:
    """The brokerage topics to (re)subscribe."""

    __slots__ = ("_topics",)

    def __init__(self, topics: Iterable[str] = ()) -> None:
        self._topics: set[str] = set()
        self.add(topics)

    @staticmethod
    def check(topics: Iterable[str]) -> tuple[str, ...]:
        chosen = (topics,) if isinstance(topics, str) else tuple(topics)
        for topic in chosen:
            if topic not in BROKERAGE_TOPICS:
                raise ValueError(f"topic {topic!r} is not one of {', '.join(BROKERAGE_TOPICS)}")
        return chosen

    def add(self, topics: Iterable[str]) -> tuple[str, ...]:
        chosen = self.check(topics)
        self._topics.update(chosen)
        return chosen

    def remove(self, topics: Iterable[str]) -> tuple[str, ...]:
        chosen = self.check(topics)
        self._topics.difference_update(chosen)
        return chosen

    @property
    def topics(self) -> tuple[str, ...]:
        """The registered topics, in the protocol's order."""
        return tuple(t for t in BROKERAGE_TOPICS if t in self._topics)

    def frames(self) -> list[Frame]:
        """The subscribe frames that restore every topic on a new connection."""
        return [{"action": "subscribe", "topics": list(self.topics)}] if self._topics else []


Options = tuple[tuple[str, Any], ...]


def _options(channel: str, options: Mapping[str, Any]) -> Options:
    """A channel's options, checked and in a canonical (hashable) order."""
    allowed: dict[str, tuple[str, ...]] = {
        "quotes": (),
        "trades": ("session",),
        "bars": ("interval", "backfill"),
        "depth": ("levels",),
        "options_chain": ("greeks", "expiry", "strikes"),
    }
    given = {k: v for k, v in options.items() if v is not None}
    unknown = sorted(set(given) - set(allowed[channel]))
    if unknown:
        raise ValueError(f"{channel}: unknown option {unknown[0]!r}")
    # The protocol's bounds, checked here: the server would refuse the whole frame.
    if channel == "bars":
        if given.get("interval") not in BAR_INTERVALS:
            raise ValueError(f"bars: interval must be one of {', '.join(BAR_INTERVALS)}")
        _whole(given, "backfill", minimum=0, maximum=1000)
    if channel == "depth":
        if "levels" not in given:
            raise ValueError("depth: levels is required")
        _whole(given, "levels", minimum=1, maximum=50)
    if channel == "trades" and given.get("session", "all") not in TRADE_SESSIONS:
        raise ValueError(f"trades: session must be one of {', '.join(TRADE_SESSIONS)}")
    if channel == "options_chain":
        _whole(given, "strikes", minimum=1, maximum=50)
        if "greeks" in given and not isinstance(given["greeks"], bool):
            raise ValueError("options_chain: greeks must be true or false")
        if "expiry" in given and not isinstance(given["expiry"], str):
            raise ValueError("options_chain: expiry must be a date text (YYYY-MM-DD)")
    return tuple(sorted(given.items()))


def _whole(options: Mapping[str, Any], key: str, *, minimum: int, maximum: int) -> None:
    if key not in options:
        return
    value = options[key]
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ValueError(f"{key} must be a whole number from {minimum} to {maximum}, got {value!r}")


def _market_symbols(symbols: str | Iterable[str]) -> tuple[str, ...]:
    chosen = symbols_of(symbols)
    for symbol in chosen:
        if len(symbol) > MAX_SYMBOL_LENGTH:
            raise ValueError(f"symbols: {symbol[:40]!r}... is longer than {MAX_SYMBOL_LENGTH}")
    return chosen


def _subscribe_frames(channel: str, symbols: list[str], options: Options) -> list[Frame]:
    """Subscribe frames for ``symbols``, at most ``MAX_SYMBOLS_PER_FRAME`` each."""
    return [
        {
            "action": "subscribe",
            "channel": channel,
            "symbols": symbols[start : start + MAX_SYMBOLS_PER_FRAME],
            **dict(options),
        }
        for start in range(0, len(symbols), MAX_SYMBOLS_PER_FRAME)
    ]


@dataclass(frozen=True, slots=True)
class _Entry:
    options: Options
    serial: int
    """Which registration this is: a refusal of an older request must not forget it."""


class MarketDataRegistry:
    """(channel, symbol) pairs and their options, to (re)subscribe.

    Every registration gets a serial number; a request records the serials of the pairs
    it carried, so a refusal forgets a pair only if nobody registered it again since.
    """

    __slots__ = ("_entries", "_serials")

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._serials = itertools.count(1)

    @staticmethod
    def _channel(channel: str) -> str:
        if channel not in CHANNELS:
            raise ValueError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
        return channel

    def subscribe_frames(
        self, channel: str, symbols: str | Iterable[str], options: Mapping[str, Any]
    ) -> list[Frame]:
        """Register the symbols and return the frames that ask for them."""
        channel = self._channel(channel)
        chosen = _market_symbols(symbols)
        checked = _options(channel, options)
        for symbol in chosen:
            self._entries[(channel, symbol)] = _Entry(checked, next(self._serials))
        return _subscribe_frames(channel, list(chosen), checked)

    def unsubscribe_frame(self, channel: str, symbols: str | Iterable[str]) -> Frame:
        """Forget the symbols and return the frame that stops them."""
        channel = self._channel(channel)
        chosen = symbols_of(symbols)
        for symbol in chosen:
            self._entries.pop((channel, symbol), None)
        return {"action": "unsubscribe", "channel": channel, "symbols": list(chosen)}

    def serial(self, channel: str, symbol: str) -> int | None:
        """The serial of the pair's current registration (``None``: not registered)."""
        entry = self._entries.get((channel, symbol))
        return entry.serial if entry is not None else None

    def forget_refused(
        self, channel: str, symbols: Iterable[str], serials: Mapping[str, int] | None
    ) -> tuple[str, ...]:
        """Forget pairs the server refused, and return them.

        ``serials`` are the pairs' serials when the refused request was sent; a pair
        registered again since then is kept (its newer request is answered on its own).
        ``None`` (the request is not known) forgets every pair named.
        """
        forgotten: list[str] = []
        for symbol in symbols:
            entry = self._entries.get((channel, symbol))
            if entry is None:
                continue
            if serials is not None and serials.get(symbol) != entry.serial:
                continue
            del self._entries[(channel, symbol)]
            forgotten.append(symbol)
        return tuple(forgotten)

    def symbols(self, channel: str) -> tuple[str, ...]:
        """The symbols registered on ``channel``."""
        return tuple(symbol for (ch, symbol) in self._entries if ch == channel)

    def __len__(self) -> int:
        return len(self._entries)

    def frames(self) -> list[Frame]:
        """Subscribe frames restoring every pair: per channel and set of options, at most
        ``MAX_SYMBOLS_PER_FRAME`` symbols each."""
        groups: dict[tuple[str, Options], list[str]] = {}
        for (channel, symbol), entry in self._entries.items():
            groups.setdefault((channel, entry.options), []).append(symbol)
        return [
            frame
            for (channel, options), symbols in groups.items()
            for frame in _subscribe_frames(channel, symbols, options)
        ]
