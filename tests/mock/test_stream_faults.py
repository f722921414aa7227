"""Streams under failure: hostile frames never kill the server, and the control API's
drops, stalls, delays and slow consumers behave as documented."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
from stream_client import (
    WAIT,
    Rest,
    authenticated_brokerage,
    authenticated_market_data,
    brokerage_client,
    market_data_client,
    stream_server,
)
from websockets.exceptions import ConnectionClosed

from connecttrade_mock.clock import ClockMode
from connecttrade_mock.market.instrument import AssetClass
from connecttrade_mock.testing import MockControl, MockServer


@pytest.fixture
def server(shared_server: MockServer) -> MockServer:
    assert shared_server.control is not None
    shared_server.control.reset()
    shared_server.control.stream_settings(heartbeat_seconds=1)
    return shared_server


def _session(control: MockControl, session_id: str) -> dict[str, Any] | None:
    listed = control.streams()["sessions"]
    return next((s for s in listed if s["session_id"] == session_id), None)


def _still_serving(server: MockServer) -> None:
    with brokerage_client(server) as fresh:
        assert fresh.recv()["type"] == "welcome"


# -- hostile input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [b'{"action": "list_subscriptions"}', "[1, 2]", "42", '"text"', "null", "{not json", ""],
    ids=["binary", "array", "number", "string", "null", "broken-json", "empty"],
)
def test_a_frame_that_is_not_a_json_object_closes_with_4000(
    server: MockServer, data: str | bytes
) -> None:
    """Anything but a JSON object text frame is a protocol error (4000); the server lives."""
    with market_data_client(server) as client:
        client.recv()
        client.send_raw(data)
        assert client.until_closed().code == 4000
    _still_serving(server)


@pytest.mark.parametrize(
    ("frame", "code", "field"),
    [
        ({"action": "dance"}, "unknown_action", "action"),
        ({"token": "x"}, "invalid_message", "action"),
        ({"action": 7}, "invalid_message", "action"),
        ({"action": "authenticate", "token": 12}, "invalid_message", "token"),
        ({"action": "authenticate", "token": "x", "extra": 1}, "invalid_message", "extra"),
        ({"action": "authenticate", "token": "x" * 300}, "invalid_message", "token"),
    ],
    ids=["unknown-action", "no-action", "action-type", "token-type", "extra-field", "long"],
)
def test_invalid_requests_get_an_error_naming_the_field(
    server: MockServer, frame: dict[str, Any], code: str, field: str
) -> None:
    """A JSON object that is not a valid request is answered with an error frame naming
    the field, and the session stays open."""
    with market_data_client(server) as client:
        client.recv()
        client.send_raw(json.dumps(frame))
        error = client.next_of("error")
        assert error["code"] == code
        assert field in error["message"]
        again = client.request({"action": "list_subscriptions"})
        assert again["code"] == "not_authenticated"


def test_a_huge_frame_is_refused_unread(server: MockServer) -> None:
    """A 200 KB frame gets an invalid_message error without being parsed; the session
    stays open. Over the 1 MiB transport limit the socket is closed with 1009."""
    with brokerage_client(server) as client:
        client.recv()
        client.send_raw(json.dumps({"action": "authenticate", "client_id": "x" * 200_000}))
        error = client.next_of("error")
        assert error["code"] == "invalid_message"
        assert "limit" in error["message"]
        client.send_raw("x" * (2 * 1024 * 1024))
        assert client.until_closed().code == 1009
    _still_serving(server)


# -- control API -----------------------------------------------------------------------------
@pytest.mark.parametrize("code", [1011, 4321])
def test_drop_closes_with_the_chosen_code(
    server: MockServer, control: MockControl, rest: Rest, code: int
) -> None:
    """POST /_mock/streams/drop closes every session of the stream with that code."""
    with (
        authenticated_brokerage(server) as brokerage,
        authenticated_market_data(server, rest.token()) as market_data,
    ):
        assert control.drop_streams("brokerage", code=code) == 1
        assert brokerage.until_closed().code == code
        assert control.drop_streams("all") == 1
        assert market_data.until_closed().code == 1011


def test_an_abrupt_drop_sends_no_close_frame(server: MockServer, control: MockControl) -> None:
    """An abrupt drop cuts the connection without a close frame."""
    with authenticated_brokerage(server) as client:
        assert control.drop_streams("all", abrupt=True) == 1
        assert client.until_closed().code is None


def test_a_stall_silences_then_resumes(
    server: MockServer, control: MockControl, rest: Rest
) -> None:
    """While stalled a session sends nothing (what is produced queues); afterwards the
    queued updates arrive in order."""
    with authenticated_brokerage(server, ("orders",)) as client:
        session_id = client.received[0]["session_id"]
        before = _session(control, session_id)
        assert before is not None
        assert control.stall_streams("brokerage", 3) == 1
        rest.place()
        during = _session(control, session_id)
        assert during is not None
        assert during["stalled"] is True
        assert during["queued"] == 3
        assert during["sent"] == before["sent"]
        updates = [client.next_of("order_update") for _ in range(3)]
        assert [u["seq"] for u in updates] == ["1", "2", "3"]
        after = _session(control, session_id)
        assert after is not None
        assert after["stalled"] is False


def test_a_delay_holds_every_frame_back(
    server: MockServer, control: MockControl, rest: Rest
) -> None:
    """With a 300 ms delay, an update arrives no sooner than 300 ms after it happened."""
    settings = control.delay_streams("brokerage", 300)
    assert settings["brokerage_delay_ms"] == 300
    assert settings["market_data_delay_ms"] == 0
    with authenticated_brokerage(server, ("orders",)) as client:
        placed_at = time.monotonic()
        rest.place()
        client.next_of("order_update")
        assert time.monotonic() - placed_at >= 0.3
    assert control.delay_streams("all", 0)["brokerage_delay_ms"] == 0


def test_reset_ends_every_session_with_1012(server: MockServer, control: MockControl) -> None:
    """POST /_mock/reset ends live sessions with 1012 (reconnect and resync)."""
    with authenticated_brokerage(server) as client:
        control.reset()
        assert client.until_closed().code == 1012


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/streams/drop", {"stream": "all", "code": 999}),
        ("/streams/drop", {"stream": "everything"}),
        ("/streams/stall", {"stream": "all", "seconds": 0}),
        ("/streams/delay", {"stream": "all", "milliseconds": -1}),
        ("/streams/settings", {"queue_limit": 0}),
        ("/streams/settings", {"heartbeat": 3}),
    ],
    ids=["code", "stream", "seconds", "milliseconds", "queue-limit", "unknown-setting"],
)
def test_bad_control_bodies_are_400(rest: Rest, path: str, body: dict[str, Any]) -> None:
    """Stream controls refuse bad bodies with a 400 that says what was wrong."""
    method = "POST" if path in ("/streams/drop", "/streams/stall") else "PUT"
    response = rest.http.request(method, f"/_mock{path}", json=body)
    assert response.status_code == 400
    assert response.json()["message"]


def test_settings_change_and_reset(control: MockControl) -> None:
    """PUT /_mock/streams/settings changes what it names; reset restores the defaults."""
    changed = control.stream_settings(queue_limit=7, auth_timeout_seconds=2.5)
    assert (changed["queue_limit"], changed["auth_timeout_seconds"]) == (7, 2.5)
    assert changed["heartbeat_seconds"] == 1
    control.reset()
    assert control.streams()["settings"] == {
        "heartbeat_seconds": 5,
        "queue_limit": 10000,
        "market_data_interval_ms": 250,
        "auth_timeout_seconds": 30,
        "brokerage_delay_ms": 0,
        "market_data_delay_ms": 0,
    }


# -- slow consumers --------------------------------------------------------------------------
def test_a_client_that_never_reads_is_cut_off_with_4009() -> None:
    """A market-data client that stops reading is disconnected with 4009 once its queue
    is full, and the server never queues more than queue_limit frames for it."""
    with stream_server(clock_mode=ClockMode.FAST) as server:
        control = server.control
        assert control is not None
        control.stream_settings(queue_limit=100, market_data_interval_ms=5)
        rest = Rest(server)
        token = rest.token()
        rest.close()
        # A small receive buffer (set before connecting) and a tiny client-side queue make
        # the server's writes block soon after the client stops reading.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect((server.host, server.port))
        options: dict[str, Any] = {"sock": sock, "max_queue": 4, "compression": None}
        with market_data_client(server, **options) as client:
            session_id = client.recv()["session_id"]
            client.request({"action": "authenticate", "token": token}, "authenticated")
            market = server.broker.sim.market
            instruments = [market.instrument_of(s) for s in market.symbols()]
            symbols = [
                i.symbol
                for i in instruments
                if i is not None and i.asset_class != AssetClass.FUTURE
            ]
            client.send(
                {"action": "subscribe", "channel": "depth", "symbols": symbols, "levels": 50}
            )
            deadline = time.monotonic() + 60
            while (listed := _session(control, session_id)) is not None:
                assert listed["queued"] <= 100
                assert time.monotonic() < deadline, "the slow consumer was never cut off"
                time.sleep(0.02)
            # Drain what the kernel buffered without checking it (depth frames are checked
            # elsewhere), so the close frame behind it comes within the server's timeout.
            closed = _drain(client)
            assert closed.rcvd is not None
            assert closed.rcvd.code == 4009


def _drain(client: Any) -> ConnectionClosed:
    while True:
        try:
            client.ws.recv(timeout=WAIT)
        except ConnectionClosed as closed:
            return closed
