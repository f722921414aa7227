"""SQLite persistence: a new mock on the same file carries on exactly where the last one
stopped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mock_api import CALL_100, CALL_110, CLIENT_HEADERS, Api, settings
from starlette.testclient import TestClient

from connecttrade_mock.app import create_app
from connecttrade_mock.simulator import DEMO, Simulator

EVERYTHING = {"status": "all", "start_time": "2000-01-01T00:00:00Z", "limit": 500}


@contextmanager
def mock_on(path: Path) -> Iterator[Api]:
    with TestClient(create_app(settings(db_path=path))) as client:
        yield Api(client)


def orders_of(api: Api) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = dict(EVERYTHING)
    while True:
        page = api.ok("/orders", **params)
        found.extend(page["orders"])
        if page["next_cursor"] is None:
            return found
        params["cursor"] = page["next_cursor"]


def snapshot(api: Api, users: list[Api]) -> dict[str, Any]:
    """Everything every list endpoint shows, for each user."""
    result: dict[str, Any] = {
        "users": api.client.get("/users", headers=CLIENT_HEADERS).json(),
    }
    for user in users:
        key = user.headers["user-id"]
        result[key] = {
            "connections": user.ok("/connections"),
            "accounts": user.ok("/accounts"),
            "balances": user.ok("/balances"),
            "positions": user.ok("/positions"),
            "orders": orders_of(user),
            "transactions": [user.transactions(a["account_id"]) for a in user.ok("/accounts")],
        }
    return result


def busy_day(api: Api) -> Api:
    """A day of activity: a new user and connection, fills, partial fills, a cancel, a
    replace, a spread, a rejection and a deposit."""
    user = api.new_user("persisted")
    account = user.account_of(user.connect("TRADESTATION"))
    user.placed(account_id=account, broker="TRADESTATION", symbol="ZVZZT", order_qty="7")
    user.placed(account_id=account, broker="TRADESTATION", symbol="ZWZZT", order_qty="9")
    api.placed(order_qty="12")
    api.placed(side="SELL", order_qty="5")
    resting = api.placed(order_type="LMT", order_limit_price="250.00", order_tif="GTC")
    api.cancel(resting)
    to_replace = api.placed(order_type="LMT", order_limit_price="251.00", order_tif="GTC")
    api.modify(to_replace, order_limit_price="252.00")
    api.placed(symbol="ZXZZT")
    api.placed(
        instrument="MLEG_OPT",
        symbol=None,
        side=None,
        legs=[
            {"symbol": CALL_100, "action": "BUY_TO_OPEN", "ratio": "1"},
            {"symbol": CALL_110, "action": "SELL_TO_OPEN", "ratio": "1"},
        ],
    )
    api.placed(account_id="acc_demo_cash", symbol="KO", order_qty="3")
    api.control("POST", "/cash", {"account_id": "acc_demo_cash", "amount": "1234.56"})
    api.advance(2)
    return user


def test_a_new_mock_on_the_same_file_shows_the_same_state(tmp_path: Path) -> None:
    """Every user, connection, account, order, fill, position, transaction and balance is
    identical after a restart on the same database file."""
    path = tmp_path / "m.db"
    with mock_on(path) as api:
        user = busy_day(api)
        secret = user.headers["user-secret"]
        before = snapshot(api, [api, user])
    with mock_on(path) as api:
        after = snapshot(api, [api, api.as_user("persisted", secret)])
    assert after == before


def test_state_survives_a_restart_days_later(tmp_path: Path) -> None:
    """Prices, balances and P&L are the same after a restart on a later simulated day as
    before it (the market walk does not restart from the new day)."""
    path = tmp_path / "m.db"
    with mock_on(path) as api:
        user = busy_day(api)
        api.advance(3 * 24 * 3600 + 7)  # Saturday
        api.placed(instrument="CRYPTO", symbol="BTC/USD", order_qty="0.01", order_tif="GTC")
        before = snapshot(api, [api, user])
        secret = user.headers["user-secret"]
    with mock_on(path) as api:
        after = snapshot(api, [api, api.as_user("persisted", secret)])
    assert after == before


def test_new_ids_do_not_collide_after_a_restart(tmp_path: Path) -> None:
    """Ids made after a restart are new: no order, fill, transaction, user secret or
    connection repeats one made before."""
    path = tmp_path / "m.db"

    def ids(state: dict[str, Any]) -> set[str]:
        found: set[str] = set()
        for user in ("demo-user", "persisted", "second"):
            if user not in state:
                continue
            for order in state[user]["orders"]:
                found.add(order["order_id"])
                found.update(f["fill_id"] for f in order["fills"])
            for account in state[user]["transactions"]:
                found.update(t["transaction_id"] for t in account)
            found.update(c["connection_id"] for c in state[user]["connections"])
            found.update(a["account_id"] for a in state[user]["accounts"])
        return found

    with mock_on(path) as api:
        user = busy_day(api)
        before = ids(snapshot(api, [api, user]))
    with mock_on(path) as api:
        second = api.new_user("second")
        account = second.account_of(second.connect("TRADESTATION"))
        second.placed(account_id=account, broker="TRADESTATION", symbol="ZVZZT")
        api.placed(symbol="ZVZZT")
        api.placed(symbol="ZVZZT")
        after = ids(snapshot(api, [api, second]))
    new = after - before
    assert len(new) >= 8
    assert not new & before


def test_pending_cancel_and_replace_settle_after_a_restart(tmp_path: Path) -> None:
    """A cancel or replace still pending when the mock stopped is confirmed by the next
    mock on the same file, not left pending for ever."""
    path = tmp_path / "m.db"
    with mock_on(path) as api:
        api.pin("AAPL", "100.00", "100.10", "100.05")
        to_cancel = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="GTC")
        to_replace = api.placed(order_type="LMT", order_limit_price="95.00", order_tif="GTC")
        replacement = api.modify(to_replace, order_limit_price="96.00").json()
        assert api.cancel(to_cancel).json()["status"] == "pending_cancel"
    with mock_on(path) as api:
        api.advance(1)
        assert api.order(to_cancel)["status"] == "cancelled"
        assert api.order(to_replace)["status"] == "replaced"
        assert api.order(replacement)["status"] == "working"


def test_deleted_records_stay_deleted(tmp_path: Path) -> None:
    """A user deleted before the restart is still gone after it, with their connection."""
    path = tmp_path / "m.db"
    with mock_on(path) as api:
        user = api.new_user("gone")
        user.connect("ALPACA")
        assert api.client.delete("/users/gone", headers=CLIENT_HEADERS).status_code == 200
    with mock_on(path) as api:
        users = api.client.get("/users", headers=CLIENT_HEADERS).json()
        assert [u["user_id"] for u in users] == ["demo-user"]


def test_reset_empties_the_file(tmp_path: Path) -> None:
    """``/_mock/reset`` starts the file over too: a restart after it shows only the demo
    tenant."""
    path = tmp_path / "m.db"
    with mock_on(path) as api:
        busy_day(api)
        api.control("POST", "/reset", {})
        fresh = snapshot(api, [api])
    with mock_on(path) as api:
        assert snapshot(api, [api]) == fresh
        assert len(fresh["demo-user"]["orders"]) == 0


def test_without_a_database_changes_are_counted_not_kept(tmp_path: Path) -> None:
    """A mock without a database keeps no list of changed records (it would only grow),
    yet every change still moves the store's version (what cached answers depend on); with
    a database the changes wait for the flush."""
    for db_path in (None, tmp_path / "state.db"):
        sim = Simulator(settings(db_path=db_path))
        sim.flush()
        before = sim.store.version
        sim.engine.place(
            (DEMO.client_id, DEMO.user_id),
            {
                "account_id": DEMO.margin_account_id,
                "cl_order_id": "kept-or-not",
                "broker": "ALPACA",
                "symbol": "ZVZZT",
                "side": "BUY",
                "order_type": "MKT",
                "order_tif": "DAY",
                "order_qty": "1",
            },
        )
        assert sim.store.version > before
        assert bool(sim.store.dirty) is (db_path is not None)
