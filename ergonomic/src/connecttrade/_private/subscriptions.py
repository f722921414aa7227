"""What a stream is subscribed to, kept so a new connection can ask for all of it again.

Pure registries: they validate requests before anything is sent and render the client
frames of the protocol. The brokerage stream subscribes to topics; the market-data stream
to (channel, symbol) pairs, each with its channel's options.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "BAR_INTERVALS",
    "BROKERAGE_TOPICS",
    "CHANNELS",
    "MarketDataRegistry",
    "TopicRegistry",
    "symbols_of",
]

BROKERAGE_TOPICS = ("orders", "positions", "balances")
CHANNELS = ("quotes", "trades", "bars", "depth", "options_chain")
BAR_INTERVALS = ("1m", "5m", "15m", "1h", "1d")
TRADE_SESSIONS = ("all", "regular", "extended")

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


def _options(channel: str, options: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
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
    if channel == "bars":
        if given.get("interval") not in BAR_INTERVALS:
            raise ValueError(f"bars: interval must be one of {', '.join(BAR_INTERVALS)}")
        _whole(given, "backfill", minimum=0)
    if channel == "depth":
        if "levels" not in given:
            raise ValueError("depth: levels is required")
        _whole(given, "levels", minimum=1)
    if channel == "trades" and given.get("session", "all") not in TRADE_SESSIONS:
        raise ValueError(f"trades: session must be one of {', '.join(TRADE_SESSIONS)}")
    if channel == "options_chain":
        _whole(given, "strikes", minimum=1)
        if "greeks" in given and not isinstance(given["greeks"], bool):
            raise ValueError("options_chain: greeks must be true or false")
        if "expiry" in given and not isinstance(given["expiry"], str):
            raise ValueError("options_chain: expiry must be a date text (YYYY-MM-DD)")
    return tuple(sorted(given.items()))


def _whole(options: Mapping[str, Any], key: str, *, minimum: int) -> None:
    if key not in options:
        return
    value = options[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{key} must be a whole number >= {minimum}, got {value!r}")


class MarketDataRegistry:
    """(channel, symbol) pairs and their options, to (re)subscribe."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[tuple[str, Any], ...]] = {}

    @staticmethod
    def _channel(channel: str) -> str:
        if channel not in CHANNELS:
            raise ValueError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
        return channel

    def subscribe_frame(
        self, channel: str, symbols: str | Iterable[str], options: Mapping[str, Any]
    ) -> Frame:
        """Register the symbols and return the frame that asks for them."""
        channel = self._channel(channel)
        chosen = symbols_of(symbols)
        checked = _options(channel, options)
        for symbol in chosen:
            self._entries[(channel, symbol)] = checked
        return {"action": "subscribe", "channel": channel, "symbols": list(chosen), **dict(checked)}

    def unsubscribe_frame(self, channel: str, symbols: str | Iterable[str]) -> Frame:
        """Forget the symbols and return the frame that stops them."""
        channel = self._channel(channel)
        chosen = symbols_of(symbols)
        for symbol in chosen:
            self._entries.pop((channel, symbol), None)
        return {"action": "unsubscribe", "channel": channel, "symbols": list(chosen)}

    def symbols(self, channel: str) -> tuple[str, ...]:
        """The symbols registered on ``channel``."""
        return tuple(symbol for (ch, symbol) in self._entries if ch == channel)

    def __len__(self) -> int:
        return len(self._entries)

    def frames(self) -> list[Frame]:
        """Subscribe frames restoring every pair, one per channel and set of options."""
        groups: dict[tuple[str, tuple[tuple[str, Any], ...]], list[str]] = {}
        for (channel, symbol), options in self._entries.items():
            groups.setdefault((channel, options), []).append(symbol)
        return [
            {"action": "subscribe", "channel": channel, "symbols": symbols, **dict(options)}
            for (channel, options), symbols in groups.items()
        ]
