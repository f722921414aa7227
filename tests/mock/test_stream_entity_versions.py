"""Positions and balances carry one version over REST and the brokerage stream: through a
burst of fills, part-fills, replaces, cancels, rejections and cash moves, the last update
streamed for each position and balance is, at every step, exactly what REST shows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from mock_api import CASH, MARGIN
from stream_client import Rest, StreamClient, authenticated_brokerage, stream_server

from connecttrade_mock.testing import MockControl, MockServer

T = TypeVar("T")

ROUNDS = 4
LIMIT = {"order_type": "LMT", "order_limit_price": "9.00"}
MARKER_BROKER = "TRADESTATION"
"""The demo user links a third account here; a deposit into it marks how far the stream is."""


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with stream_server() as mock:
        yield mock


def _link_marker_account(rest: Rest) -> str:
    """Link one more account to the demo user through the connect page; return its id."""
    request = rest.call(
        "POST",
        "/connections",
        json={
            "connection_type": "trade",
            "broker": MARKER_BROKER,
            "redirect_url": "https://app.example.com/callback",
        },
    )
    page = urlsplit(request["connection_request_url"]).path
    answer = rest.http.post(page, data={"decision": "approve", "broker": MARKER_BROKER})
    assert answer.status_code == 303, answer.text
    (marker,) = [a for a in rest.call("GET", "/accounts") if a["broker"] == MARKER_BROKER]
    return str(marker["account_id"])


class StreamMirror:
    """The last position and balance streamed for the demo accounts, checked against REST."""

    def __init__(self, client: StreamClient, rest: Rest, control: MockControl) -> None:
        self.client = client
        self.rest = rest
        self.control = control
        self.marker = _link_marker_account(rest)
        self.positions: dict[tuple[str, str], dict[str, Any]] = {}
        self.balances: dict[str, dict[str, Any]] = {}
        self.versions: dict[tuple[str, ...], list[int]] = defaultdict(list)

    def step(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Do ``action``, read what it streamed, compare with REST; return its result."""
        result = action(*args, **kwargs)
        self.control.move_cash(self.marker, "1")
        marker = self._rest_balances(self.marker)[self.marker]["version"]
        while True:
            update = self.client.next_of("position_update", "balance_update")
            if update["account_id"] == self.marker:
                if update["balance"]["version"] == marker:
                    break
                continue
            body = update.get("position") or update["balance"]
            assert body["version"] == update["version"], update
            if update["type"] == "position_update":
                key = (body["account_id"], body["symbol"])
                self.positions[key] = body
                self.versions[("position", *key)].append(int(update["version"]))
            else:
                self.balances[body["account_id"]] = body
                self.versions[("balance", body["account_id"])].append(int(update["version"]))
        rest_positions = {
            (p["account_id"], p["symbol"]): p
            for p in self.rest.call("GET", "/positions")
            if p["account_id"] != self.marker
        }
        streamed_open = {k: p for k, p in self.positions.items() if p["quantity"] != "0"}
        assert streamed_open == rest_positions
        rest_balances = self._rest_balances(MARGIN, CASH)
        for account_id, streamed in self.balances.items():
            assert streamed == rest_balances[account_id]
        return result

    def _rest_balances(self, *account_ids: str) -> dict[str, dict[str, Any]]:
        balances = self.rest.call("GET", "/balances")
        return {b["account_id"]: b for b in balances if b["account_id"] in account_ids}


def _burst(mirror: StreamMirror, rest: Rest, control: MockControl) -> None:
    """Every kind of change the engine makes to positions and balances, on both accounts,
    each followed by a check against REST."""
    step = mirror.step
    step(control.move_cash, MARGIN, "2500")
    step(control.move_cash, CASH, "-100")
    for n in range(ROUNDS):
        for account_id, broker in ((MARGIN, "ALPACA"), (CASH, "TRADIER")):
            route = {"account_id": account_id, "broker": broker}
            step(rest.place, **route, symbol="ZVZZT", order_qty=str(3 + n))  # fills at once
            step(rest.place, **route, symbol="ZWZZT", order_qty="4")  # fills in parts
            step(rest.place, **route, symbol="ZXZZT")  # rejected: nothing moves
            resting = step(rest.place, **route, symbol="ZAZZT", **LIMIT)  # rests
            replacement = step(rest.modify, resting, order_qty="7", order_limit_price="9.50")
            step(control.advance, 1)  # the broker confirms the replace
            step(rest.cancel, replacement)
            if n % 2:  # sell what the last two rounds bought: the position goes to 0
                step(rest.place, **route, symbol="ZVZZT", side="SELL", order_qty=str(5 + 2 * n))
            if n == ROUNDS - 1:
                refused = step(rest.place, **route, symbol="ZBZZT", **LIMIT)
                step(rest.cancel, refused)  # the broker refuses: the order keeps its reserve
        step(control.advance, 1)
    for _ in range(6):
        step(control.advance, 1)  # the part-fills run to their end
    step(rest.place, account_id=MARGIN, symbol="ZVZZT", side="SELL_SHORT", order_qty="2")


def test_streamed_positions_and_balances_equal_rest_at_every_step(server: MockServer) -> None:
    """After every change, the last update streamed for each position and balance equals
    REST's body, version included; each entity's versions run on one by one from the version
    REST showed before, so no change goes unstreamed."""
    control = server.control
    assert control is not None
    control.reset()
    rest = Rest(server)
    try:
        assert rest.call("GET", "/positions") == []
        before = {b["account_id"]: int(b["version"]) for b in rest.call("GET", "/balances")}
        with authenticated_brokerage(server, ("positions", "balances")) as client:
            mirror = StreamMirror(client, rest, control)
            _burst(mirror, rest, control)
        for (kind, *key), versions in mirror.versions.items():
            start = before[key[0]] if kind == "balance" else 0
            assert versions == list(range(start + 1, start + 1 + len(versions))), (kind, key)
        # The burst did what it claims: a position closed, one reopened short, part-fills.
        assert mirror.positions[(CASH, "ZVZZT")]["quantity"] == "0"
        assert mirror.positions[(MARGIN, "ZVZZT")]["quantity"] == "-2"
        assert len(mirror.versions[("position", MARGIN, "ZWZZT")]) > ROUNDS
        assert set(mirror.balances) == {MARGIN, CASH}
    finally:
        rest.close()
