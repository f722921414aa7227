"""For every control, the agent cannot get past it: each attempt is refused, audited, and
nothing reaches the broker."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

import connecttrade
from connecttrade import Instrument, OrderRequest, OrderSide, OrderType, TimeInForce, strategies
from connecttrade.agent import Refused, SessionWindow
from connecttrade.types.equity_symbol import EquitySymbol

from .guard_env import CASH, MARGIN, GuardEnv, MakeEnv, mock_quotes, policy_for_tests


def broker_orders(env: GuardEnv) -> list[connecttrade.Order]:
    """Every order the broker holds today, whoever placed it."""
    return list(env.client.orders.list(status="all"))


def last_entry(env: GuardEnv) -> dict[str, object]:
    line = env.audit_text().splitlines()[-1]
    entry: dict[str, object] = json.loads(line)
    return entry


def assert_refused(env: GuardEnv, call: object, rule: str) -> Refused:
    """Run ``call``, expect a refusal by ``rule``, an audit entry saying so, and no order."""
    assert callable(call)
    with pytest.raises(Refused) as caught:
        call()
    assert caught.value.rule == rule, caught.value
    entry = last_entry(env)
    assert entry["decision"] in {"refused", "halted", "expired"}
    assert entry["rule"] == rule
    assert broker_orders(env) == []
    return caught.value


@pytest.mark.parametrize(
    ("symbol", "instrument"),
    [
        pytest.param("btcusd", Instrument.CRYPTO, id="lower-case-crypto-pair"),
        pytest.param("esz6", Instrument.FUT, id="lower-case-future"),
        pytest.param("Zvzzt", Instrument.CRYPTO, id="mixed-case-as-crypto"),
    ],
)
def test_symbol_written_in_another_case_is_refused(
    make_env: MakeEnv, symbol: str, instrument: Instrument
) -> None:
    """A free-text symbol not in the canonical form the SDK sends is refused, not matched."""
    env = make_env(
        policy_for_tests(
            symbols={"ZVZZT", "BTCUSD"},
            instruments={Instrument.STK, Instrument.CRYPTO, Instrument.FUT},
        )
    )
    order = OrderRequest(
        instrument=instrument,
        order_type=OrderType.LMT,
        side=OrderSide.BUY,
        symbol=symbol,
        qty=Decimal(1),
        limit_price=Decimal(10),
    )
    refusal = assert_refused(
        env, lambda: env.tools.prepare_order(order, MARGIN), "symbol_allowlist"
    )
    assert "canonical" in refusal.reason


@pytest.mark.parametrize(
    ("allowlisted", "ordered", "allowed"),
    [
        pytest.param("BRK.B", "BRK/B", True, id="nasdaq-dialect-in-policy"),
        pytest.param("BRK B", "BRK/B", True, id="cms-dialect-in-policy"),
        pytest.param("brk/b", "BRK/B", True, id="lower-case-policy-entry"),
        pytest.param("BRK/B", "BRK/A", False, id="other-share-class"),
        pytest.param("IBM", "IBMp", False, id="preferred-is-not-common"),
        pytest.param("IBM", "IBM/WS", False, id="warrants-are-not-common"),
        pytest.param("BRK/B", "BRK", False, id="root-alone-is-not-class-b"),
    ],
)
def test_equity_symbols_compare_on_the_canonical_cqs_form(
    make_env: MakeEnv, allowlisted: str, ordered: str, allowed: bool
) -> None:
    """Dialects of the same security match; a different class, preferred or warrant does not."""
    env = make_env(policy_for_tests(symbols={allowlisted}))
    order = connecttrade.limit(EquitySymbol.parse(ordered), 1, "10", side="BUY")
    if allowed:
        prepared = env.tools.prepare_order(order, MARGIN)
        assert str(prepared.order.symbol) == ordered
    else:
        assert_refused(env, lambda: env.tools.prepare_order(order, MARGIN), "symbol_allowlist")


def test_option_on_a_non_allowlisted_underlying_is_refused(make_env: MakeEnv) -> None:
    """Options are matched by their OCC underlying: a TSLA call is refused under an AAPL list."""
    env = make_env(policy_for_tests(symbols={"AAPL"}, instruments={Instrument.STK, Instrument.OPT}))
    order = connecttrade.limit("TSLA261218C00400000", 1, "5", side="BUY_TO_OPEN")
    refusal = assert_refused(
        env, lambda: env.tools.prepare_order(order, MARGIN), "symbol_allowlist"
    )
    assert "TSLA" in refusal.reason


def test_option_on_an_allowlisted_underlying_is_prepared(make_env: MakeEnv) -> None:
    """An AAPL option is allowed under an AAPL allowlist and costs 100 shares per contract."""
    env = make_env(policy_for_tests(symbols={"AAPL"}, instruments={Instrument.STK, Instrument.OPT}))
    order = connecttrade.limit("AAPL261218C00300000", 2, "5", side="BUY_TO_OPEN")
    prepared = env.tools.prepare_order(order, MARGIN)
    assert prepared.estimated_notional == Decimal(1000)


def test_spread_with_one_leg_on_another_underlying_cannot_be_built_or_slipped_in(
    make_env: MakeEnv,
) -> None:
    """Every leg of a multi-leg order is checked: legs on a non-allowlisted root are refused."""
    env = make_env(
        policy_for_tests(
            symbols={"AAPL"},
            instruments={Instrument.STK, Instrument.OPT, Instrument.MLEG_OPT},
        )
    )
    spread = strategies.bull_call_spread(
        "TSLA261218C00400000", "TSLA261218C00410000", qty=1, debit="2.5"
    )
    assert_refused(env, lambda: env.tools.prepare_order(spread, MARGIN), "symbol_allowlist")


@pytest.mark.parametrize(
    ("account", "rule"),
    [
        pytest.param(CASH, "account_allowlist", id="real-account-not-on-list"),
        pytest.param("acc_unknown", "account_allowlist", id="made-up-account"),
    ],
)
def test_order_for_an_account_off_the_allowlist_is_refused(
    env: GuardEnv, account: str, rule: str
) -> None:
    """Only allowlisted accounts can be traded."""
    order = connecttrade.market("ZVZZT", 1, side="BUY")
    assert_refused(env, lambda: env.tools.prepare_order(order, account), rule)


def test_account_inside_the_order_cannot_contradict_the_argument(env: GuardEnv) -> None:
    """An order carrying one account and an argument naming another is refused."""
    order = connecttrade.market("ZVZZT", 1, side="BUY").with_ids(account_id=CASH)
    assert_refused(env, lambda: env.tools.prepare_order(order, MARGIN), "account_allowlist")


def test_reads_of_a_non_allowlisted_account_are_refused_and_lists_filtered(env: GuardEnv) -> None:
    """Read tools never show an account off the allowlist."""
    assert [a.account_id for a in env.tools.list_accounts()] == [MARGIN]
    assert {b.account_id for b in env.tools.get_balances()} == {MARGIN}
    with pytest.raises(Refused) as caught:
        env.tools.get_positions(CASH)
    assert caught.value.rule == "account_allowlist"
    env.client.orders.place(connecttrade.limit("ZAZZT", 1, "9.5", side="BUY"), account_id=CASH)
    assert env.tools.list_orders() == []


@pytest.mark.parametrize(
    ("order", "rule"),
    [
        pytest.param(
            connecttrade.stop("ZVZZT", 1, "11", side="BUY"), "order_type", id="stop-not-allowed"
        ),
        pytest.param(
            connecttrade.limit("ZVZZT", 1, "10", side="BUY", tif="GTC"), "tif", id="gtc-not-allowed"
        ),
        pytest.param(
            connecttrade.limit("AAPL261218C00300000", 1, "5", side="BUY_TO_OPEN"),
            "instrument",
            id="options-not-allowed",
        ),
        pytest.param(
            connecttrade.limit("ZVZZT", 101, "10", side="BUY"), "max_quantity", id="over-quantity"
        ),
        pytest.param(
            connecttrade.limit("ZVZZT", 100, "50.01", side="BUY"),
            "max_notional",
            id="over-notional-by-limit",
        ),
        pytest.param(
            connecttrade.market("AAPL", side="BUY", notional="5000.01"),
            "max_notional",
            id="over-notional-by-notional-order",
        ),
        pytest.param(
            connecttrade.market("AAPL", 20, side="BUY"),
            "max_notional",
            id="over-notional-by-market-quote",
        ),
    ],
)
def test_disallowed_order_shapes_and_sizes_are_refused(
    env: GuardEnv, order: OrderRequest, rule: str
) -> None:
    """Order type, TIF, instrument, quantity and notional limits each refuse on their own."""
    assert_refused(env, lambda: env.tools.prepare_order(order, MARGIN), rule)


def test_sell_limit_far_below_market_is_priced_at_the_market(env: GuardEnv) -> None:
    """A sell limit cannot understate its size: the estimate takes the higher market price."""
    prepared = env.tools.prepare_order(
        connecttrade.limit("AAPL", 18, "1", side="SELL_SHORT"), MARGIN
    )
    market_price = mock_quotes(env.mock)("AAPL").reference_price
    assert market_price is not None
    assert market_price > 100  # AAPL trades far above the $1 limit
    assert prepared.estimated_notional == Decimal(18) * market_price


def test_splitting_an_order_cannot_dodge_the_daily_notional(make_env: MakeEnv) -> None:
    """Many small orders that each pass add up: the one that crosses the daily cap is refused."""
    env = make_env(policy_for_tests(daily_max_notional=Decimal(250)))
    for _ in range(2):
        staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 10, "10", side="BUY"), MARGIN)
        assert env.tools.confirm(staged.confirmation_id).status == "submitted"
    refusal = assert_refused_after_orders(
        env,
        lambda: env.tools.prepare_order(connecttrade.limit("ZVZZT", 6, "10", side="BUY"), MARGIN),
    )
    assert refusal.rule == "daily_notional"


def assert_refused_after_orders(env: GuardEnv, call: object) -> Refused:
    """Like assert_refused, when earlier orders of the test are at the broker."""
    assert callable(call)
    before = len(broker_orders(env))
    with pytest.raises(Refused) as caught:
        call()
    assert len(broker_orders(env)) == before
    assert last_entry(env)["rule"] == caught.value.rule
    return caught.value


def test_staging_many_orders_first_cannot_dodge_the_daily_count(make_env: MakeEnv) -> None:
    """Prepared-but-unsent orders do not reserve room: each confirm re-checks the day's count."""
    env = make_env(policy_for_tests(daily_max_orders=2))
    staged = [
        env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
        for _ in range(3)
    ]
    assert env.tools.confirm(staged[0].confirmation_id).status == "submitted"
    assert env.tools.confirm(staged[1].confirmation_id).status == "submitted"
    refusal = assert_refused_after_orders(env, lambda: env.tools.confirm(staged[2].confirmation_id))
    assert refusal.rule == "daily_orders"


def test_daily_limits_survive_a_restart(make_env: MakeEnv) -> None:
    """A new guard process on the same state directory counts the day's earlier orders."""
    env = make_env(policy_for_tests(daily_max_orders=1))
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    env.tools.confirm(staged.confirmation_id)
    restarted = env.rebuild().execute_tools()
    refusal = assert_refused_after_orders(
        env,
        lambda: restarted.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN),
    )
    assert refusal.rule == "daily_orders"


def test_daily_limits_reset_on_the_next_day_in_the_policy_time_zone(make_env: MakeEnv) -> None:
    """The day's count restarts at midnight New York, not midnight UTC."""
    env = make_env(policy_for_tests(daily_max_orders=1, sessions=()))
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    env.tools.confirm(staged.confirmation_id)
    env.clock.now = dt.datetime(2026, 11, 21, 4, 59, tzinfo=dt.UTC)  # 23:59 New York, same day
    with pytest.raises(Refused, match="daily_orders"):
        env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    env.clock.now = dt.datetime(2026, 11, 21, 5, 0, tzinfo=dt.UTC)  # 00:00 New York, next day
    assert env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)


def test_replaying_a_confirmation_id_is_refused(env: GuardEnv) -> None:
    """A confirmation id submits once; the replay is refused and no second order exists."""
    staged = env.tools.prepare_order(connecttrade.market("ZVZZT", 1, side="BUY"), MARGIN)
    first = env.tools.confirm(staged.confirmation_id)
    assert first.status == "submitted"
    with pytest.raises(Refused) as caught:
        env.tools.confirm(staged.confirmation_id)
    assert caught.value.rule == "confirmation_used"
    assert [o.order_id for o in broker_orders(env)] == [first.order.order_id if first.order else ""]


def test_a_made_up_confirmation_id_is_refused(env: GuardEnv) -> None:
    """Only ids the guard issued can be confirmed."""
    assert_refused(
        env, lambda: env.tools.confirm("cf_000000000000000000000000"), "confirmation_unknown"
    )


def test_confirming_after_expiry_is_refused(env: GuardEnv) -> None:
    """After the 2-minute default, the confirmation expires and cannot be used."""
    staged = env.tools.prepare_order(connecttrade.market("ZVZZT", 1, side="BUY"), MARGIN)
    assert staged.expires_at - env.clock.now == dt.timedelta(minutes=2)
    env.clock.advance(120)
    assert_refused(env, lambda: env.tools.confirm(staged.confirmation_id), "confirmation_expired")
    assert last_entry(env)["decision"] == "expired"
    env.clock.advance(-60)  # even a clock going back cannot revive it
    assert_refused(env, lambda: env.tools.confirm(staged.confirmation_id), "confirmation_expired")


def test_confirming_just_before_expiry_works(env: GuardEnv) -> None:
    """One second before the deadline the order still goes through."""
    staged = env.tools.prepare_order(connecttrade.market("ZVZZT", 1, side="BUY"), MARGIN)
    env.clock.advance(119)
    env.mock.control.advance(119)  # the market moves on too, so its quotes stay fresh
    assert env.tools.confirm(staged.confirmation_id).status == "submitted"


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        pytest.param(
            dt.datetime(2026, 11, 20, 14, 29, 59, tzinfo=dt.UTC), False, id="09:29:59-est"
        ),
        pytest.param(dt.datetime(2026, 11, 20, 14, 30, tzinfo=dt.UTC), True, id="09:30-est-opens"),
        pytest.param(dt.datetime(2026, 11, 20, 20, 59, 59, tzinfo=dt.UTC), True, id="15:59:59-est"),
        pytest.param(dt.datetime(2026, 11, 20, 21, 0, tzinfo=dt.UTC), False, id="16:00-est-closed"),
        pytest.param(dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC), False, id="saturday"),
        # Summer: New York is UTC-4, so 13:30 UTC is already 09:30 there.
        pytest.param(dt.datetime(2026, 7, 1, 13, 30, tzinfo=dt.UTC), True, id="09:30-edt"),
        pytest.param(
            dt.datetime(2026, 12, 1, 13, 30, tzinfo=dt.UTC), False, id="08:30-est-same-utc"
        ),
        # 2026-03-08: clocks jump from 02:00 to 03:00 EST->EDT; Monday opens at 13:30 UTC.
        pytest.param(dt.datetime(2026, 3, 9, 13, 30, tzinfo=dt.UTC), True, id="first-edt-monday"),
        # Friday 20:30 New York is Saturday 01:30 UTC: the UTC weekday must not decide.
        pytest.param(dt.datetime(2026, 11, 21, 1, 30, tzinfo=dt.UTC), False, id="utc-saturday"),
    ],
)
def test_session_window_is_judged_in_its_own_time_zone(
    env: GuardEnv, moment: dt.datetime, inside: bool
) -> None:
    """Orders are refused outside 09:30-16:00 New York, across daylight saving changes."""
    env.clock.now = moment
    order = connecttrade.limit("ZVZZT", 1, "10", side="BUY")
    if inside:
        assert env.tools.prepare_order(order, MARGIN)
    else:
        assert_refused(env, lambda: env.tools.prepare_order(order, MARGIN), "session_window")


def test_overnight_window_belongs_to_the_day_it_opens(make_env: MakeEnv) -> None:
    """A Sunday 18:00-Monday 02:00 Tokyo window allows Monday 01:00 Tokyo, not Tuesday 01:00."""
    window = SessionWindow(dt.time(18), dt.time(2), days=frozenset({6}), timezone="Asia/Tokyo")
    assert window.contains(dt.datetime(2026, 11, 22, 16, 0, tzinfo=dt.UTC))  # Mon 01:00 Tokyo
    assert window.contains(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC))  # Sun 18:00 Tokyo
    assert not window.contains(dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC))  # Tue 01:00
    assert not window.contains(dt.datetime(2026, 11, 22, 17, 0, tzinfo=dt.UTC))  # Mon 02:00


def test_session_window_is_rechecked_at_confirm(env: GuardEnv) -> None:
    """An order prepared a second before the close cannot be confirmed after it."""
    env.clock.now = dt.datetime(2026, 11, 20, 20, 59, 59, tzinfo=dt.UTC)
    staged = env.tools.prepare_order(connecttrade.limit("ZVZZT", 1, "10", side="BUY"), MARGIN)
    env.clock.advance(1)
    assert_refused(env, lambda: env.tools.confirm(staged.confirmation_id), "session_window")


def test_guard_chooses_the_client_order_id_and_broker(env: GuardEnv) -> None:
    """An agent-supplied cl_order_id or broker is replaced: it cannot collide with another order."""
    order = connecttrade.limit("ZVZZT", 1, "10", side="BUY").with_ids(
        cl_order_id="someone-elses-id", broker="TRADIER"
    )
    staged = env.tools.prepare_order(order, MARGIN)
    assert staged.order.cl_order_id != "someone-elses-id"
    assert staged.order.broker is None
    placed = env.tools.confirm(staged.confirmation_id).order
    assert placed is not None
    assert placed.cl_order_id == staged.order.cl_order_id


def test_cancel_of_an_order_the_guard_did_not_place_is_refused(env: GuardEnv) -> None:
    """The agent cannot cancel the human's own orders unless the policy says so."""
    human = env.client.orders.place(
        connecttrade.limit("ZAZZT", 1, "9.5", side="BUY"), account_id=MARGIN
    ).order
    with pytest.raises(Refused) as caught:
        env.tools.cancel_order(MARGIN, human.order_id)
    assert caught.value.rule == "order_ownership"
    assert env.client.orders.get(MARGIN, human.order_id).status == "working"


def test_cancel_and_modify_of_own_orders_go_through_the_checks(env: GuardEnv) -> None:
    """The agent cancels its own order; a modify is staged and checked like a new order."""
    staged = env.tools.prepare_order(connecttrade.limit("ZAZZT", 10, "9.5", side="BUY"), MARGIN)
    placed = env.tools.confirm(staged.confirmation_id).order
    assert placed is not None
    with pytest.raises(Refused, match="max_quantity"):
        env.tools.prepare_modify(MARGIN, placed.order_id, qty=500)
    change = env.tools.prepare_modify(MARGIN, placed.order_id, limit_price="9.6")
    replacement = env.tools.confirm(change.confirmation_id).order
    assert replacement is not None
    assert replacement.limit_price == Decimal("9.6")
    assert replacement.replaces_order_id == placed.order_id
    env.clock.now = dt.datetime(2026, 11, 20, 22, 0, tzinfo=dt.UTC)  # after the close
    with pytest.raises(Refused, match="session_window"):
        env.tools.cancel_order(MARGIN, replacement.order_id)
    env.clock.now = dt.datetime(2026, 11, 20, 15, 5, tzinfo=dt.UTC)
    assert env.tools.cancel_order(MARGIN, replacement.order_id).status in {
        "cancelled",
        "pending_cancel",
    }
    assert env.tools.reconcile().ok


def test_wrong_tif_and_instrument_values_from_the_agent_are_refused(make_env: MakeEnv) -> None:
    """IOC under a DAY-only policy is refused even for an otherwise perfect order."""
    env = make_env(policy_for_tests(tifs={TimeInForce.DAY}))
    order = connecttrade.limit("ZVZZT", 1, "10", side="BUY", tif="IOC")
    assert_refused(env, lambda: env.tools.prepare_order(order, MARGIN), "tif")
