"""Tests of the pure stream policies: backoff, sequence gaps, close codes, subscriptions,
token renewal timing."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

import connecttrade
from connecttrade.streams._protocol.close_codes import CloseAction, action_for
from connecttrade.streams._protocol.frames import Heartbeat, parse_brokerage
from connecttrade.streams._protocol.sequence import SeqCheck, SequenceTracker
from connecttrade.streams._protocol.subscriptions import MarketDataRegistry, TopicRegistry
from connecttrade.streams._protocol.token_clock import TokenClock

from .stream_samples import TIME, order_update


class _MaxRandom(random.Random):
    """Always draws the top of the range, so ceilings are observable."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    """Consecutive failures double the ceiling until the cap."""
    backoff = connecttrade.Backoff(base=0.5, cap=4.0, rng=_MaxRandom())
    assert [backoff.next_delay() for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_backoff_full_jitter_stays_within_the_ceiling() -> None:
    """Each delay is drawn from [0, ceiling): spread, never above the schedule."""
    backoff = connecttrade.Backoff(base=1.0, cap=8.0, rng=random.Random(7))
    for attempt in range(10):
        delay = backoff.next_delay()
        assert 0 <= delay <= backoff.ceiling(attempt)


def test_backoff_resets_after_a_stable_connection() -> None:
    """A connection that lasted stable_after seconds starts the schedule over."""
    backoff = connecttrade.Backoff(base=1.0, cap=30.0, stable_after=10.0, rng=_MaxRandom())
    for _ in range(4):
        backoff.next_delay()
    assert backoff.next_delay(connected_for=2.0) == 16.0
    assert backoff.next_delay(connected_for=12.0) == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [{"base": 0}, {"base": 2, "cap": 1}, {"stable_after": -1}],
    ids=["zero-base", "cap-below-base", "negative-stable"],
)
def test_backoff_rejects_bad_settings(kwargs: dict[str, float]) -> None:
    """A schedule that cannot work is refused when built."""
    settings = {"base": 0.25, "cap": 30.0, "stable_after": 10.0} | kwargs
    with pytest.raises(ValueError, match="must be"):
        connecttrade.Backoff(settings["base"], settings["cap"], settings["stable_after"])


def test_sequence_tracker_sees_next_gap_and_repeat() -> None:
    """In-order numbers pass, skipped numbers are a gap, old numbers a repeat."""
    seq = SequenceTracker()
    assert [seq.update(n) for n in (1, 2, 4, 3, 4, 5)] == [
        SeqCheck.NEXT,
        SeqCheck.NEXT,
        SeqCheck.GAP,
        SeqCheck.REPEAT,
        SeqCheck.REPEAT,
        SeqCheck.NEXT,
    ]


def test_heartbeat_announcing_unseen_updates_is_a_gap() -> None:
    """A heartbeat whose last_seq is above the last update seen reveals lost updates."""
    seq = SequenceTracker()
    seq.update(1)
    assert seq.heartbeat(1) is SeqCheck.NEXT
    assert seq.heartbeat(3) is SeqCheck.GAP
    assert seq.last == 3
    seq.reset()
    assert seq.update(1) is SeqCheck.NEXT


@pytest.mark.parametrize(
    ("code", "market_data", "action"),
    [
        (None, False, CloseAction.RECONNECT),
        (1000, False, CloseAction.RECONNECT),
        (1011, False, CloseAction.RECONNECT),
        (1012, True, CloseAction.RECONNECT),
        (4009, False, CloseAction.RECONNECT),
        (4003, False, CloseAction.STOP_AUTH),
        (4003, True, CloseAction.STOP_AUTH),
        (4008, True, CloseAction.STOP_REPLACED),
        (4010, True, CloseAction.REAUTHORIZE),
        (4010, False, CloseAction.RECONNECT),
        (4999, False, CloseAction.RECONNECT),
    ],
    ids=[
        "abrupt",
        "1000",
        "1011",
        "1012",
        "4009",
        "4003",
        "4003-md",
        "4008",
        "4010-md",
        "4010-brokerage",
        "unknown",
    ],
)
def test_close_codes_decide_the_next_step(
    code: int | None, market_data: bool, action: CloseAction
) -> None:
    """Only bad credentials and a replaced session stop; 4010 on market data re-authorises."""
    assert action_for(code, market_data=market_data) is action


def test_topic_registry_resubscribes_everything_in_protocol_order() -> None:
    """Topics added over time come back as one subscribe frame after a reconnect."""
    topics = TopicRegistry(["balances"])
    topics.add(["orders"])
    assert topics.frames() == [{"action": "subscribe", "topics": ["orders", "balances"]}]
    topics.remove(["orders", "balances"])
    assert topics.frames() == []
    with pytest.raises(ValueError, match="trades"):
        topics.add(["trades"])


def test_market_data_registry_groups_frames_by_channel_and_options() -> None:
    """Resubscribe frames restore every symbol with the options it was subscribed with."""
    registry = MarketDataRegistry()
    registry.subscribe_frames("quotes", ["AAPL", "MSFT"], {})
    registry.subscribe_frames("bars", "AAPL", {"interval": "1m"})
    registry.subscribe_frames("bars", "MSFT", {"interval": "5m"})
    registry.subscribe_frames("depth", "AAPL", {"levels": 3})
    registry.unsubscribe_frame("quotes", "MSFT")
    assert registry.frames() == [
        {"action": "subscribe", "channel": "quotes", "symbols": ["AAPL"]},
        {"action": "subscribe", "channel": "bars", "symbols": ["AAPL"], "interval": "1m"},
        {"action": "subscribe", "channel": "bars", "symbols": ["MSFT"], "interval": "5m"},
        {"action": "subscribe", "channel": "depth", "symbols": ["AAPL"], "levels": 3},
    ]


@pytest.mark.parametrize(
    ("channel", "symbols", "options", "message"),
    [
        ("news", ["AAPL"], {}, "channel"),
        ("quotes", [], {}, "at least one"),
        ("quotes", [""], {}, "not a symbol"),
        ("bars", ["AAPL"], {"interval": "2m"}, "interval"),
        ("depth", ["AAPL"], {}, "levels"),
        ("depth", ["AAPL"], {"levels": 0}, "levels"),
        ("trades", ["AAPL"], {"session": "night"}, "session"),
        ("quotes", ["AAPL"], {"levels": 3}, "unknown option"),
    ],
    ids=[
        "channel",
        "no-symbols",
        "empty-symbol",
        "interval",
        "no-levels",
        "zero-levels",
        "session",
        "foreign-option",
    ],
)
def test_market_data_registry_rejects_bad_requests(
    channel: str, symbols: list[str], options: dict[str, object], message: str
) -> None:
    """A subscription the protocol would refuse fails before anything is sent."""
    registry = MarketDataRegistry()
    with pytest.raises(ValueError, match=message):
        registry.subscribe_frames(channel, symbols, options)
    assert len(registry) == 0


def test_token_renewal_is_due_in_the_last_tenth_of_its_life_by_server_time() -> None:
    """Renewal follows the server's clock: due once 90% of the token's life has passed."""
    start = dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
    clock = TokenClock(renew_fraction=0.1)
    clock.token_accepted(start, start + dt.timedelta(hours=24))
    clock.observe(start + dt.timedelta(hours=21))
    assert not clock.due()
    clock.observe(start + dt.timedelta(hours=21, minutes=36))
    assert clock.due()
    clock.observe(start)  # an older stamp does not turn the clock back
    assert clock.due()


def test_brokerage_stream_reports_gaps_and_drops_repeats() -> None:
    """A skipped seq yields a SequenceGap before the update, a repeat yields nothing, and a
    heartbeat announcing unseen updates yields a gap (so the view resyncs)."""
    stream = connecttrade.BrokerageStream("ws://127.0.0.1:1/x", client_id="c", client_secret="s")
    frames = [parse_brokerage(order_update(seq=n, version=n)) for n in (1, 3, 3)]
    events = [stream._events(frame) for frame in frames]
    assert [type(e).__name__ for e in events[0]] == ["OrderUpdate"]
    assert events[1][0] == connecttrade.SequenceGap(expected=2, received=3)
    assert events[2] == []
    beat = parse_brokerage(
        json.dumps({"type": "heartbeat", "time": TIME, "last_seq": 5, "interval_seconds": 1})
    )
    assert isinstance(beat, Heartbeat)
    assert stream._heartbeat(beat) == [connecttrade.SequenceGap(expected=4, received=6)]
