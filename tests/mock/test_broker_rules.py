"""Order admission follows each broker's documented rules, read from the broker table.

Every test is named for the real rule it models. A refusal is an order answered 201 with
status ``rejected`` and a ``reject_reason`` in the broker's words; the account's cash is
left as it was.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from mock_api import CALL_100, CALL_110, CASH, MARGIN, PUT_90, Api, settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.broker.brokers import BROKERS, OffHoursMarket
from connecttrade_mock.broker.state import Account, Connection
from connecttrade_mock.simulator import DEMO

_numbers = itertools.count(1)


def open_account(
    api: Api,
    broker: str,
    account_type: str = "margin",
    *,
    cash: str = "100000",
    options_level: int | None = None,
) -> str:
    """A funded paper account of the demo user at ``broker`` (linked straight into the
    store, as the connect page would); return its id."""
    sim = api.broker.sim
    number = next(_numbers)
    connection = Connection(
        f"conn_rules_{number}",
        DEMO.client_id,
        DEMO.user_id,
        broker,
        "trade",
        f"rules{number}@{broker.lower()}",
        sim.clock.now(),
    )
    sim.store.add(connection)
    account = Account(
        account_id=f"acc_rules_{number}",
        connection_id=connection.connection_id,
        client_id=DEMO.client_id,
        user_id=DEMO.user_id,
        account_number=f"RULES{number:04d}",
        broker=broker,
        account_type=account_type,
        is_paper=True,
        can_trade=True,
        cash=Decimal(0),
        options_level=options_level,
    )
    sim.store.add(account)
    sim.engine.deposit(account, Decimal(cash), "Test funding")
    return account.account_id


def rejected(order: dict[str, Any], reason: str) -> None:
    assert order["status"] == "rejected", order
    assert reason in order["reject_reason"], order["reject_reason"]
    assert order["fills"] == []


@pytest.fixture(autouse=True)
def _quotes(api: Api) -> None:
    api.pin("AAPL", "100.00", "100.10", "100.05")


# -- prices: bands limit executions, not resting orders ----------------------------------


def test_luld_bands_limit_executions_so_orders_far_from_the_market_rest(api: Api) -> None:
    """Limit-up/limit-down bands limit executions; a non-marketable limit or stop rests
    at every broker: a GTC buy 20% below, a take-profit sell 20% above and a protective
    stop 20% below are all working."""
    api.placed(order_qty="10")
    buy = api.placed(order_type="LMT", order_tif="GTC", order_limit_price="80.00")
    take_profit = api.placed(
        side="SELL", order_type="LMT", order_tif="GTC", order_limit_price="120.00", order_qty="5"
    )
    stop_loss = api.placed(
        side="SELL", order_type="STP", order_tif="GTC", stop_price="80.00", order_qty="5"
    )
    for order in (buy, take_profit, stop_loss):
        assert order["status"] == "working", order["reject_reason"]
    api.pin("AAPL", "79.90", "80.00", "79.95")
    api.advance(1)
    assert api.order(buy)["status"] == "filled"
    assert api.order(stop_loss)["status"] == "filled"


@pytest.mark.parametrize(
    ("side", "limit", "touch"),
    [("BUY", "111.00", "ask at 100.10"), ("SELL_SHORT", "89.00", "bid at 100.00")],
    ids=["buy-far-above-the-ask", "sell-far-below-the-bid"],
)
def test_limit_order_price_protection_refuses_a_limit_far_through_the_market(
    api: Api, side: str, limit: str, touch: str
) -> None:
    """A marketable limit priced more than 10% through the touch is refused, as the
    exchanges' limit order price protection does; 10% or less trades at the touch."""
    order = api.placed(side=side, order_type="LMT", order_limit_price=limit)
    rejected(order, "limit order price protection")
    assert touch in order["reject_reason"]
    near = "110.00" if side == "BUY" else "91.00"
    assert api.placed(side=side, order_type="LMT", order_limit_price=near)["status"] == "filled"


def test_ibkr_words_its_price_protection_as_a_percentage_constraint(api: Api) -> None:
    """Each broker words the refusal its own way: IBKR's names the price constraint."""
    account = open_account(api, "INTERACTIVEBROKERS")
    order = api.placed(
        account_id=account, broker="INTERACTIVEBROKERS", order_type="LMT",
        order_limit_price="150.00",
    )  # fmt: skip
    rejected(order, "Order rejected - reason:")
    assert "price percentage constraint" in order["reject_reason"]


def test_market_order_price_protection_refuses_a_touch_outside_the_luld_band(api: Api) -> None:
    """A market order is not sent into a touch beyond the limit-up/limit-down band."""
    api.pin("AAPL", "115.00", "115.10", "100.00")  # band 90.00-110.00 around the last
    rejected(api.placed(), "market order price protection: ask 115.10 is outside")


@pytest.mark.parametrize(
    ("field", "price"),
    [("order_limit_price", "100.001"), ("stop_price", "120.005")],
    ids=["limit", "stop"],
)
def test_reg_nms_612_rejects_sub_penny_limit_above_one_dollar(
    api: Api, field: str, price: str
) -> None:
    """Reg NMS Rule 612: at $1.00 and above, stock prices go in $0.01 increments."""
    order_type = "LMT" if field == "order_limit_price" else "STP"
    order = api.placed(order_type=order_type, **{field: price})
    rejected(order, f"invalid {field} {price}. sub-penny increment")


def test_reg_nms_612_allows_hundredths_of_a_cent_below_one_dollar(api: Api) -> None:
    """Below $1.00 Rule 612 allows $0.0001 increments, and no finer."""
    api.pin("AAPL", "0.5000", "0.5010", "0.5005")
    fine = api.placed(order_type="LMT", order_limit_price="0.4999", order_qty="100")
    assert fine["status"] == "working", fine["reject_reason"]
    rejected(
        api.placed(order_type="LMT", order_limit_price="0.49995", order_qty="100"), "sub-penny"
    )


def test_reg_nms_612_applies_to_a_modified_price_too(api: Api) -> None:
    """A modify to a sub-penny price is refused (409) and the order stays as it was."""
    order = api.placed(order_type="LMT", order_tif="GTC", order_limit_price="90.00")
    response = api.modify(order, order_limit_price="90.005")
    assert response.status_code == 409
    assert "sub-penny" in response.json()["message"]
    assert api.order(order)["order_limit_price"] == "90.00"


# -- the session: market orders while the market is shut, extended hours ----------------


@pytest.mark.parametrize("session", ["closed", "pre_market", "after_hours"])
def test_day_market_order_while_the_market_is_shut_is_queued_for_the_open(
    api: Api, session: str
) -> None:
    """Alpaca, Tradier and IBKR hold a DAY market order sent outside the regular session
    for the next open (Alpaca says "accepted", Tradier "pending", IBKR "PreSubmitted"),
    and send it when the session opens."""
    ibkr = open_account(api, "INTERACTIVEBROKERS")
    api.session(session)
    alpaca = api.placed()
    tradier = api.placed(account_id=CASH)
    interactive = api.placed(account_id=ibkr, broker="INTERACTIVEBROKERS")
    seen = [(o["status"], o["broker_status"]) for o in (alpaca, tradier, interactive)]
    assert seen == [("pending", "accepted"), ("pending", "pending"), ("pending", "PreSubmitted")]
    assert Decimal(api.balance()["open_orders_reserved"]) > 0  # the buying power it needs
    api.advance(60)
    assert api.order(alpaca)["status"] == "pending"
    api.session("regular")
    api.advance(1)
    for order in (alpaca, tradier, interactive):
        now = api.order(order)
        assert (now["status"], now["filled_qty"]) == ("filled", "1")


def test_queued_market_order_fills_when_the_clock_reaches_the_open(api: Api) -> None:
    """Sent at 17:00 New York, a DAY market order waits through the night and fills at
    9:30 the next morning, by the clock alone."""
    api.advance(7 * 3600)  # Wednesday 17:00 New York: after hours
    order = api.placed()
    assert order["broker_status"] == "accepted"
    api.advance(16.5 * 3600 - 60)  # Thursday 9:29
    assert api.order(order)["status"] == "pending"
    api.advance(61)
    filled = api.order(order)
    assert filled["status"] == "filled"
    opened = datetime(2026, 11, 19, 14, 30, tzinfo=UTC)
    assert datetime.fromisoformat(filled["fills"][0]["time"]) >= opened


def test_a_queued_market_order_can_be_cancelled_before_the_open(api: Api) -> None:
    """A queued order is the user's until it is sent: a cancel ends it and frees its
    buying power."""
    api.session("closed")
    order = api.placed(order_qty="100")
    assert api.cancel(order).status_code == 200
    api.session("regular")
    api.advance(1)
    assert api.order(order)["status"] == "cancelled"
    assert api.balance()["open_orders_reserved"] == "0.00"


@pytest.mark.parametrize(
    "code", [c for c, b in BROKERS.items() if b.off_hours_market is OffHoursMarket.REJECT]
)
def test_brokers_that_document_refusing_off_hours_market_orders_reject_them(
    api: Api, code: str
) -> None:
    """tastytrade, TradeZero and Webull accept market orders only in the regular session."""
    account = open_account(api, code)
    api.session("after_hours")
    order = api.placed(account_id=account, broker=code)
    rejected(order, "market orders are not accepted while the market is after-hours")


def test_ioc_market_order_cannot_wait_for_the_open(api: Api) -> None:
    """Only DAY and GTC market orders are held for the open; an IOC is refused."""
    api.session("closed")
    rejected(api.placed(order_tif="IOC"), "not accepted while the market is closed")


@pytest.mark.parametrize("tif", ["DAY+", "GTC+"])
def test_options_do_not_trade_in_extended_hours(api: Api, tif: str) -> None:
    """Listed options trade only in the regular session: a DAY+ / GTC+ option order is
    refused, and a multi-leg one is malformed by the contract (400, no order made)."""
    single = api.placed(
        instrument="OPT", symbol=CALL_100, side="BUY_TO_OPEN", order_type="LMT",
        order_limit_price="1.00", order_tif=tif,
    )  # fmt: skip
    rejected(single, "options orders are not eligible for extended hours")
    spread = api.place(
        instrument="MLEG_OPT", symbol=None, side=None, order_type="LMT", order_tif=tif,
        order_limit_price="2.00",
        legs=[
            {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
            {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": "1"},
        ],
    )  # fmt: skip
    assert spread.status_code == 400
    assert spread.json()["message"].startswith(f"order_tif: '{tif}' is not one of")


def test_extended_hours_orders_must_be_limit_orders(api: Api) -> None:
    """Extended-hours sessions take limit orders only (Alpaca: DAY limit orders)."""
    api.session("pre_market")
    rejected(api.placed(order_tif="DAY+"), "extended hours order must be DAY limit orders")
    resting = api.placed(order_tif="DAY+", order_type="LMT", order_limit_price="100.10")
    assert resting["status"] == "filled"


# -- quantities: whole contracts, fractional shares and notional orders ------------------


@pytest.mark.parametrize("quantity", ["0.5", "0.001", "1.5"])
def test_option_contracts_trade_in_whole_numbers(api: Api, quantity: str) -> None:
    """No broker takes a fraction of an option contract."""
    order = api.placed(instrument="OPT", symbol=CALL_100, side="BUY_TO_OPEN", order_qty=quantity)
    rejected(order, "qty must be integer for options orders")


def test_multi_leg_order_of_a_fractional_quantity_is_refused(api: Api) -> None:
    """A spread of 0.5 is half a contract on each leg: refused."""
    order = api.placed(
        instrument="MLEG_OPT", symbol=None, side=None, order_qty="0.5",
        legs=[
            {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
            {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": "1"},
        ],
    )  # fmt: skip
    rejected(order, "integer")


def test_futures_trade_in_whole_contracts(api: Api) -> None:
    """A future is a whole contract too (IBKR words its refusal in TWS style)."""
    account = open_account(api, "INTERACTIVEBROKERS")
    order = api.placed(
        account_id=account, broker="INTERACTIVEBROKERS", instrument="FUT", symbol="ESZ6",
        order_qty="0.5",
    )  # fmt: skip
    rejected(order, "Order rejected - reason: order_qty 0.5: options and futures trade in whole")


def test_a_futures_sell_with_nothing_held_opens_a_short(api: Api) -> None:
    """Futures are sold, not borrowed: a plain SELL of a contract with none held opens a
    short position in a margin account (no SELL_SHORT, no borrow)."""
    account = open_account(api, "INTERACTIVEBROKERS")
    order = api.placed(
        account_id=account, broker="INTERACTIVEBROKERS", instrument="FUT", symbol="ESZ6",
        side="SELL", order_qty="1",
    )  # fmt: skip
    assert order["status"] == "filled", order["reject_reason"]
    assert api.positions(account)["ESZ6"]["quantity"] == "-1"


def test_alpaca_fractional_share_below_its_one_dollar_minimum_is_refused(api: Api) -> None:
    """Alpaca trades fractions of a share worth at least $1: a billionth of a share is
    refused ("cost basis must be >= 1") and the cash stays to the cent."""
    cash = api.cash()
    rejected(api.placed(order_qty="0.000000001"), "cost basis must be >= 1")
    assert api.cash() == cash
    assert api.positions() == {}


def test_alpaca_fractional_share_at_its_minimum_fills(api: Api) -> None:
    """Half a share of a $100 stock is worth $50: Alpaca fills it."""
    order = api.placed(order_qty="0.5")
    assert (order["status"], order["filled_qty"]) == ("filled", "0.5")


def test_fractional_shares_only_at_brokers_that_offer_them(api: Api) -> None:
    """Tradier trades whole shares only."""
    rejected(api.placed(account_id=CASH, order_qty="0.5"), "fractional shares are not offered")


def test_interactive_brokers_fractional_shares_go_in_steps_of_a_ten_thousandth(api: Api) -> None:
    """IBKR takes fractions to four places, not finer."""
    account = open_account(api, "INTERACTIVEBROKERS")
    fine = api.placed(account_id=account, broker="INTERACTIVEBROKERS", order_qty="0.5")
    assert fine["status"] == "filled"
    finer = api.placed(account_id=account, broker="INTERACTIVEBROKERS", order_qty="0.12345")
    rejected(finer, "steps of 0.0001")


def test_alpaca_notional_order_below_one_dollar_is_refused(api: Api) -> None:
    """Alpaca's dollar orders start at $1."""
    rejected(api.placed(order_qty=None, order_notional="0.50"), "cost basis must be >= 1")
    assert api.placed(order_qty=None, order_notional="1.00")["status"] == "filled"


def test_webull_fractional_and_notional_orders_start_at_five_dollars(api: Api) -> None:
    """Webull's fractional shares and dollar orders start at $5."""
    account = open_account(api, "WEBULL")
    small = api.placed(account_id=account, broker="WEBULL", order_qty="0.01")
    rejected(small, "must be worth at least 5")
    rejected(
        api.placed(account_id=account, broker="WEBULL", order_qty=None, order_notional="4.99"),
        "below the minimum of 5",
    )


def test_notional_orders_only_at_brokers_that_offer_them(api: Api) -> None:
    """Tradier takes quantities, not dollar amounts."""
    rejected(
        api.placed(account_id=CASH, order_qty=None, order_notional="100.00"),
        "notional (dollar amount) orders are not offered at Tradier",
    )


# -- options approval levels ----------------------------------------------------------


def test_naked_call_needs_options_level_4(api: Api) -> None:
    """Writing an uncovered call needs the top approval level; Alpaca offers up to level 3,
    so its margin account is refused in Alpaca's words."""
    order = api.placed(instrument="OPT", symbol=CALL_100, side="SELL_TO_OPEN")
    rejected(
        order,
        "account not eligible to trade uncovered (naked) calls (options trading level 3, "
        "level 4 required)",
    )


def test_level_4_account_may_write_naked_calls(api: Api) -> None:
    """An account approved for level 4 (Tradier offers it) writes an uncovered call."""
    account = open_account(api, "TRADIER", options_level=4)
    order = api.placed(
        account_id=account, broker="TRADIER", instrument="OPT", symbol=CALL_100,
        side="SELL_TO_OPEN",
    )  # fmt: skip
    assert order["status"] == "filled", order["reject_reason"]


def test_covered_call_needs_level_1_and_100_shares_per_contract(api: Api) -> None:
    """A call written against 100 shares held is covered: level 1 is enough; with 99
    shares it is uncovered."""
    account = open_account(api, "TRADIER", options_level=1)
    sell_call = {
        "account_id": account, "broker": "TRADIER", "instrument": "OPT", "symbol": CALL_100,
        "side": "SELL_TO_OPEN",
    }  # fmt: skip
    api.placed(account_id=account, broker="TRADIER", order_qty="99")
    rejected(api.placed(**sell_call), "uncovered (naked) calls: option level 1, level 4 required")
    api.placed(account_id=account, broker="TRADIER", order_qty="1")
    assert api.placed(**sell_call)["status"] == "filled"
    # Those 100 shares cover that one call: a second written on them is uncovered.
    rejected(api.placed(**sell_call), "uncovered (naked) calls: option level 1, level 4 required")


def test_long_options_need_level_2(api: Api) -> None:
    """Buying calls or puts needs level 2."""
    account = open_account(api, "TRADIER", options_level=1)
    order = api.placed(
        account_id=account, broker="TRADIER", instrument="OPT", symbol=PUT_90,
        side="BUY_TO_OPEN",
    )  # fmt: skip
    rejected(order, "Account is not approved for long options: option level 1, level 2 required")


def test_spreads_need_level_3(api: Api) -> None:
    """A multi-leg order that writes a leg needs level 3."""
    account = open_account(api, "TRADIER", options_level=2)
    order = api.placed(
        account_id=account, broker="TRADIER", instrument="MLEG_OPT", symbol=None, side=None,
        legs=[
            {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
            {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": "1"},
        ],
    )  # fmt: skip
    rejected(order, "spreads: option level 2, level 3 required")


def test_level_0_account_trades_no_options(api: Api) -> None:
    """Without options approval no option order is accepted."""
    account = open_account(api, "ALPACA", options_level=0)
    order = api.placed(account_id=account, instrument="OPT", symbol=CALL_100, side="BUY_TO_OPEN")
    rejected(order, "options trading level 0, level 2 required")


def test_accounts_show_their_options_approval_level(api: Api) -> None:
    """GET /accounts shows each account's level: the demo margin account (Alpaca) is
    approved for spreads (3), the demo cash account (Tradier) for long options (2)."""
    granted = open_account(api, "TRADIER", options_level=4)
    levels = {a["account_id"]: a["options_level"] for a in api.ok("/accounts")}
    assert (levels[MARGIN], levels[CASH], levels[granted]) == ("3", "2", "4")


# -- selling what is not held, and short sales ------------------------------------------


def test_sell_without_a_position_asks_for_sell_short_at_tradier(api: Api) -> None:
    """Tradier has a sell_short side: a plain sell of a stock not held is refused."""
    account = open_account(api, "TRADIER")
    order = api.placed(account_id=account, broker="TRADIER", side="SELL")
    rejected(order, "no long position. Use sell_short to open a short position")
    assert api.positions(account) == {}


@pytest.mark.parametrize(
    "code", [c for c, b in BROKERS.items() if b.trading and not b.sell_opens_short]
)
def test_sell_without_a_position_is_refused_where_the_broker_has_a_short_side(
    api: Api, code: str
) -> None:
    """Every broker with a separate short side refuses a plain sell of nothing held."""
    account = open_account(api, code)
    rejected(api.placed(account_id=account, broker=code, side="SELL"), "sell")
    assert api.positions(account) == {}


def test_alpaca_sell_without_a_position_opens_a_short(api: Api) -> None:
    """Alpaca's API has only buy and sell: in a margin account a sell of an easy-to-borrow
    stock not held opens a short, as Alpaca documents."""
    order = api.placed(side="SELL", order_qty="3")
    assert order["status"] == "filled"
    assert api.positions()["AAPL"]["quantity"] == "-3"


def test_sell_more_than_held_is_refused_rather_than_crossing_to_short(api: Api) -> None:
    """An order may not cross from long to short: selling 8 of 5 held is refused."""
    api.placed(order_qty="5")
    rejected(
        api.placed(side="SELL", order_qty="8"),
        "insufficient qty available for order (requested: 8, available: 5)",
    )


def test_short_sale_of_a_hard_to_borrow_stock_is_refused(api: Api) -> None:
    """Only stocks on the easy-to-borrow list can be shorted without a locate."""
    api.pin("BACpL", "1250.00", "1250.40", "1250.20")
    rejected(api.placed(symbol="BACpL", side="SELL_SHORT"), "asset BACpL is not shortable")
    account = open_account(api, "TRADIER")
    tradier = api.placed(account_id=account, broker="TRADIER", symbol="BACpL", side="SELL_SHORT")
    rejected(tradier, "BACpL is not available to sell short (hard to borrow)")


def test_short_sale_of_an_easy_to_borrow_stock_fills_in_a_margin_account(api: Api) -> None:
    """AAPL is easy to borrow: SELL_SHORT opens a short in a margin account."""
    assert api.placed(side="SELL_SHORT", order_qty="2")["status"] == "filled"
    assert api.positions()["AAPL"]["quantity"] == "-2"


def test_short_selling_needs_a_margin_account(api: Api) -> None:
    """A cash account cannot borrow shares, at any broker."""
    account = open_account(api, "ALPACA", "cash")
    rejected(api.placed(account_id=account, side="SELL_SHORT"), "short sale not allowed")
    rejected(api.placed(account_id=account, side="SELL"), "short sale not allowed")
    rejected(
        api.placed(account_id=account, side="SELL", order_qty=None, order_notional="100.00"),
        "short sale not allowed",
    )


def test_public_does_not_offer_short_selling(api: Api) -> None:
    """Public has no short selling, even in a margin account."""
    account = open_account(api, "PUBLIC")
    order = api.placed(account_id=account, broker="PUBLIC", side="SELL_SHORT")
    rejected(order, "short selling is not offered at Public")


def test_sell_short_while_long_is_refused(api: Api) -> None:
    """A short sale while holding the stock long is refused: sell the long first."""
    api.placed(order_qty="2")
    rejected(api.placed(side="SELL_SHORT"), "cannot open a short sell while a long position")


# -- the reserve through a pending cancel ----------------------------------------------


def test_buying_power_reserve_is_held_until_the_cancel_is_confirmed(api: Api) -> None:
    """A pending cancel can still fill at the broker, so the order keeps its buying power
    until the cancel is confirmed; then the reserve is released."""
    engine = api.broker.sim.engine
    account = api.broker.sim.store.accounts[MARGIN]
    order = api.placed(order_type="LMT", order_limit_price="90.00", order_qty="100")
    held = engine.balance_figures(account).open_orders_reserved
    assert held == Decimal("4500.00")  # 100 x 90.00 at 50% initial margin
    response = api.cancel(order)
    assert response.json()["status"] == "pending_cancel"
    assert engine.balance_figures(account).open_orders_reserved == held
    api.advance(1)
    assert api.order(order)["status"] == "cancelled"
    assert engine.balance_figures(account).open_orders_reserved == 0


def test_a_queued_market_order_survives_a_restart_and_fills_at_the_open(tmp_path: Path) -> None:
    """The broker holds a queued order, not the process: a mock restarted on the same
    database still shows it queued and sends it at the open."""
    path = tmp_path / "queued.db"
    with TestClient(create_app(settings(db_path=path))) as client:
        api = Api(client)
        api.advance(7 * 3600)  # Wednesday 17:00 New York
        order = api.placed()
        assert (order["status"], order["broker_status"]) == ("pending", "accepted")
    with TestClient(create_app(settings(db_path=path))) as client:
        api = Api(client)
        assert api.order(order)["broker_status"] == "accepted"
        api.advance(16.5 * 3600 + 1)  # Thursday 9:30:01
        assert api.order(order)["status"] == "filled"


@pytest.mark.parametrize(
    "order", [{"order_qty": "0.5"}, {"order_qty": None, "order_notional": "50.00"}],
    ids=["fraction", "notional"],
)  # fmt: skip
def test_fractional_shares_cannot_be_sold_short(api: Api, order: dict[str, Any]) -> None:
    """Shares are borrowed whole: Alpaca refuses a fractional or dollar-amount short."""
    rejected(api.placed(side="SELL_SHORT", **order), "fractional orders cannot be sold short")
    rejected(api.placed(side="SELL", **order), "fractional orders cannot be sold short")


def test_crypto_cannot_be_sold_short(api: Api) -> None:
    """Crypto is bought and sold, never borrowed: a short sale, or a sell of more than is
    held, is refused even in a margin account."""
    crypto = {"instrument": "CRYPTO", "symbol": "BTC/USD", "order_tif": "GTC"}
    rejected(api.placed(side="SELL_SHORT", order_qty="0.01", **crypto), "cannot be sold short")
    rejected(
        api.placed(side="SELL", order_qty="0.01", **crypto),
        "insufficient qty available for order (requested: 0.01, available: 0)",
    )


def test_day_market_order_on_an_nyse_holiday_is_queued_for_the_next_open() -> None:
    """Thanksgiving: the market is shut all day, so a DAY market order at Alpaca is queued
    and fills at the next regular open (Friday 09:30), not on the holiday."""
    thanksgiving = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 10:00 New York
    with TestClient(create_app(settings(clock_start=thanksgiving))) as client:
        api = Api(client)
        order = api.placed(symbol="AAPL")
        assert order["status"] == "pending"
        api.broker.sim.advance(6 * 3600)  # 16:00 on the holiday: still waiting
        assert api.order(order)["status"] == "pending"
        api.broker.sim.advance(17 * 3600 + 31 * 60)  # Friday 09:31
        assert api.order(order)["status"] == "filled"
