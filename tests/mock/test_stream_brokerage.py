"""The brokerage stream over a real socket: authentication, one session per credential
pair, topics, and updates that carry exactly what REST shows, in order."""

from __future__ import annotations

from typing import Any

import pytest
from stream_client import (
    Rest,
    authenticated_brokerage,
    brokerage_client,
)

from connecttrade_mock.broker.state import Client
from connecttrade_mock.testing import MockServer


@pytest.fixture
def server(shared_server: MockServer) -> MockServer:
    """The module's mock, reset (which also restores the stream settings)."""
    assert shared_server.control is not None
    shared_server.control.reset()
    shared_server.control.stream_settings(heartbeat_seconds=1)
    return shared_server


def _updates_until_heartbeat(client: Any) -> list[dict[str, Any]]:
    """Every update up to the next heartbeat: sent when nothing is queued, it marks the end
    of what was produced before it."""
    updates: list[dict[str, Any]] = []
    while True:
        frame = client.recv()
        if frame["type"] == "heartbeat":
            return updates
        updates.append(frame)


def test_welcome_then_authenticate(server: MockServer) -> None:
    """A new socket is welcomed with its session id and auth timeout; the platform's
    credentials authenticate it."""
    with brokerage_client(server) as client:
        welcome = client.recv()
        assert welcome["type"] == "welcome"
        assert welcome["auth_timeout_seconds"] == "30"
        client.send(
            {"action": "authenticate", "client_id": "demo-client", "client_secret": "demo-secret"}
        )
        answer = client.recv()
        assert answer == {
            "type": "authenticated",
            "session_id": welcome["session_id"],
            "client_id": "demo-client",
        }


def test_silence_is_closed_after_the_auth_timeout(server: MockServer) -> None:
    """A socket that does not authenticate in time is closed with 4001."""
    assert server.control is not None
    server.control.stream_settings(auth_timeout_seconds=0.3)
    with brokerage_client(server) as client:
        assert client.recv()["auth_timeout_seconds"] == "0.3"
        assert client.until_closed().code == 4001


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [("demo-client", "wrong-secret"), ("nobody", "demo-secret")],
    ids=["wrong-secret", "unknown-client"],
)
def test_bad_credentials_are_an_error_then_4003(
    server: MockServer, client_id: str, secret: str
) -> None:
    """Wrong platform credentials get an invalid_credentials error, then close 4003."""
    with brokerage_client(server) as client:
        client.recv()
        client.send({"action": "authenticate", "client_id": client_id, "client_secret": secret})
        error = client.recv()
        assert error["code"] == "invalid_credentials"
        assert secret not in error["message"]
        assert client.until_closed().code == 4003


def test_requests_before_authentication_are_refused(server: MockServer) -> None:
    """Subscribing before authenticating is a not_authenticated error; the session stays
    open and can still authenticate."""
    with brokerage_client(server) as client:
        client.recv()
        error = client.request({"action": "subscribe", "topics": ["orders"]})
        assert error["code"] == "not_authenticated"
        client.send(
            {"action": "authenticate", "client_id": "demo-client", "client_secret": "demo-secret"}
        )
        assert client.next_of("authenticated", "error")["type"] == "authenticated"
        again = client.request(
            {"action": "authenticate", "client_id": "demo-client", "client_secret": "demo-secret"}
        )
        assert again["code"] == "already_authenticated"


def test_a_second_session_replaces_the_first(server: MockServer, rest: Rest) -> None:
    """Authenticating again with the same credentials closes the older session with 4008;
    the newer one gets the updates."""
    with (
        authenticated_brokerage(server, ("orders",)) as first,
        authenticated_brokerage(server, ("orders",)) as second,
    ):
        assert first.until_closed().code == 4008
        order = rest.place()
        update = second.next_of("order_update")
        assert update["order"]["order_id"] == order["order_id"]
        assert update["seq"] == "1"


def test_a_session_opened_after_the_last_one_closed_gets_the_new_updates(
    server: MockServer, rest: Rest
) -> None:
    """With every session gone the hub stops listening to the engine; a session opened
    afterwards gets the updates of orders placed from then on, and none from before."""
    with authenticated_brokerage(server, ("orders",)) as first:
        placed = rest.place()
        assert first.next_of("order_update")["order"]["order_id"] == placed["order_id"]
    rest.place()  # placed while no session is (or soon no session will be) open
    with authenticated_brokerage(server, ("orders",)) as second:
        order = rest.place()
        update = second.next_of("order_update")
        assert update["order"]["order_id"] == order["order_id"]
        assert update["seq"] == "1"


def test_an_order_streams_every_change_with_seq_and_version(server: MockServer, rest: Rest) -> None:
    """A filled market order streams its order, position and balance changes with seq
    1, 2, 3...; the last order update is exactly the order REST shows."""
    with authenticated_brokerage(server, ("orders", "positions", "balances")) as client:
        order = rest.place(order_qty="5")
        updates = _updates_until_heartbeat(client)
        assert [u["seq"] for u in updates] == [str(n) for n in range(1, len(updates) + 1)]
        kinds = [u["type"] for u in updates]
        assert kinds.count("order_update") == 3  # pending, working, filled
        assert "position_update" in kinds
        assert "balance_update" in kinds
        orders = [u for u in updates if u["type"] == "order_update"]
        assert [u["version"] for u in orders] == ["1", "2", "3"]
        assert [u["order"]["status"] for u in orders] == ["pending", "working", "filled"]
        assert orders[-1]["order"] == rest.order(order["order_id"])
        assert all(u["order"]["version"] == u["version"] for u in orders)
        position = next(u for u in updates if u["type"] == "position_update")
        assert position["position"]["symbol"] == "ZVZZT"
        assert position["position"]["quantity"] == "5"
        assert {u["user_id"] for u in updates} == {"demo-user"}


def test_place_modify_cancel_end_in_the_rest_state(server: MockServer, rest: Rest) -> None:
    """After placing, replacing and cancelling a resting order, the last update of each
    order equals REST, and each order's versions only grow."""
    with authenticated_brokerage(server, ("orders",)) as client:
        resting = rest.place(symbol="ZAZZT", order_type="LMT", order_limit_price="9.00")
        replacement = rest.modify(resting, order_limit_price="9.50")
        rest.cancel(replacement)
        assert server.control is not None
        server.control.advance(1)
        updates = _updates_until_heartbeat(client)
        last: dict[str, dict[str, Any]] = {}
        for update in updates:
            order_id = update["order"]["order_id"]
            previous = last.get(order_id)
            assert previous is None or int(update["version"]) > int(previous["version"])
            last[order_id] = update
        assert set(last) == {resting["order_id"], replacement["order_id"]}
        for order_id, update in last.items():
            assert update["order"] == rest.order(order_id)
        assert last[resting["order_id"]]["order"]["status"] == "replaced"
        assert (
            last[resting["order_id"]]["order"]["replaced_by_order_id"] == (replacement["order_id"])
        )
        assert last[replacement["order_id"]]["order"]["status"] == "cancelled"


def test_topics_filter_the_updates(server: MockServer, rest: Rest) -> None:
    """Only subscribed topics are sent: after unsubscribing positions and balances, an
    order brings order updates alone; unsubscribing a topic not held names it in a
    not_subscribed error, then answers with the topics still held."""
    with authenticated_brokerage(server, ("orders", "positions", "balances")) as client:
        answer = client.request(
            {"action": "unsubscribe", "topics": ["positions", "balances"]}, "subscribed"
        )
        assert answer["topics"] == ["orders"]
        error = client.request({"action": "unsubscribe", "topics": ["balances"]})
        assert (error["code"], error["topics"]) == ("not_subscribed", ["balances"])
        assert client.next_of("subscribed")["topics"] == ["orders"]
        rest.place()
        updates = _updates_until_heartbeat(client)
        assert updates
        assert {u["type"] for u in updates} == {"order_update"}


def test_nothing_flows_before_subscribing(server: MockServer, rest: Rest) -> None:
    """An authenticated session without topics gets heartbeats only, with last_seq 0."""
    with authenticated_brokerage(server) as client:
        rest.place()
        beat = client.recv()
        assert beat["type"] == "heartbeat"
        assert beat["last_seq"] == "0"
        assert beat["interval_seconds"] == "1"


def test_updates_go_only_to_the_users_platform(server: MockServer, rest: Rest) -> None:
    """Another platform's session sees none of the demo platform's changes."""
    server.broker.sim.store.add(Client("other-platform", "other-secret"))
    with (
        authenticated_brokerage(server, ("orders", "positions", "balances")) as demo,
        brokerage_client(server) as other,
    ):
        other.recv()
        credentials = {"client_id": "other-platform", "client_secret": "other-secret"}
        other.send({"action": "authenticate", **credentials})
        assert other.next_of("authenticated")["client_id"] == "other-platform"
        other.request(
            {"action": "subscribe", "topics": ["orders", "positions", "balances"]}, "subscribed"
        )
        rest.place()
        assert _updates_until_heartbeat(demo)
        assert _updates_until_heartbeat(other) == []


def test_heartbeats_carry_the_last_seq(server: MockServer, rest: Rest) -> None:
    """A heartbeat after updates carries the seq of the last update sent."""
    with authenticated_brokerage(server, ("orders", "balances")) as client:
        rest.place()
        updates = _updates_until_heartbeat(client)
        beat = client.received[-1]
        assert beat["type"] == "heartbeat"
        assert beat["last_seq"] == updates[-1]["seq"] == str(len(updates))


def test_streams_lists_the_session(server: MockServer) -> None:
    """GET /_mock/streams shows an authenticated session with its platform as principal."""
    with authenticated_brokerage(server, ("orders",)) as client:
        assert server.control is not None
        session_id = client.received[0]["session_id"]
        listed = server.control.streams()["sessions"]
        (session,) = [s for s in listed if s["session_id"] == session_id]
        assert session["stream"] == "brokerage"
        assert session["principal"] == "demo-client"
        assert session["authenticated"] is True
        assert session["stalled"] is False
        assert session["sent"] >= 3
        assert session["queued"] == 0
