"""The control API under /_mock: every lever works, and bad bodies are 400s with a message."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from mock_api import CASH, MARGIN, START, Api, settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.http.ratelimit import RateLimiter


def test_state_describes_the_mock(api: Api) -> None:
    """GET /_mock/state shows the seed, the simulated time, the session and the versions."""
    state = api.control("GET", "/state")
    assert state["seed"] == 42
    assert state["now"] == START.isoformat()
    assert state["session"] == "regular"
    assert state["forced_session"] is None
    assert state["clock_mode"] == "manual"
    assert len(state["contract_sha256"]) == 64


def test_reset_forgets_everything(api: Api) -> None:
    """POST /_mock/reset brings back the demo tenant alone, at the start time, and can
    change the seed."""
    api.new_user("temporary")
    api.placed(symbol="ZVZZT")
    api.advance(3600)
    state = api.control("POST", "/reset", {"seed": 7})
    assert state["seed"] == 7
    assert state["now"] == START.isoformat()
    assert api.ok("/orders", status="all")["orders"] == []
    assert [u["user_id"] for u in api.client.get("/users", headers=api.headers).json()] == [
        "demo-user"
    ]
    assert api.cash() == 1_000_000


def test_reset_with_the_same_seed_repeats_the_same_ids(api: Api) -> None:
    """Two resets with one seed give the same ids for the same calls (a seeded run repeats)."""
    api.control("POST", "/reset", {"seed": 3})
    first = api.placed(symbol="ZVZZT", cl_order_id="same")
    api.control("POST", "/reset", {"seed": 3})
    second = api.placed(symbol="ZVZZT", cl_order_id="same")
    assert first["order_id"] == second["order_id"]
    assert first["fills"][0]["fill_id"] == second["fills"][0]["fill_id"]


def test_reset_seed_written_as_a_float_is_the_same_seed(api: Api) -> None:
    """A seed sent as 7.0 (valid JSON for the integer 7) resets exactly like 7."""
    api.control("POST", "/reset", {"seed": 7})
    quote = api.client.post("/_mock/quotes/unpin", json={"symbol": "AAPL"}).json()
    state = api.control("POST", "/reset", {"seed": 7.0})
    assert state["seed"] == 7
    assert isinstance(state["seed"], int)
    assert api.client.post("/_mock/quotes/unpin", json={"symbol": "AAPL"}).json() == quote


def test_advance_moves_the_clock(api: Api) -> None:
    """POST /_mock/clock/advance moves simulated time by exactly the seconds given."""
    state = api.control("POST", "/clock/advance", {"seconds": 90.5})
    assert state["now"] == (START + timedelta(seconds=90.5)).isoformat()
    assert api.now() == START + timedelta(seconds=90.5)


@pytest.mark.parametrize(
    ("choice", "session", "forced"),
    [
        ("closed", "closed", "closed"),
        ("pre_market", "pre_market", "pre_market"),
        ("after_hours", "after_hours", "after_hours"),
        ("auto", "regular", None),
    ],
)
def test_session_can_be_forced_and_released(
    api: Api, choice: str, session: str, forced: str | None
) -> None:
    """POST /_mock/session forces a session, and auto follows the clock again."""
    api.session("closed")
    state = api.control("POST", "/session", {"session": choice})
    assert (state["session"], state["forced_session"]) == (session, forced)


def test_quotes_pin_and_unpin(api: Api) -> None:
    """A pinned quote holds while time passes; unpinned, the price walks on from it."""
    pinned = api.pin("AAPL", "100.00", "100.10", "100.05")
    assert (pinned["bid"], pinned["ask"], pinned["last"]) == ("100.00", "100.10", "100.05")
    api.advance(600)
    again = api.pin("MSFT", "500.00", "500.10")  # any call; AAPL still pinned
    assert again["last"] == "500.05"
    position = api.placed(order_qty="1")
    assert position["fills"][0]["price"] == "100.10"
    unpinned = api.control("POST", "/quotes/unpin", {"symbol": "AAPL"})
    assert abs(Decimal(unpinned["bid"]) - Decimal("100.00")) < 1
    api.advance(3600)
    api.placed(order_qty="1")
    assert api.positions()["AAPL"]["last_price"] != "100.05"


def test_option_quotes_can_be_pinned(api: Api) -> None:
    """An option contract can be pinned, and orders on it trade at the pinned quote."""
    api.pin("AAPL261218C00100000", "5.00", "5.20")
    order = api.placed(instrument="OPT", symbol="AAPL261218C00100000", side="BUY_TO_OPEN")
    assert order["fills"][0]["price"] == "5.20"


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("fill", "filled"),
        ("partial", "partially_filled"),
        ("reject", "rejected"),
        ("hold", "working"),
        ("cancel_refused", "working"),
    ],
)
def test_next_outcome_applies_to_the_next_order_only(api: Api, outcome: str, status: str) -> None:
    """POST /_mock/next-outcome scripts the next order, whatever its symbol, and only it."""
    api.session("closed")
    api.control("POST", "/next-outcome", {"outcome": outcome})
    scripted = api.placed(order_type="LMT", order_limit_price="250.00", order_qty="3")
    following = api.placed(symbol="ZAZZT")
    assert scripted["status"] == status
    assert following["status"] == "working"


def test_cancel_refused_outcome_refuses_the_cancel(api: Api) -> None:
    """An order scripted cancel_refused goes back to working after a DELETE."""
    api.control("POST", "/next-outcome", {"outcome": "cancel_refused"})
    order = api.placed(order_type="LMT", order_limit_price="250.00")
    api.cancel(order)
    assert api.order(order)["status"] == "working"


def test_cash_deposit_and_withdrawal(api: Api) -> None:
    """POST /_mock/cash moves cash in or out as a deposit or withdrawal transaction."""
    assert api.control("POST", "/cash", {"account_id": CASH, "amount": "500.25"})["cash"] == (
        "250500.25"
    )
    assert api.control("POST", "/cash", {"account_id": CASH, "amount": "-0.25"})["cash"] == (
        "250500.00"
    )
    kinds = [(t["type"], t["amount"]) for t in api.transactions(CASH)]
    assert kinds == [("deposit", "250000.00"), ("deposit", "500.25"), ("withdrawal", "-0.25")]


def test_cash_for_an_unknown_account_is_a_404(api: Api) -> None:
    """Moving cash on an account that does not exist is a 404 with a message."""
    response = api.client.post("/_mock/cash", json={"account_id": "acc_nope", "amount": "1"})
    assert response.status_code == 404
    assert "acc_nope" in response.json()["message"]


BAD_BODIES: list[tuple[str, str, Any]] = [
    ("POST", "/reset", {"seed": -1}),
    ("POST", "/reset", {"seed": "7"}),
    ("POST", "/reset", {"seed": True}),
    ("POST", "/reset", {"seed": 1.5}),
    ("POST", "/reset", {"other": 1}),
    ("POST", "/reset", [1]),
    ("POST", "/clock/advance", {}),
    ("POST", "/clock/advance", {"seconds": 0}),
    ("POST", "/clock/advance", {"seconds": -5}),
    ("POST", "/clock/advance", {"seconds": "60"}),
    ("POST", "/clock/advance", {"seconds": 10**12}),
    ("POST", "/session", {"session": "lunch"}),
    ("POST", "/session", {}),
    ("POST", "/quotes", {"symbol": "AAPL", "bid": "101", "ask": "100"}),
    ("POST", "/quotes", {"symbol": "AAPL", "bid": "100", "ask": "100"}),
    ("POST", "/quotes", {"symbol": "AAPL", "bid": "0", "ask": "1"}),
    ("POST", "/quotes", {"symbol": "AAPL", "bid": "1", "ask": "2", "last": "0"}),
    ("POST", "/quotes", {"symbol": "AAPL", "bid": "-1", "ask": "2"}),
    ("POST", "/quotes", {"symbol": "AAPL", "bid": 1, "ask": 2}),
    ("POST", "/quotes", {"symbol": "NOPE", "bid": "1", "ask": "2"}),
    ("POST", "/quotes", {"symbol": "", "bid": "1", "ask": "2"}),
    ("POST", "/quotes", {"bid": "1", "ask": "2"}),
    ("POST", "/quotes/unpin", {"symbol": "NOPE"}),
    ("POST", "/quotes/unpin", {}),
    ("POST", "/next-outcome", {"outcome": "explode"}),
    ("POST", "/next-outcome", {"reason": "x"}),
    ("PUT", "/faults", {"error_rate": 2}),
    ("PUT", "/faults", {"error_rate": -0.1}),
    ("PUT", "/faults", {"latency_ms": -1}),
    ("PUT", "/faults", {"fail_next": "3"}),
    ("PUT", "/faults", {"error_status": 200}),
    ("PUT", "/faults", {"surprise": 1}),
    ("POST", "/cash", {"account_id": CASH, "amount": "1e5"}),
    ("POST", "/cash", {"account_id": CASH, "amount": 5}),
    ("POST", "/cash", {"account_id": CASH}),
]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    BAD_BODIES,
    ids=[f"{m}-{p}-{i}" for i, (m, p, _) in enumerate(BAD_BODIES)],
)
def test_bad_bodies_are_400_with_a_message(api: Api, method: str, path: str, body: Any) -> None:
    """Every control endpoint refuses a body it cannot use with 400 and a message, and
    changes nothing."""
    before = api.control("GET", "/state")
    faults = api.control("PUT", "/faults", {})
    response = api.client.request(method, f"/_mock{path}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["message"]
    assert api.control("GET", "/state") == before
    assert api.control("PUT", "/faults", {}) == faults


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"", "application/json"), (b"{", "application/json"), (b"seconds=5", "text/plain")],
    ids=["empty", "broken-json", "not-json"],
)
def test_unparseable_control_bodies_are_400(api: Api, content: bytes, content_type: str) -> None:
    """A control body that is not a JSON object is a 400 with a message."""
    response = api.client.post(
        "/_mock/clock/advance", content=content, headers={"content-type": content_type}
    )
    assert response.status_code == 400
    assert response.json()["message"]


@pytest.mark.parametrize("status", [500, 503])
def test_fail_next_fails_that_many_calls_then_recovers(api: Api, status: int) -> None:
    """fail_next N makes the next N API calls answer the chosen error status with a
    message, and the call after them succeeds; control calls are not counted."""
    faults = api.control("PUT", "/faults", {"fail_next": 3, "error_status": status})
    assert faults["fail_next"] == 3
    answers = [api.get("/accounts") for _ in range(3)]
    assert [r.status_code for r in answers] == [status] * 3
    assert all(r.json()["message"] for r in answers)
    assert api.control("GET", "/state")["seed"] == 42  # control API unaffected
    assert api.get("/accounts").status_code == 200
    assert api.control("PUT", "/faults", {})["fail_next"] == 0


def test_failed_order_calls_change_nothing(api: Api) -> None:
    """An order call failed by an injected fault places nothing."""
    api.control("PUT", "/faults", {"fail_next": 1})
    assert api.place(symbol="ZVZZT").status_code == 500
    assert api.ok("/orders", status="all")["orders"] == []


def test_error_rate_one_fails_everything_until_cleared(api: Api) -> None:
    """error_rate 1 fails every API call; DELETE /_mock/faults clears it."""
    api.control("PUT", "/faults", {"error_rate": 1.0, "error_status": 502})
    assert {api.get("/accounts").status_code for _ in range(5)} == {502}
    cleared = api.control("DELETE", "/faults")
    assert cleared == {"latency_ms": 0, "error_rate": 0.0, "fail_next": 0, "error_status": 500}
    assert api.get("/accounts").status_code == 200


def test_latency_is_applied_and_calls_still_succeed(api: Api) -> None:
    """With latency set, API calls still answer normally (the delay is the only change)."""
    assert api.control("PUT", "/faults", {"latency_ms": 5})["latency_ms"] == 5
    assert api.placed(symbol="ZVZZT")["status"] == "filled"
    assert api.get("/accounts").status_code == 200


def test_reset_clears_faults(api: Api) -> None:
    """A reset also clears injected faults."""
    api.control("PUT", "/faults", {"error_rate": 1.0})
    api.control("POST", "/reset", {})
    assert api.get("/accounts").status_code == 200


class FrozenWall:
    """A wall clock for the rate limiter that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_order_rate_limit_answers_429_with_retry_after() -> None:
    """Beyond order_rate_per_second order calls per user, order calls are 429 with a
    Retry-After header and a message; reads are not limited, other users are not affected,
    and once the wait is over orders go through again."""
    app = create_app(settings(order_rate_per_second=2))
    broker = app.state.broker
    wall = FrozenWall()
    broker.limiter = RateLimiter(broker.settings.order_rate_per_second, wall=wall)
    with TestClient(app) as client:
        api = Api(client)
        other = api.new_user("other")
        other_account = other.account_of(other.connect("ALPACA"))
        first = api.place(symbol="ZAZZT")
        assert first.status_code == 201
        assert api.cancel(first.json()).status_code == 200  # cancels count too
        limited = api.place(symbol="ZVZZT")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "1"
        assert "rate limit" in limited.json()["message"]
        assert api.modify(first.json(), order_qty="2").status_code == 429
        assert api.get("/orders").status_code == 200
        assert other.place(account_id=other_account, symbol="ZVZZT").status_code == 201
        assert api.ok("/orders", status="all")["orders"][0]["order_id"] == first.json()["order_id"]
        wall.now += 1
        assert api.place(symbol="ZVZZT").status_code == 201


def test_rate_limit_is_per_user_and_refills() -> None:
    """The limiter gives each key its own bucket, refilled at the rate."""
    wall = FrozenWall()
    limiter = RateLimiter(2, wall=wall)
    assert [limiter.take("a"), limiter.take("a"), limiter.take("a")] == [None, None, 1]
    assert limiter.take("b") is None
    wall.now += 0.5
    assert limiter.take("a") is None
    assert limiter.take("a") == 1


def test_balance_after_control_cash_reconciles(api: Api) -> None:
    """Cash moved by the control API shows in the balance and the transactions add up."""
    api.control("POST", "/cash", {"account_id": MARGIN, "amount": "-1000000.00"})
    assert api.cash() == 0
    assert sum(Decimal(t["amount"]) for t in api.transactions()) == 0
    order = api.placed(order_qty="1")
    assert order["status"] == "rejected"
    assert "insufficient buying power" in order["reject_reason"]
