"""The Streaming Market Data API's protocol, without a socket.

A user authenticates with the token of one of their connections
(``GET /connections/{id}/token``); the connection's broker decides what the session may
see (read-only brokers stream nothing; options, futures and crypto need the broker's
capability). Subscriptions are keyed by (channel, symbol): subscribing again replaces the
parameters.

A subscribe is accepted symbol by symbol, so one bad symbol never stops the others: each
refusal code gets one ``error`` frame naming its symbols (``channel``, ``symbols``), then
one ``subscribed`` frame lists the symbols accepted (possibly none), then the first data of
each. An unsubscribe works the same way: the symbols held are removed, those not held get
one ``not_subscribed`` error naming them, then one ``unsubscribed`` lists the symbols
removed (possibly none). A ``request_id`` on any client frame is repeated on every frame
answering it. Counters in server frames (``levels``, ``strikes``) are digit strings.

Defaults: trades ``session`` ``all``; bars ``backfill`` 0; options chains ``strikes`` 5,
``greeks`` false and, without ``expiry``, the nearest listed expiry at each push (so the
chain rolls to the next expiry once the nearest one expires).

What is pushed, by channel (``poll`` runs every ``market_data_interval_ms``):

- ``quotes``, ``depth``, ``options_chain``: the current state at once, then whenever it
  changes (with a manual clock, only when the clock moves or a quote is pinned);
- ``trades``: each print after the subscription, oldest first, filtered by session
  (``regular``; ``extended`` = pre-market and after hours; ``all``), at most
  ``TRADE_BURST`` per symbol per push (a clock jump catches up over several pushes);
- ``bars``: ``backfill`` completed bars first (``backfill: true``), then the forming bar
  whenever it changes (``final: false``) and each bar once more when it completes
  (``final: true``).

``snapshot`` answers historical bars of ``[start, end)`` (the oldest ``limit`` of them).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from connecttrade_mock.broker.brokers import Broker, lookup
from connecttrade_mock.broker.state import Connection, UserKey
from connecttrade_mock.clock import Session
from connecttrade_mock.market.instrument import AssetClass, Instrument, UnknownSymbol
from connecttrade_mock.market.market import MAX_BARS, Market
from connecttrade_mock.market.quote import Bar, BarInterval, DepthLevel, Trade
from connecttrade_mock.streams.contract import (
    CloseCode,
    ErrorCode,
    FrameError,
    StreamContract,
    StreamKind,
)
from connecttrade_mock.streams.protocol import (
    Reply,
    SessionState,
    StreamProtocol,
    count_text,
    error_frame,
    request_id_of,
)
from connecttrade_mock.wire.records import decimal_text, quantity_text, quote_json, time_text

if TYPE_CHECKING:
    from connecttrade_mock.simulator import Simulator

PushMemo = dict[tuple[Any, ...], Any]
"""One market-data push's frames and prints, shared by every session (see ``poll``)."""

__all__ = [
    "MAX_SUBSCRIPTIONS",
    "TRADE_BURST",
    "Channel",
    "MarketDataProtocol",
    "PushMemo",
    "Subscription",
]

MAX_SUBSCRIPTIONS: Final = 1000
"""(channel, symbol) pairs one session may hold."""
TRADE_BURST: Final = 1000
"""Trades per symbol per push, at most."""
BAR_BURST: Final = 1000
"""Completed bars sent after a clock jump, at most (the latest ones)."""
_BACKFILL_LOOKBACK: Final = timedelta(days=1830)
# Bars align to New York midnight (standard time), as the market simulator's grid does.
_BAR_EPOCH: Final = datetime(1970, 1, 1, 5, tzinfo=UTC)
_SESSIONS: Final = {
    "all": frozenset({Session.PRE_MARKET, Session.REGULAR, Session.AFTER_HOURS}),
    "regular": frozenset({Session.REGULAR}),
    "extended": frozenset({Session.PRE_MARKET, Session.AFTER_HOURS}),
}


class Channel(StrEnum):
    """What a subscription streams."""

    QUOTES = "quotes"
    TRADES = "trades"
    BARS = "bars"
    DEPTH = "depth"
    OPTIONS_CHAIN = "options_chain"


@dataclass(slots=True)
class Subscription:
    """One (channel, symbol) subscription, its parameters and what was last pushed."""

    channel: Channel
    symbol: str
    session: str = "all"
    interval: BarInterval = BarInterval.ONE_MINUTE
    levels: int = 10
    greeks: bool = False
    expiry: date | None = None
    strikes: int = 5
    cursor: datetime | None = None
    """trades: the first second not yet pushed; bars: the start of the forming bar."""
    last: Any = field(default=None, compare=False)
    """What was last pushed, without its time (pushes happen only on change)."""

    def describe(self) -> dict[str, Any]:
        """As the ``Subscription`` schema lists it."""
        out: dict[str, Any] = {"channel": self.channel.value, "symbol": self.symbol}
        if self.channel is Channel.TRADES:
            out["session"] = self.session
        elif self.channel is Channel.BARS:
            out["interval"] = self.interval.value
        elif self.channel is Channel.DEPTH:
            out["levels"] = count_text(self.levels)
        elif self.channel is Channel.OPTIONS_CHAIN:
            out["greeks"] = self.greeks
            out["expiry"] = self.expiry.isoformat() if self.expiry else None
            out["strikes"] = count_text(self.strikes)
        return out


class MarketDataProtocol(StreamProtocol):
    """One market-data session: token, subscriptions, and what each push sends."""

    kind = StreamKind.MARKET_DATA

    def __init__(self, session_id: str, contract: StreamContract, sim: Simulator) -> None:
        super().__init__(session_id, contract, sim.clock.now)
        self._sim = sim
        self.connection_id: str | None = None
        self.user_key: UserKey | None = None
        self.broker: Broker | None = None
        self._token = ""
        self.subscriptions: dict[tuple[Channel, str], Subscription] = {}

    @property
    def principal(self) -> str | None:
        return self.user_key[1] if self.user_key else None

    @property
    def principal_key(self) -> tuple[str, ...] | None:
        return self.user_key

    @property
    def _market(self) -> Market:
        return self._sim.market

    # -- authentication ------------------------------------------------------------------
    def _authenticate(self, frame: dict[str, Any]) -> Reply:
        token = frame["token"]
        connection = next(
            (
                c
                for c in self._sim.store.connections.values()
                if c.md_token and hmac.compare_digest(c.md_token, token)
            ),
            None,
        )
        if connection is None or connection.md_token_expires_at is None:
            raise FrameError(
                ErrorCode.INVALID_TOKEN,
                "invalid token: not issued, or revoked by a newer token or a deleted connection",
                CloseCode.BAD_CREDENTIALS,
            )
        expires_at = connection.md_token_expires_at
        if expires_at <= self._clock():
            raise FrameError(
                ErrorCode.TOKEN_EXPIRED,
                f"token expired at {time_text(expires_at)}; get a new one from "
                f"GET /connections/{connection.connection_id}/token",
                CloseCode.BAD_CREDENTIALS,
            )
        self.connection_id = connection.connection_id
        self.user_key = connection.user_key
        self.broker = lookup(connection.broker)
        self._token = token
        self.state = SessionState.AUTHENTICATED
        return Reply(
            [
                {
                    "type": "authenticated",
                    "connection_id": connection.connection_id,
                    "broker": connection.broker,
                    "expires_at": time_text(expires_at),
                    **request_id_of(frame),
                }
            ]
        )

    def token_problem(self) -> tuple[CloseCode, str] | None:
        """Why the session's token no longer holds (revoked: 4010; expired: 4003), if so."""
        if not self.authenticated or self.connection_id is None:
            return None
        connection: Connection | None = self._sim.store.connections.get(self.connection_id)
        if connection is None:
            return CloseCode.TOKEN_REVOKED, "token revoked: its connection was deleted"
        if connection.md_token is None or not hmac.compare_digest(connection.md_token, self._token):
            return CloseCode.TOKEN_REVOKED, "token revoked: a new token was issued"
        expires_at = connection.md_token_expires_at
        if expires_at is not None and expires_at <= self._clock():
            return CloseCode.BAD_CREDENTIALS, "token expired"
        return None

    # -- requests ------------------------------------------------------------------------
    def _handle(self, action: str, frame: dict[str, Any]) -> Reply:
        if action == "subscribe":
            return Reply(self._subscribe(frame))
        if action == "unsubscribe":
            return Reply(self._unsubscribe(frame))
        if action == "list_subscriptions":
            subs = sorted(self.subscriptions.values(), key=lambda s: (s.channel.value, s.symbol))
            listing = [s.describe() for s in subs]
            return Reply(
                [{"type": "subscriptions", "subscriptions": listing, **request_id_of(frame)}]
            )
        return Reply([self._snapshot(frame)])

    def _entitled(self) -> Broker:
        broker = self.broker
        if broker is None or not broker.trading:
            name = broker.name if broker else "this broker"
            raise FrameError(
                ErrorCode.NOT_ENTITLED,
                f"{name} connections are read-only and carry no market data",
            )
        return broker

    def _instrument(self, channel: Channel, symbol: str) -> Instrument:
        """The instrument behind a symbol, if the channel serves it and the broker may."""
        broker = self._entitled()
        instrument = self._market.instrument_of(symbol)
        if instrument is None:
            raise FrameError(
                ErrorCode.UNKNOWN_SYMBOL, f"symbols: {symbol!r} is not a symbol of the market"
            )
        unlisted = self._market.unlisted_reason(symbol)
        if unlisted is not None:
            raise FrameError(ErrorCode.UNKNOWN_SYMBOL, f"symbols: {unlisted}")
        asset = instrument.asset_class
        if channel is Channel.OPTIONS_CHAIN and not instrument.optionable:
            raise FrameError(ErrorCode.UNKNOWN_SYMBOL, f"symbols: {symbol!r} has no listed options")
        if channel in (Channel.TRADES, Channel.BARS) and asset is AssetClass.OPTION:
            raise FrameError(
                ErrorCode.UNKNOWN_SYMBOL,
                f"symbols: {symbol!r} is an option contract; {channel.value} covers "
                "equities, futures and crypto",
            )
        needs_options = asset is AssetClass.OPTION or channel is Channel.OPTIONS_CHAIN
        for needed, allowed, what in (
            (needs_options, broker.options, "options"),
            (asset is AssetClass.FUTURE, broker.futures, "futures"),
            (asset is AssetClass.CRYPTO, broker.crypto, "crypto"),
        ):
            if needed and not allowed:
                raise FrameError(
                    ErrorCode.NOT_ENTITLED, f"symbols: {broker.name} offers no {what} data"
                )
        return instrument

    def _accept(
        self, channel: Channel, given: str, expiry: date | None, room: int, accepted: list[str]
    ) -> str:
        """The market's spelling of ``given`` if the session may subscribe it; else
        ``FrameError`` saying why (``room``: new subscriptions the session can still hold)."""
        symbol = self._instrument(channel, given).symbol
        if expiry is not None and expiry not in self._market.option_expiries(symbol):
            raise FrameError(
                ErrorCode.INVALID_MESSAGE,
                f"expiry: {expiry.isoformat()} is not a listed expiry of {symbol}",
            )
        is_new = symbol not in accepted and (channel, symbol) not in self.subscriptions
        if is_new and room <= 0:
            raise FrameError(
                ErrorCode.LIMIT_EXCEEDED,
                f"symbols: {given!r} would exceed the {MAX_SUBSCRIPTIONS} subscriptions "
                "a session holds",
            )
        return symbol

    def _subscribe(self, frame: dict[str, Any]) -> list[dict[str, Any]]:
        channel = Channel(frame["channel"])
        answer_to = request_id_of(frame)
        expiry = date.fromisoformat(frame["expiry"]) if "expiry" in frame else None
        accepted: list[str] = []
        refused: dict[ErrorCode, list[tuple[str, str]]] = {}
        room = MAX_SUBSCRIPTIONS - len(self.subscriptions)
        for given in frame["symbols"]:
            try:
                symbol = self._accept(channel, given, expiry, room, accepted)
            except FrameError as exc:
                refused.setdefault(exc.code, []).append((given, exc.message))
                continue
            if symbol in accepted:
                continue  # two spellings of one symbol
            if (channel, symbol) not in self.subscriptions:
                room -= 1
            accepted.append(symbol)
        frames: list[dict[str, Any]] = [
            error_frame(
                code,
                _refusal_message([reason for _, reason in refusals]),
                channel=channel.value,
                symbols=[given for given, _ in refusals],
                **answer_to,
            )
            for code, refusals in refused.items()
        ]
        frames.append(
            {"type": "subscribed", "channel": channel.value, "symbols": accepted, **answer_to}
        )
        now = self._clock()
        for symbol in accepted:
            sub = Subscription(
                channel,
                symbol,
                session=frame.get("session", "all"),
                interval=BarInterval(frame.get("interval", BarInterval.ONE_MINUTE)),
                levels=int(frame.get("levels", 10)),
                greeks=bool(frame.get("greeks", False)),
                expiry=expiry,
                strikes=int(frame.get("strikes", 5)),
            )
            self.subscriptions[(channel, symbol)] = sub
            if channel is Channel.TRADES:
                sub.cursor = _next_second(now)
                continue
            if channel is Channel.BARS:
                sub.cursor = _bar_start(now, sub.interval)
                frames.extend(self._backfill(sub, int(frame.get("backfill", 0))))
            frames.extend(self._push(sub, now, {}))
        return frames

    def _unsubscribe(self, frame: dict[str, Any]) -> list[dict[str, Any]]:
        """Symbol by symbol, like subscribe: remove those held, name the others."""
        channel = Channel(frame["channel"])
        answer_to = request_id_of(frame)
        keys: list[tuple[Channel, str]] = []
        missing: list[str] = []
        for given in frame["symbols"]:
            instrument = self._market.instrument_of(given)
            symbol = instrument.symbol if instrument is not None else given
            if (channel, symbol) in self.subscriptions:
                if (channel, symbol) not in keys:
                    keys.append((channel, symbol))
            elif (channel, symbol) not in keys:
                missing.append(given)
        frames: list[dict[str, Any]] = []
        if missing:
            shown = ", ".join(missing[:_REASONS_SHOWN])
            more = len(missing) - _REASONS_SHOWN
            frames.append(
                error_frame(
                    ErrorCode.NOT_SUBSCRIBED,
                    f"symbols: not subscribed to {channel.value} of {shown}"
                    + (f" and {more} more" if more > 0 else ""),
                    channel=channel.value,
                    symbols=missing,
                    **answer_to,
                )
            )
        for key in keys:
            del self.subscriptions[key]
        frames.append(
            {
                "type": "unsubscribed",
                "channel": channel.value,
                "symbols": [symbol for _, symbol in keys],
                **answer_to,
            }
        )
        return frames

    def _snapshot(self, frame: dict[str, Any]) -> dict[str, Any]:
        symbol = self._instrument(Channel.BARS, frame["symbol"]).symbol
        interval = BarInterval(frame["interval"])
        start = datetime.fromisoformat(frame["start"])
        end = datetime.fromisoformat(frame["end"])
        if end <= start:
            raise FrameError(ErrorCode.INVALID_MESSAGE, "end: must be after start")
        try:
            bars = self._market.bars(symbol, interval, start, end)
        except ValueError as exc:
            raise FrameError(ErrorCode.LIMIT_EXCEEDED, f"end: {exc}") from None
        limit = int(frame.get("limit", MAX_BARS))
        return {
            "type": "snapshot",
            "request_id": frame["request_id"],
            "symbol": symbol,
            "interval": interval.value,
            "bars": [_bar_fields(bar) for bar in bars[:limit]],
        }

    # -- pushing -------------------------------------------------------------------------
    def poll(self, shared: PushMemo | None = None) -> list[dict[str, Any]]:
        """The frames due since the last push, for every subscription.

        ``shared`` is one push's memo across sessions: every session subscribed to the same
        data gets the same frame object, built once (the hub then validates and encodes it
        once). Frames are never mutated after they are built.
        """
        if not self.authenticated:
            return []
        memo: PushMemo = {} if shared is None else shared
        now = self._clock()
        frames: list[dict[str, Any]] = []
        for sub in list(self.subscriptions.values()):
            frames.extend(self._push(sub, now, memo))
        return frames

    def _push(self, sub: Subscription, now: datetime, memo: PushMemo) -> list[dict[str, Any]]:
        if sub.channel is Channel.TRADES:
            return self._trades(sub, now, memo)
        if sub.channel is Channel.BARS:
            return self._bars(sub, now)
        key: tuple[Any, ...]
        if sub.channel is Channel.QUOTES:
            key = (Channel.QUOTES, sub.symbol)
        elif sub.channel is Channel.DEPTH:
            key = (Channel.DEPTH, sub.symbol, sub.levels)
        else:
            key = (Channel.OPTIONS_CHAIN, sub.symbol, sub.greeks, sub.expiry, sub.strikes)
        if key not in memo:
            frame = (
                _quote_frame(self._market, sub.symbol)
                if sub.channel is Channel.QUOTES
                else _depth_frame(self._market, sub.symbol, sub.levels)
                if sub.channel is Channel.DEPTH
                else _chain_frame(self._market, sub)
            )
            memo[key] = (frame, {k: v for k, v in frame.items() if k != "time"})
        frame, unchanged = memo[key]
        if unchanged == sub.last:
            return []
        sub.last = unchanged
        return [frame]

    def _trades(self, sub: Subscription, now: datetime, memo: PushMemo) -> list[dict[str, Any]]:
        start = sub.cursor or _next_second(now)
        if start > now:
            return []
        prints_key = (Channel.TRADES, sub.symbol, start)
        if prints_key not in memo:
            memo[prints_key] = self._market.trades(sub.symbol, start, limit=TRADE_BURST)
        trades: list[Trade] = memo[prints_key]
        sub.cursor = (
            trades[-1].time + timedelta(seconds=1)
            if len(trades) == TRADE_BURST
            else _next_second(now)
        )
        frames_key = (*prints_key, sub.session)
        if frames_key not in memo:
            wanted = _SESSIONS[sub.session]
            memo[frames_key] = [
                {
                    "type": "trade",
                    "symbol": sub.symbol,
                    "price": decimal_text(t.price),
                    "size": quantity_text(t.size),
                    "session": t.session.value,
                    "time": time_text(t.time),
                }
                for t in trades
                if t.session in wanted
            ]
        frames: list[dict[str, Any]] = memo[frames_key]
        return frames

    def _backfill(self, sub: Subscription, count: int) -> list[dict[str, Any]]:
        """The ``count`` latest completed bars before the forming one, oldest first."""
        if count == 0 or sub.cursor is None:
            return []
        end = sub.cursor
        step = timedelta(seconds=sub.interval.seconds)
        span = count
        found: list[Bar] = []
        while True:
            start = max(end - step * span, end - _BACKFILL_LOOKBACK)
            found = self._market.bars(sub.symbol, sub.interval, start, end)
            exhausted = span >= MAX_BARS or end - step * span <= end - _BACKFILL_LOOKBACK
            if len(found) >= count or exhausted:
                break
            span = min(span * 4, MAX_BARS)
        return [_bar_frame(bar, backfill=True, final=True) for bar in found[-count:]]

    def _bars(self, sub: Subscription, now: datetime) -> list[dict[str, Any]]:
        frames: list[dict[str, Any]] = []
        forming_start = _bar_start(now, sub.interval)
        step = timedelta(seconds=sub.interval.seconds)
        if sub.cursor is not None and forming_start > sub.cursor:
            start = max(sub.cursor, forming_start - step * BAR_BURST)
            completed = self._market.bars(sub.symbol, sub.interval, start, forming_start)
            frames.extend(_bar_frame(bar, backfill=False, final=True) for bar in completed)
            sub.last = None
        sub.cursor = forming_start
        forming = self._market.bars(sub.symbol, sub.interval, forming_start)
        if forming:
            frame = _bar_frame(forming[-1], backfill=False, final=False)
            if frame != sub.last:
                sub.last = frame
                frames.append(frame)
        return frames


# -- rendering -----------------------------------------------------------------------------
_REASONS_SHOWN: Final = 5


def _refusal_message(reasons: list[str]) -> str:
    """One message for the symbols refused with one code: the distinct reasons, the first
    few of them (a frame may name 100 symbols)."""
    distinct = list(dict.fromkeys(reasons))
    field = "symbols: "
    same_field = all(reason.startswith(field) for reason in distinct)
    shown = [reason.removeprefix(field) if same_field else reason for reason in distinct]
    text = "; ".join(shown[:_REASONS_SHOWN])
    more = len(shown) - _REASONS_SHOWN
    return (field if same_field else "") + text + (f"; and {more} more" if more > 0 else "")


def _next_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0) + timedelta(seconds=1)


def _bar_start(moment: datetime, interval: BarInterval) -> datetime:
    elapsed = int((moment - _BAR_EPOCH).total_seconds())
    return _BAR_EPOCH + timedelta(seconds=elapsed - elapsed % interval.seconds)


def _bar_fields(bar: Bar) -> dict[str, Any]:
    return {
        "start": time_text(bar.start),
        "open": decimal_text(bar.open),
        "high": decimal_text(bar.high),
        "low": decimal_text(bar.low),
        "close": decimal_text(bar.close),
        "volume": quantity_text(bar.volume),
    }


def _bar_frame(bar: Bar, *, backfill: bool, final: bool) -> dict[str, Any]:
    return {
        "type": "bar",
        "symbol": bar.symbol,
        "interval": bar.interval.value,
        **_bar_fields(bar),
        "backfill": backfill,
        "final": final,
    }


def _quote_frame(market: Market, symbol: str) -> dict[str, Any]:
    return {"type": "quote", **quote_json(symbol, market.quote(symbol))}


def _depth_frame(market: Market, symbol: str, levels: int) -> dict[str, Any]:
    book = market.depth(symbol, levels)
    return {
        "type": "depth",
        "symbol": symbol,
        "levels": count_text(levels),
        "bids": [_level(level) for level in book.bids],
        "asks": [_level(level) for level in book.asks],
        "time": time_text(book.time),
    }


def _level(level: DepthLevel) -> dict[str, str]:
    return {"price": decimal_text(level.price), "size": quantity_text(level.size)}


def _chain_frame(market: Market, sub: Subscription) -> dict[str, Any]:
    try:
        chain = market.options_chain(sub.symbol, sub.expiry, sub.strikes)
    except UnknownSymbol:  # pragma: no cover - subscribe checked the underlying
        raise FrameError(ErrorCode.UNKNOWN_SYMBOL, f"{sub.symbol} has no options") from None
    contracts = []
    for option in chain.contracts:
        greeks = None
        if sub.greeks:
            g = option.greeks
            greeks = {
                "delta": decimal_text(g.delta),
                "gamma": decimal_text(g.gamma),
                "theta": decimal_text(g.theta),
                "vega": decimal_text(g.vega),
                "rho": decimal_text(g.rho),
                "implied_volatility": decimal_text(option.implied_volatility),
            }
        quote = option.quote
        contracts.append(
            {
                "symbol": option.symbol,
                "expiry": option.contract.expiry.isoformat(),
                "strike": decimal_text(option.contract.strike),
                "right": option.contract.right.value,
                "bid": decimal_text(quote.bid),
                "ask": decimal_text(quote.ask),
                "last": decimal_text(quote.last),
                "greeks": greeks,
            }
        )
    return {
        "type": "options_chain",
        "underlying": sub.symbol,
        "underlying_price": decimal_text(chain.underlying_price),
        "time": time_text(chain.time),
        "contracts": contracts,
    }
