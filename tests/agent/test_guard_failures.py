"""The reference's failure tests: missing data, API errors and disconnects, rejected orders,
stale state, state changed behind the agent's back, a tampered log. Each leaves the guard
halted or the action refused, never a silent order."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

import connecttrade
from connecttrade.agent import Halted, Quote, Refused, verify_audit_log
from connecttrade.agent.cli import main

from .guard_env import MARGIN, GuardEnv, MakeEnv, policy_for_tests


def entries(env: GuardEnv) -> list[dict[str, object]]:
    return [json.loads(line) for line in env.audit_text().splitlines()]


def place(env: GuardEnv, order: connecttrade.OrderRequest) -> connecttrade.Order:
    staged = env.tools.prepare_order(order, MARGIN)
    result = env.tools.confirm(staged.confirmation_id)
    assert result.order is not None
    return result.order


def test_halts_after_n_api_errors_until_a_human_resets(make_env: MakeEnv) -> None:
    """Three failing broker calls halt execution; confirm is refused until `halt reset`."""
    env = make_env(policy_for_tests(halt_after_errors=3))
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    env.mock.control.faults(fail_next=3, error_status=500)
    for _ in range(3):
        with pytest.raises(connecttrade.InternalServerError):
            env.tools.get_positions(MARGIN)
    assert env.guard.halt_status().halted
    with pytest.raises(Halted):
        env.tools.confirm(staged.confirmation_id)
    with pytest.raises(Halted):
        env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    assert list(env.client.orders.list(status="all")) == []
    decisions = [(e["action"], e["decision"], e["rule"]) for e in entries(env)]
    assert ("halt", "halted", "api_errors") in decisions
    assert decisions[-1] == ("prepare_order", "halted", "halted")

    assert main(["halt", "reset", "--state-dir", str(env.state_dir), "--human", "alice"]) == 0
    again = env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    assert env.tools.confirm(again.confirmation_id).status == "submitted"
    assert entries(env)[-3]["action"] == "reset"
    assert entries(env)[-3]["actor"] == "alice"


def test_lost_answer_on_submit_halts_and_counts_the_order(make_env: MakeEnv) -> None:
    """A 5xx on the order call leaves its outcome unknown: error counted, order counted today."""
    env = make_env(policy_for_tests(halt_after_errors=1, daily_max_orders=5))
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    env.mock.control.faults(fail_next=1, error_status=503)
    with pytest.raises(connecttrade.InternalServerError):
        env.tools.confirm(staged.confirmation_id)
    assert env.guard.halt_status().halted
    assert entries(env)[-2]["decision"] == "error"
    with pytest.raises(Refused, match="confirmation_used"):
        env.tools.confirm(staged.confirmation_id)


def test_rejected_order_is_reported_and_counted_toward_the_halt(make_env: MakeEnv) -> None:
    """ZXZZT is rejected by the broker: the agent sees it, the log says error, two halt."""
    env = make_env(policy_for_tests(halt_after_errors=2))
    first = place(env, connecttrade.limit("ZXZZT", 1, "10", side="BUY"))
    assert first.is_rejected
    entry = entries(env)[-1]
    assert (entry["decision"], entry["rule"]) == ("error", "broker_rejected")
    assert entry["result"]["status"] == "rejected"  # type: ignore[index]
    assert not env.guard.halt_status().halted
    place(env, connecttrade.limit("ZXZZT", 1, "10", side="BUY"))
    assert env.guard.halt_status().halted


def test_order_cancelled_behind_the_agents_back_halts_on_reconcile(env: GuardEnv) -> None:
    """Another tool cancels the agent's order over REST: reconciliation reports it and halts."""
    order = place(env, connecttrade.limit("ZAZZT", 5, "9.5", side="BUY"))
    assert env.tools.reconcile().ok
    env.client.orders.cancel(MARGIN, order.order_id)
    report = env.tools.reconcile()
    assert not report.ok
    assert [m.kind for m in report.mismatches] == ["cancelled_externally"]
    assert env.guard.halt_status().halted
    last = entries(env)[-1]
    assert (last["action"], last["decision"], last["rule"]) == (
        "reconcile",
        "halted",
        "reconciliation",
    )
    with pytest.raises(Halted):
        env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)


def test_position_changed_outside_the_guard_is_a_mismatch(env: GuardEnv) -> None:
    """A fill the agent did not cause (a human's order) shows as a position mismatch."""
    place(env, connecttrade.market("ZVZZT", 3, side="BUY"))
    assert env.tools.reconcile().ok
    env.client.orders.place(connecttrade.market("ZVZZT", 2, side="BUY"), account_id=MARGIN)
    report = env.guard.reconcile()
    assert [(m.kind, m.subject, m.expected, m.actual) for m in report.mismatches] == [
        ("position_mismatch", "ZVZZT", "3", "5")
    ]
    assert env.guard.halt_status().halted


def test_open_order_placed_by_someone_else_is_a_mismatch(env: GuardEnv) -> None:
    """An open order in an allowlisted account that the guard did not place is reported."""
    env.client.orders.place(connecttrade.limit("ZAZZT", 1, "9.5", side="BUY"), account_id=MARGIN)
    report = env.tools.reconcile()
    assert [m.kind for m in report.mismatches] == ["unknown_order"]


def test_reset_after_a_mismatch_accepts_the_brokers_state(env: GuardEnv) -> None:
    """After a human reset, the broker's positions become the new baseline."""
    env.client.orders.place(connecttrade.market("ZVZZT", 2, side="BUY"), account_id=MARGIN)
    assert env.tools.reconcile().ok  # the first reconciliation takes the baseline
    env.client.orders.place(connecttrade.market("ZVZZT", 2, side="BUY"), account_id=MARGIN)
    assert not env.tools.reconcile().ok
    env.guard.supervisor("alice").reset_halt(note="my own trade")
    assert env.tools.reconcile().ok
    place(env, connecttrade.market("ZVZZT", 1, side="BUY"))
    assert env.tools.reconcile().ok


def test_broker_errors_during_reconciliation_halt(env: GuardEnv) -> None:
    """If the broker's state cannot be read, the guard halts instead of assuming all is well."""
    env.mock.control.faults(fail_next=1, error_status=500)
    report = env.tools.reconcile()
    assert report.error is not None
    assert env.guard.halt_status().halted


@pytest.mark.parametrize(
    ("quotes", "problem"),
    [
        pytest.param(None, "no quote source", id="no-quote-source"),
        pytest.param(
            lambda symbol: (_ for _ in ()).throw(ConnectionError("feed down")),
            "feed down",
            id="feed-disconnected",
        ),
        pytest.param(
            lambda symbol: Quote(
                symbol, None, None, None, dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC)
            ),
            "no price",
            id="quote-without-prices",
        ),
        pytest.param(
            lambda symbol: Quote(
                symbol,
                Decimal(1),
                Decimal(1),
                Decimal(1),
                dt.datetime(2026, 11, 20, 14, 58, tzinfo=dt.UTC),
            ),
            "stale",
            id="stale-quote",
        ),
    ],
)
def test_missing_or_stale_market_data_refuses_market_orders(
    make_env: MakeEnv, quotes: object, problem: str
) -> None:
    """Without a fresh price a market order cannot be bounded, so it is refused."""
    env = make_env(quotes=quotes)
    with pytest.raises(Refused) as caught:
        env.tools.prepare_order(connecttrade.market("ZVZZT", 1, side="BUY"), MARGIN)
    assert caught.value.rule == "market_data"
    assert problem in caught.value.reason
    assert list(env.client.orders.list(status="all")) == []


def test_price_moving_between_prepare_and_confirm_is_rechecked(env: GuardEnv) -> None:
    """A market order that fit at prepare is refused at confirm when the price has jumped."""
    staged = env.tools.prepare_order(connecttrade.market("ZVZZT", 100, side="BUY"), MARGIN)
    env.mock.control.set_quote("ZVZZT", "60", "60.02")
    with pytest.raises(Refused) as caught:
        env.tools.confirm(staged.confirmation_id)
    assert caught.value.rule == "max_notional"
    assert list(env.client.orders.list(status="all")) == []


def test_tampered_audit_log_stops_execution(env: GuardEnv) -> None:
    """If the log's tail was edited, the guard refuses to act: nothing unlogged happens."""
    staged = env.tools.prepare_order(connecttrade.market("ZVZZT", 1, side="BUY"), MARGIN)
    lines = env.audit_text().splitlines()
    lines[-1] = lines[-1].replace('"prepare_order"', '"prepare_0rder"')
    env.audit_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not verify_audit_log(env.audit_path).ok
    with pytest.raises(Exception, match="does not match its hash"):
        env.tools.confirm(staged.confirmation_id)
    assert list(env.client.orders.list(status="all")) == []
