"""Server frames of both streams, parsed into typed values (pure: text in, value out).

Entities inside updates are parsed by :mod:`.parse`, the same code that reads REST
answers, because the frames carry the REST shapes. A frame of a ``type`` this release
does not know becomes :class:`UnknownFrame` (newer servers may add types); a frame that
is not a JSON object or lacks a field raises :class:`StreamProtocolError`, naming the
field and never its value.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeAlias

from connecttrade._exceptions import StreamProtocolError, UnexpectedResponseError
from connecttrade._wire import parse
from connecttrade._wire.fields import Fields
from connecttrade.types.brokerage_events import (
    BalanceUpdate,
    ErrorNotice,
    OrderUpdate,
    PositionUpdate,
    TopicsSubscribed,
)
from connecttrade.types.market_data_events import (
    Bar,
    BarSnapshot,
    BookLevel,
    ChannelSubscribed,
    ChannelUnsubscribed,
    Depth,
    Greeks,
    HistoricalBar,
    MarketDataSubscription,
    OptionContractQuote,
    OptionsChain,
    Quote,
    SubscriptionList,
    SubscriptionRefused,
    Trade,
)
from connecttrade.types.option_symbol import OptionRight

__all__ = [
    "Authenticated",
    "BrokerageFrame",
    "Heartbeat",
    "MarketDataFrame",
    "SubscribeAnswer",
    "SubscribeRefusal",
    "UnknownFrame",
    "Welcome",
    "parse_brokerage",
    "parse_market_data",
]


@dataclass(frozen=True, slots=True)
class Welcome:
    """The first frame of a session."""

    session_id: str
    server_time: dt.datetime
    auth_timeout_seconds: Decimal


@dataclass(frozen=True, slots=True)
class Authenticated:
    """Credentials accepted; ``expires_at`` is the market-data token's end (else ``None``)."""

    expires_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """Sent when nothing else was; ``last_seq`` (brokerage) is the last update number sent."""

    time: dt.datetime
    interval_seconds: int
    last_seq: int | None


@dataclass(frozen=True, slots=True)
class UnknownFrame:
    """A frame whose ``type`` this release does not know; skipped."""

    type: str


@dataclass(frozen=True, slots=True)
class SubscribeAnswer:
    """The last answer to a market-data subscribe; ``request_id`` as the request gave it."""

    request_id: str | None
    subscribed: ChannelSubscribed


@dataclass(frozen=True, slots=True)
class SubscribeRefusal:
    """Symbols a market-data subscribe had refused for one reason (a ``subscribed`` follows)."""

    request_id: str | None
    refused: SubscriptionRefused


BrokerageFrame: TypeAlias = (
    Welcome
    | Authenticated
    | Heartbeat
    | OrderUpdate
    | PositionUpdate
    | BalanceUpdate
    | TopicsSubscribed
    | ErrorNotice
    | UnknownFrame
)

MarketDataFrame: TypeAlias = (
    Welcome
    | Authenticated
    | Heartbeat
    | Quote
    | Trade
    | Bar
    | Depth
    | OptionsChain
    | BarSnapshot
    | SubscribeAnswer
    | SubscribeRefusal
    | ChannelUnsubscribed
    | SubscriptionList
    | ErrorNotice
    | UnknownFrame
)


def _decode(text: str | bytes) -> tuple[str, Fields]:
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise StreamProtocolError("frame is not JSON") from None
    if not isinstance(data, dict):
        raise StreamProtocolError("frame is not a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise StreamProtocolError("frame.type: missing or not a string")
    return kind, Fields(data, kind)


def _welcome(f: Fields) -> Welcome:
    return Welcome(
        session_id=f.text("session_id"),
        server_time=f.datetime("server_time"),
        auth_timeout_seconds=f.decimal("auth_timeout_seconds"),
    )


def _heartbeat(f: Fields) -> Heartbeat:
    return Heartbeat(
        time=f.datetime("time"),
        interval_seconds=f.integer("interval_seconds"),
        last_seq=f.integer("last_seq") if f.has("last_seq") else None,
    )


def _error(f: Fields) -> ErrorNotice:
    return ErrorNotice(
        code=f.text("code"), message=f.text("message"), request_id=f.opt_text("request_id")
    )


def _order_update(f: Fields) -> OrderUpdate:
    return OrderUpdate(
        seq=f.integer("seq"),
        time=f.datetime("time"),
        user_id=f.text("user_id"),
        account_id=f.text("account_id"),
        version=f.integer("version"),
        order=parse.order(f.raw("order")),
    )


def _position_update(f: Fields) -> PositionUpdate:
    return PositionUpdate(
        seq=f.integer("seq"),
        time=f.datetime("time"),
        user_id=f.text("user_id"),
        account_id=f.text("account_id"),
        version=f.integer("version"),
        position=parse.position(f.raw("position")),
    )


def _balance_update(f: Fields) -> BalanceUpdate:
    return BalanceUpdate(
        seq=f.integer("seq"),
        time=f.datetime("time"),
        user_id=f.text("user_id"),
        account_id=f.text("account_id"),
        version=f.integer("version"),
        balance=parse.balance(f.raw("balance")),
    )


_BROKERAGE: dict[str, Callable[[Fields], BrokerageFrame]] = {
    "welcome": _welcome,
    "authenticated": lambda f: Authenticated(expires_at=None),
    "heartbeat": _heartbeat,
    "order_update": _order_update,
    "position_update": _position_update,
    "balance_update": _balance_update,
    "subscribed": lambda f: TopicsSubscribed(topics=f.texts("topics")),
    "error": _error,
}


def _quote(f: Fields) -> Quote:
    return Quote(
        symbol=f.text("symbol"),
        bid=f.decimal("bid"),
        ask=f.decimal("ask"),
        bid_size=f.decimal("bid_size"),
        ask_size=f.decimal("ask_size"),
        last=f.opt_decimal("last"),
        time=f.datetime("time"),
    )


def _trade(f: Fields) -> Trade:
    return Trade(
        symbol=f.text("symbol"),
        price=f.decimal("price"),
        size=f.decimal("size"),
        session=f.text("session"),
        time=f.datetime("time"),
    )


def _bar(f: Fields) -> Bar:
    return Bar(
        symbol=f.text("symbol"),
        interval=f.text("interval"),
        start=f.datetime("start"),
        open=f.decimal("open"),
        high=f.decimal("high"),
        low=f.decimal("low"),
        close=f.decimal("close"),
        volume=f.decimal("volume"),
        backfill=f.boolean("backfill"),
        final=f.boolean("final"),
    )


def _level(item: object) -> BookLevel:
    f = Fields(item, "BookLevel")
    return BookLevel(price=f.decimal("price"), size=f.decimal("size"))


def _depth(f: Fields) -> Depth:
    return Depth(
        symbol=f.text("symbol"),
        levels=f.integer("levels"),
        bids=tuple(_level(item) for item in f.items("bids")),
        asks=tuple(_level(item) for item in f.items("asks")),
        time=f.datetime("time"),
    )


def _greeks(item: object) -> Greeks:
    f = Fields(item, "Greeks")
    return Greeks(
        delta=f.decimal("delta"),
        gamma=f.decimal("gamma"),
        theta=f.decimal("theta"),
        vega=f.decimal("vega"),
        rho=f.decimal("rho"),
        implied_volatility=f.decimal("implied_volatility"),
    )


def _contract(item: object) -> OptionContractQuote:
    f = Fields(item, "OptionContractQuote")
    greeks = f.raw("greeks")
    return OptionContractQuote(
        symbol=f.text("symbol"),
        expiry=f.date("expiry"),
        strike=f.decimal("strike"),
        right=f.enum("right", OptionRight),
        bid=f.decimal("bid"),
        ask=f.decimal("ask"),
        last=f.opt_decimal("last"),
        greeks=None if greeks is None else _greeks(greeks),
    )


def _options_chain(f: Fields) -> OptionsChain:
    return OptionsChain(
        underlying=f.text("underlying"),
        underlying_price=f.decimal("underlying_price"),
        time=f.datetime("time"),
        contracts=tuple(_contract(item) for item in f.items("contracts")),
    )


def _historical_bar(item: object) -> HistoricalBar:
    f = Fields(item, "SnapshotBar")
    return HistoricalBar(
        start=f.datetime("start"),
        open=f.decimal("open"),
        high=f.decimal("high"),
        low=f.decimal("low"),
        close=f.decimal("close"),
        volume=f.decimal("volume"),
    )


def _snapshot(f: Fields) -> BarSnapshot:
    return BarSnapshot(
        request_id=f.text("request_id"),
        symbol=f.text("symbol"),
        interval=f.text("interval"),
        bars=tuple(_historical_bar(item) for item in f.items("bars")),
    )


def _subscription(item: object) -> MarketDataSubscription:
    f = Fields(item, "Subscription")
    return MarketDataSubscription(
        channel=f.text("channel"),
        symbol=f.text("symbol"),
        session=f.opt_text("session"),
        interval=f.opt_text("interval"),
        levels=f.integer("levels") if f.has("levels") else None,
        greeks=f.boolean("greeks") if f.has("greeks") else None,
        expiry=f.opt_text("expiry"),
        strikes=f.integer("strikes") if f.has("strikes") else None,
    )


def _md_error(f: Fields) -> ErrorNotice | SubscribeRefusal:
    if not f.has("symbols"):
        return _error(f)
    refused = SubscriptionRefused(
        channel=f.text("channel"),
        symbols=f.texts("symbols"),
        code=f.text("code"),
        message=f.text("message"),
    )
    return SubscribeRefusal(f.opt_text("request_id"), refused)


def _md_subscribed(f: Fields) -> SubscribeAnswer:
    subscribed = ChannelSubscribed(f.text("channel"), f.texts("symbols"))
    return SubscribeAnswer(f.opt_text("request_id"), subscribed)


def _md_authenticated(f: Fields) -> Authenticated:
    return Authenticated(expires_at=f.datetime("expires_at"))


_MARKET_DATA: dict[str, Callable[[Fields], MarketDataFrame]] = {
    "welcome": _welcome,
    "authenticated": _md_authenticated,
    "heartbeat": _heartbeat,
    "quote": _quote,
    "trade": _trade,
    "bar": _bar,
    "depth": _depth,
    "options_chain": _options_chain,
    "snapshot": _snapshot,
    "subscribed": _md_subscribed,
    "unsubscribed": lambda f: ChannelUnsubscribed(f.text("channel"), f.texts("symbols")),
    "subscriptions": lambda f: SubscriptionList(
        tuple(_subscription(item) for item in f.items("subscriptions"))
    ),
    "error": _md_error,
}


def parse_brokerage(text: str | bytes) -> BrokerageFrame:
    """One brokerage server frame as a typed value."""
    kind, fields = _decode(text)
    reader = _BROKERAGE.get(kind)
    if reader is None:
        return UnknownFrame(kind)
    try:
        return reader(fields)
    except UnexpectedResponseError as exc:
        raise StreamProtocolError(f"brokerage frame {exc.message}") from None


def parse_market_data(text: str | bytes) -> MarketDataFrame:
    """One market-data server frame as a typed value."""
    kind, fields = _decode(text)
    reader = _MARKET_DATA.get(kind)
    if reader is None:
        return UnknownFrame(kind)
    try:
        return reader(fields)
    except UnexpectedResponseError as exc:
        raise StreamProtocolError(f"market-data frame {exc.message}") from None
