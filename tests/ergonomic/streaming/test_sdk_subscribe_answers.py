"""The bookkeeping behind market-data refusals, without a socket: which pairs the registry
forgets, which call an answer completes, and when a connecting stream counts as live."""

from __future__ import annotations

import json

import pytest

import connecttrade
from connecttrade.streams._protocol.frames import parse_market_data
from connecttrade.streams._protocol.subscribe_requests import SubscribeRequests
from connecttrade.streams._protocol.subscriptions import MAX_SYMBOLS_PER_FRAME, MarketDataRegistry


def refusal(
    channel: str, symbols: tuple[str, ...], code: str = "unknown_symbol"
) -> connecttrade.SubscriptionRefused:
    return connecttrade.SubscriptionRefused(channel, symbols, code, f"{code}: {symbols}")


def test_a_refusal_forgets_only_pairs_not_registered_again_since() -> None:
    """A refused pair leaves the registry, unless a newer subscribe registered it again
    before the refusal arrived (that newer request is answered on its own)."""
    registry = MarketDataRegistry()
    requests = SubscribeRequests(registry)
    (first,) = registry.subscribe_frames("quotes", ["AAA", "BBB", "CCC"], {})
    sent = requests.stamp(first)
    registry.subscribe_frames("quotes", "BBB", {})  # registered again while in flight
    requests.refused(sent["request_id"], refusal("quotes", ("AAA", "BBB")))
    requests.answered(sent["request_id"])
    assert registry.symbols("quotes") == ("BBB", "CCC")
    assert registry.frames() == [
        {"action": "subscribe", "channel": "quotes", "symbols": ["BBB", "CCC"]}
    ]


def test_subscribe_frames_are_split_at_the_protocols_limit() -> None:
    """250 symbols go out as frames of at most 100 (the server refuses larger ones whole),
    both when subscribed and when restored after a reconnect."""
    registry = MarketDataRegistry()
    symbols = [f"S{i:03d}" for i in range(250)]
    frames = registry.subscribe_frames("depth", symbols, {"levels": 2})
    assert [len(f["symbols"]) for f in frames] == [100, 100, 50]
    assert all(f["levels"] == 2 for f in frames)
    assert [s for f in registry.frames() for s in f["symbols"]] == symbols
    assert max(len(f["symbols"]) for f in registry.frames()) == MAX_SYMBOLS_PER_FRAME


@pytest.mark.parametrize(
    ("channel", "symbols", "options", "message"),
    [
        ("quotes", ["X" * 33], {}, "longer than 32"),
        ("depth", ["AAPL"], {"levels": 51}, "levels"),
        ("options_chain", ["SPY"], {"strikes": 51}, "strikes"),
        ("bars", ["AAPL"], {"interval": "1m", "backfill": 1001}, "backfill"),
    ],
    ids=["long-symbol", "too-many-levels", "too-many-strikes", "too-much-backfill"],
)
def test_requests_beyond_the_protocols_bounds_fail_before_sending(
    channel: str, symbols: list[str], options: dict[str, object], message: str
) -> None:
    """A symbol or option the server would refuse for the whole frame raises ValueError
    and registers nothing."""
    registry = MarketDataRegistry()
    with pytest.raises(ValueError, match=message):
        registry.subscribe_frames(channel, symbols, options)
    assert len(registry) == 0


def test_a_call_is_answered_by_the_next_connection_when_its_frame_was_lost() -> None:
    """A call whose frame was in flight when the connection dropped is completed by the
    frame restoring subscriptions on the next connection, and its error names only its
    own symbols although that frame also carried other calls' symbols."""
    registry = MarketDataRegistry()
    requests = SubscribeRequests(registry)
    registry.subscribe_frames("quotes", ["OLD1", "OLD2"], {})
    (mine,) = registry.subscribe_frames("quotes", ["ZVZZT", "QQQQX"], {})
    waiter = requests.wait("quotes", mine["symbols"])
    requests.stamp(mine)
    requests.connection_lost()
    (restore,) = [requests.stamp(f) for f in registry.frames()]
    assert restore["symbols"] == ["OLD1", "OLD2", "ZVZZT", "QQQQX"]
    requests.refused(restore["request_id"], refusal("quotes", ("OLD2", "QQQQX")))
    assert requests.answered(restore["request_id"]) == [waiter]
    error = waiter.error()
    assert error is not None
    assert (error.symbols, error.accepted) == (("QQQQX",), ("ZVZZT",))
    assert registry.symbols("quotes") == ("OLD1", "ZVZZT")


def test_a_frame_refused_whole_refuses_every_symbol_it_carried() -> None:
    """An error without ``symbols`` answering a subscribe refuses all of its symbols with
    that code, forgets them and completes the call."""
    registry = MarketDataRegistry()
    requests = SubscribeRequests(registry)
    (frame,) = registry.subscribe_frames("bars", ["AAPL", "MSFT"], {"interval": "1m"})
    waiter = requests.wait("bars", frame["symbols"])
    sent = requests.stamp(frame)
    assert requests.owns(sent["request_id"])
    whole = requests.refused_whole(sent["request_id"], "invalid_message", "interval: bad")
    assert (whole.symbols, whole.code) == (("AAPL", "MSFT"), "invalid_message")
    assert requests.answered(sent["request_id"]) == [waiter]
    assert not requests.owns(sent["request_id"])
    assert len(registry) == 0
    error = waiter.error()
    assert error is not None
    assert error.accepted == ()


def test_unsubscribing_completes_a_call_still_waiting() -> None:
    """A call waiting for symbols that get unsubscribed meanwhile is done, refused nothing."""
    registry = MarketDataRegistry()
    requests = SubscribeRequests(registry)
    (frame,) = registry.subscribe_frames("quotes", ["AAPL"], {})
    waiter = requests.wait("quotes", frame["symbols"])
    assert requests.unsubscribed("quotes", ["AAPL"]) == [waiter]
    assert waiter.error() is None


def _frame(**fields: object) -> str:
    return json.dumps(fields)


def test_the_stream_counts_as_live_once_every_restoring_frame_got_its_last_answer() -> None:
    """While connecting, a refusal of single symbols is not the last answer to its frame
    (the ``subscribed`` after it is); the stream publishes the refusal and forgets the
    symbol, and publishes no empty ``ChannelSubscribed``."""
    md = connecttrade.MarketDataStream("ws://127.0.0.1:1/md", token_source=_no_token)
    md._registry.subscribe_frames("quotes", ["ZVZZT", "QQQQX"], {})
    md._registry.subscribe_frames("trades", ["QQQQY"], {})
    quotes, trades = md._resubscribe_frames()
    answers = [
        _frame(
            type="error",
            code="unknown_symbol",
            message="no",
            channel="quotes",
            symbols=["QQQQX"],
            request_id=quotes["request_id"],
        ),
        _frame(
            type="subscribed", channel="quotes", symbols=["ZVZZT"], request_id=quotes["request_id"]
        ),
        _frame(
            type="error",
            code="unknown_symbol",
            message="no",
            channel="trades",
            symbols=["QQQQY"],
            request_id=trades["request_id"],
        ),
        _frame(type="subscribed", channel="trades", symbols=[], request_id=trades["request_id"]),
    ]
    acks: list[bool] = []
    published: list[object] = []
    for text in answers:
        frame = parse_market_data(text)
        acks.append(md._is_ack(frame))
        published.extend(md._events(frame))
    assert acks == [False, True, False, True]
    assert published == [
        connecttrade.SubscriptionRefused("quotes", ("QQQQX",), "unknown_symbol", "no"),
        connecttrade.ChannelSubscribed("quotes", ("ZVZZT",)),
        connecttrade.SubscriptionRefused("trades", ("QQQQY",), "unknown_symbol", "no"),
    ]
    assert (md.symbols("quotes"), md.symbols("trades")) == (("ZVZZT",), ())


async def _no_token() -> connecttrade.MarketDataToken:
    raise AssertionError("this test never connects")
