"""Reconciliation names what it found in words a human reads (a multi-leg order by its
strategy, where it said "open None None order"), and a policy can scope it to its own
symbols so that a human's unrelated option trade in the same account does not halt the
agent, while a mismatch in a policy symbol still does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import connecttrade
from connecttrade import Instrument, LegAction, OptionRight, OptionSymbol, OrderRequest, strategies
from connecttrade.agent import Policy, PolicyError

from .guard_env import MARGIN, GuardEnv, MakeEnv, policy_for_tests

EXPIRY = dt.date(2026, 12, 18)  # the December monthly, four weeks after the mock's start
LATER = dt.date(2027, 1, 15)


def spy(right: OptionRight, strike: int | str, expiry: dt.date = EXPIRY) -> OptionSymbol:
    return OptionSymbol.build("SPY", expiry, right, Decimal(strike))


P, C = OptionRight.PUT, OptionRight.CALL


def condor(credit: str = "9.50") -> OrderRequest:
    """More credit than the market gives: it rests."""
    return strategies.iron_condor(
        spy(P, 600), spy(P, 610), spy(C, 700), spy(C, 710), qty=1, credit=credit
    )


def options_policy(**changes: Any) -> Policy:
    """The tests' policy with SPY options and spreads allowed."""
    values: dict[str, Any] = {
        "symbols": {"ZVZZT", "ZAZZT", "SPY"},
        "instruments": {Instrument.STK, Instrument.OPT, Instrument.MLEG_OPT},
    }
    values.update(changes)
    return policy_for_tests(**values)


def human_buys(env: GuardEnv, order: OrderRequest) -> connecttrade.Order:
    """A human's order over REST, in the guard's account, around the guard."""
    return env.client.orders.place(order, account_id=MARGIN).order


@pytest.mark.parametrize(
    ("order", "name"),
    [
        pytest.param(
            condor(),
            "1x SPY iron condor 2026-12-18 600/610/700/710 for a 9.50 credit",
            id="iron-condor",
        ),
        pytest.param(
            strategies.bull_call_spread(spy(C, 660), spy(C, 670), qty=2, debit="0.05"),
            "2x SPY bull call spread 2026-12-18 660/670 for a 0.05 debit",
            id="vertical",
        ),
        pytest.param(
            connecttrade.limit("ZAZZT", 5, "9.5", side="BUY"),
            "BUY 5 ZAZZT limit 9.50",  # the price as the broker holds it
            id="single-leg",
        ),
    ],
)
def test_an_unknown_open_order_is_named_by_its_strategy(
    env: GuardEnv, order: OrderRequest, name: str
) -> None:
    """A resting order nobody placed through the guard is reported by strategy, expiry,
    strikes and net price (or side, size and symbol), with its client order id."""
    placed = human_buys(env, order)
    assert placed.status == "working"
    report = env.tools.reconcile()
    [mismatch] = report.mismatches
    assert mismatch.kind == "unknown_order"
    assert mismatch.subject == placed.order_id
    assert mismatch.actual == f"open order {name} ({placed.cl_order_id})"
    assert "None" not in report.summary
    assert env.guard.halt_status().halted
    assert name in str(env.guard.halt_status())


@pytest.mark.parametrize(
    ("order", "name"),
    [
        pytest.param(condor(), "1x SPY iron condor 2026-12-18 600/610/700/710", id="iron-condor"),
        pytest.param(
            strategies.iron_butterfly(
                spy(P, 600), spy(P, 650), spy(C, 650), spy(C, 700), qty=1, credit="9"
            ),
            "1x SPY iron butterfly 2026-12-18 600/650/700",
            id="iron-butterfly",
        ),
        pytest.param(
            strategies.bear_put_spread(spy(P, 670), spy(P, 660), qty=1, debit="1"),
            "1x SPY bear put spread 2026-12-18 660/670",
            id="bear-put",
        ),
        pytest.param(
            strategies.bear_call_spread(spy(C, 660), spy(C, "667.5"), qty=3, credit="1"),
            "3x SPY bear call spread 2026-12-18 660/667.5",
            id="bear-call-half-strike",
        ),
        pytest.param(
            strategies.bull_put_spread(spy(P, 670), spy(P, 660), qty=1, credit="1"),
            "1x SPY bull put spread 2026-12-18 660/670",
            id="bull-put",
        ),
        pytest.param(
            strategies.long_straddle(spy(P, 660), spy(C, 660), qty=1, debit="20"),
            "1x SPY long straddle 2026-12-18 660",
            id="straddle",
        ),
        pytest.param(
            strategies.long_strangle(spy(P, 650), spy(C, 680), qty=1, debit="10"),
            "1x SPY long strangle 2026-12-18 650/680",
            id="strangle",
        ),
        pytest.param(
            strategies.butterfly(spy(C, 650), spy(C, 660), spy(C, 670), qty=1, debit="2"),
            "1x SPY long call butterfly 2026-12-18 650/660/670",
            id="butterfly",
        ),
        pytest.param(
            strategies.calendar(spy(C, 670), spy(C, 670, LATER), qty=1, debit="3"),
            "1x SPY long call calendar 2026-12-18/2027-01-15 670",
            id="calendar",
        ),
        pytest.param(
            strategies.ratio_spread(spy(C, 660), spy(C, 680), qty=1, debit="1"),
            "1x SPY call ratio spread 1x2 2026-12-18 660/680",
            id="ratio-spread",
        ),
        pytest.param(
            strategies.multi_leg(
                [
                    connecttrade.Leg(spy(P, 600), LegAction.SELL_TO_CLOSE),
                    connecttrade.Leg(spy(P, 610), LegAction.BUY_TO_CLOSE),
                    connecttrade.Leg(spy(C, 700), LegAction.BUY_TO_CLOSE),
                    connecttrade.Leg(spy(C, 710), LegAction.SELL_TO_CLOSE),
                ],
                qty=1,
                debit="1",
            ),
            "closing 1x SPY iron condor 2026-12-18 600/610/700/710",
            id="closing-condor",
        ),
        pytest.param(
            strategies.multi_leg(
                [
                    connecttrade.Leg(spy(C, 660), LegAction.SELL_TO_CLOSE),
                    connecttrade.Leg(spy(C, 660, LATER), LegAction.BUY_TO_OPEN),
                ],
                qty=1,
                debit="1",
            ),
            "1x 2-leg order (SELL_TO_CLOSE 1x SPY261218C00660000, "
            "BUY_TO_OPEN 1x SPY270115C00660000)",
            id="roll-named-by-legs",
        ),
    ],
)
def test_a_staged_multi_leg_order_is_summarised_by_its_strategy(
    make_env: MakeEnv, order: OrderRequest, name: str
) -> None:
    """The summary a human reads before confirming names the strategy its legs make, or
    lists the legs when they make none of the named shapes."""
    env = make_env(options_policy())
    staged = env.tools.prepare_order(order, MARGIN)
    assert staged.summary.splitlines()[0].startswith(f"Place order: {name}: ")


def test_symbol_scope_ignores_a_humans_unrelated_option_trades(make_env: MakeEnv) -> None:
    """Under reconcile_scope = "symbols", a human's SPY call and resting SPY condor in the
    agent's account are not compared: reconciliation passes and nothing halts."""
    env = make_env(policy_for_tests(reconcile_scope="symbols"))
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 3, "10", side="BUY"), MARGIN)
    assert env.tools.confirm(staged.confirmation_id).status == "submitted"
    human_buys(env, connecttrade.market(spy(C, 700), 1, side="BUY_TO_OPEN"))
    human_buys(env, condor())
    report = env.tools.reconcile()
    assert report.ok, report.summary
    assert report.positions_checked == 1  # ZVZZT; the SPY call is outside the policy
    assert not env.guard.halt_status().halted


def test_symbol_scope_still_halts_on_a_policy_symbol_mismatch(make_env: MakeEnv) -> None:
    """Under the same scope, a human's fill in ZVZZT (a policy symbol) is a mismatch, and an
    open order in ZAZZT nobody placed through the guard is reported: both halt."""
    env = make_env(policy_for_tests(reconcile_scope="symbols"))
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 3, "10", side="BUY"), MARGIN)
    env.tools.confirm(staged.confirmation_id)
    human_buys(env, connecttrade.market(spy(C, 700), 1, side="BUY_TO_OPEN"))
    human_buys(env, connecttrade.limit("ZVZZT", 2, "10", side="BUY"))
    resting = human_buys(env, connecttrade.limit("ZAZZT", 1, "9.5", side="BUY"))
    report = env.tools.reconcile()
    assert [(m.kind, m.subject, m.expected, m.actual) for m in report.mismatches] == [
        ("position_mismatch", "ZVZZT", "3", "5"),
        (
            "unknown_order",
            resting.order_id,
            "only orders placed through the guard",
            f"open order BUY 1 ZAZZT limit 9.50 ({resting.cl_order_id})",
        ),
    ]
    assert env.guard.halt_status().halted


def test_account_scope_is_the_default_and_halts_on_any_change(env: GuardEnv) -> None:
    """By default everything in the account is compared: the same human SPY call halts."""
    assert env.guard.policy.reconcile_scope == "accounts"
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 3, "10", side="BUY"), MARGIN)
    env.tools.confirm(staged.confirmation_id)
    human_buys(env, connecttrade.market(spy(C, 700), 1, side="BUY_TO_OPEN"))
    report = env.tools.reconcile()
    assert [(m.kind, m.subject, m.actual) for m in report.mismatches] == [
        ("position_mismatch", "SPY261218C00700000", "1")
    ]
    assert env.guard.halt_status().halted


def test_reconcile_scope_is_read_from_toml_and_checked() -> None:
    """The TOML key takes "accounts" or "symbols"; anything else names the key; the policy's
    description says which applies."""
    base = {"accounts": [MARGIN], "symbols": ["ZVZZT"], "max_quantity": 1, "max_notional": 10}
    assert Policy.from_mapping(base).reconcile_scope == "accounts"
    scoped = Policy.from_mapping({**base, "reconcile_scope": "symbols"})
    assert scoped.reconcile_scope == "symbols"
    assert "reconciliation: allowlisted symbols only (others are ignored)" in scoped.describe()
    with pytest.raises(PolicyError) as caught:
        Policy.from_mapping({**base, "reconcile_scope": "everything"})
    assert caught.value.key == "reconcile_scope"
