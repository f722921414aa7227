"""The socket-free parts of the streams: the outbound queue policy, the writer's decisions
(stall, delay, heartbeat, auth timeout) and the protocol state machine, without sleeping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from connecttrade_mock.broker.state import Client
from connecttrade_mock.clock import ClockMode
from connecttrade_mock.simulator import Settings, Simulator
from connecttrade_mock.streams.brokerage import BrokerageProtocol
from connecttrade_mock.streams.contract import CloseCode, StreamContract, StreamKind
from connecttrade_mock.streams.market_data import MarketDataProtocol, PushMemo
from connecttrade_mock.streams.session import Close, Send, StreamSession, StreamSettings, Wait

CONTRACT = StreamContract.load()
NOW = datetime(2026, 11, 18, 15, tzinfo=UTC)


def _protocol() -> BrokerageProtocol:
    def check(client_id: str, secret: str) -> Client | None:
        return Client(client_id, secret) if secret == "right" else None

    return BrokerageProtocol("bs_1", CONTRACT, lambda: NOW, check)


def _session(**settings: int | float) -> StreamSession:
    return StreamSession(_protocol(), StreamSettings(**settings), now=100.0)  # type: ignore[arg-type]


def _authenticate(session: StreamSession) -> None:
    reply = session.protocol.receive(
        json.dumps({"action": "authenticate", "client_id": "c", "client_secret": "right"})
    )
    assert reply.authenticated


def test_overflow_ends_the_session_with_4009_and_releases_the_queue() -> None:
    """The frame beyond queue_limit ends the session with 4009 and empties the queue."""
    session = _session(queue_limit=3)
    assert all(session.offer({"type": "x"}, 100.0) for _ in range(3))
    assert not session.offer({"type": "x"}, 100.0)
    assert len(session.outbox) == 0
    assert session.next_action(100.0) == Close(
        CloseCode.SLOW_CONSUMER, "slow consumer: more than 3 frames queued"
    )
    assert not session.offer({"type": "x"}, 100.0)


def test_a_stall_holds_frames_back_until_it_ends() -> None:
    """While stalled the writer waits out the stall; frames queue and go afterwards."""
    session = _session()
    session.stall(2.0, 100.0)
    session.offer({"type": "a"}, 100.5)
    assert session.next_action(100.5) == Wait(1.5)
    assert session.describe(100.5)["stalled"] is True
    assert session.describe(100.5)["queued"] == 1
    assert session.next_action(102.0) == Send('{"type":"a"}')


def test_a_delay_holds_each_frame_from_when_it_was_made() -> None:
    """With a delay, a frame goes no sooner than that long after it was queued."""
    session = _session()
    session.settings.delay_ms[StreamKind.BROKERAGE] = 250
    session.offer({"type": "a"}, 100.0)
    assert session.next_action(100.1) == Wait(pytest.approx(0.15))  # type: ignore[arg-type]
    assert session.next_action(100.25) == Send('{"type":"a"}')


def test_an_unauthenticated_session_times_out_with_4001() -> None:
    """Without authentication the writer waits until the auth timeout, then closes 4001."""
    session = _session(auth_timeout_seconds=30)
    assert session.next_action(110.0) == Wait(20.0)
    action = session.next_action(130.0)
    assert isinstance(action, Close)
    assert action.code == CloseCode.AUTH_TIMEOUT


def test_heartbeats_follow_idleness_and_carry_the_last_seq() -> None:
    """An authenticated idle session sends a heartbeat every heartbeat_seconds of silence,
    with the seq of the last update written."""
    session = _session(heartbeat_seconds=5)
    _authenticate(session)
    session.offer({"type": "u"}, 100.0, seq=7)
    sent = session.next_action(100.0)
    assert sent == Send('{"type":"u"}', 7)
    assert isinstance(sent, Send)
    session.sent(sent, 101.0)
    assert session.next_action(103.0) == Wait(3.0)
    beat = session.next_action(106.0)
    assert isinstance(beat, Send)
    assert json.loads(beat.text) == {
        "type": "heartbeat",
        "time": NOW.isoformat(),
        "interval_seconds": "5",
        "last_seq": "7",
    }


def test_an_error_that_closes_is_sent_before_the_close() -> None:
    """Bad credentials: the error frame is written first, then the session closes 4003."""
    session = _session()
    reply = session.protocol.receive(
        json.dumps({"action": "authenticate", "client_id": "c", "client_secret": "wrong"})
    )
    for frame in reply.frames:
        session.offer(frame, 100.0)
    assert reply.close is CloseCode.BAD_CREDENTIALS
    session.close_after_queue(reply.close, reply.reason, 100.0)
    first = session.next_action(100.0)
    assert isinstance(first, Send)
    assert json.loads(first.text)["code"] == "invalid_credentials"
    assert session.next_action(100.0) == Close(CloseCode.BAD_CREDENTIALS, reply.reason)


def test_updates_go_to_their_platform_and_topics_only() -> None:
    """A session wants a change only for its own platform and a topic it subscribed to."""
    protocol = _protocol()
    protocol.receive(
        json.dumps({"action": "authenticate", "client_id": "c", "client_secret": "right"})
    )
    protocol.receive(json.dumps({"action": "subscribe", "topics": ["orders"]}))
    assert protocol.wants("c", "orders")
    assert not protocol.wants("c", "balances")
    assert not protocol.wants("other", "orders")


def test_sessions_wanting_the_same_data_share_one_frame_per_push() -> None:
    """In one push, every session subscribed to the same quotes or depth gets the same frame
    object (built, validated and encoded once), and each still gets it only on change."""
    sim = Simulator(Settings(seed=3, clock_mode=ClockMode.MANUAL))
    connection = sim.store.connections["conn_demo_alpaca"]
    connection.md_token = "mdt_shared_push_test"
    connection.md_token_expires_at = sim.clock.now() + timedelta(hours=1)
    protocols = [MarketDataProtocol(f"ms_{n}", CONTRACT, sim) for n in range(3)]
    for protocol in protocols:
        protocol.receive(json.dumps({"action": "authenticate", "token": connection.md_token}))
        protocol.receive(
            json.dumps({"action": "subscribe", "channel": "quotes", "symbols": ["AAPL"]})
        )
        protocol.receive(
            json.dumps(
                {"action": "subscribe", "channel": "depth", "symbols": ["AAPL"], "levels": 3}
            )
        )
    sim.advance(5)
    memo: PushMemo = {}
    pushed = [protocol.poll(memo) for protocol in protocols]
    assert [frame["type"] for frame in pushed[0]] == ["quote", "depth"]
    for frames in pushed[1:]:
        assert all(a is b for a, b in zip(frames, pushed[0], strict=True))
    assert all(protocol.poll({}) == [] for protocol in protocols)  # nothing moved since
