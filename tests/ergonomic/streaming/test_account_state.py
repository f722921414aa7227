"""Tests of the live account view's merge rules (snapshot + versioned updates)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

import pytest

import connecttrade
from connecttrade._wire import parse
from connecttrade.streams._protocol.frames import parse_brokerage

from .stream_samples import BALANCE, POSITION, balance_update, order_body, order_update
from .stream_samples import position_update as position_frame


def _update(
    text: str,
) -> connecttrade.OrderUpdate | connecttrade.PositionUpdate | connecttrade.BalanceUpdate:
    frame = parse_brokerage(text)
    assert isinstance(
        frame, connecttrade.OrderUpdate | connecttrade.PositionUpdate | connecttrade.BalanceUpdate
    )
    return frame


def test_updates_apply_only_when_newer_than_held() -> None:
    """Versions decide: a repeat or an older update is dropped, none applies twice."""
    state = connecttrade.AccountState()
    applied = [
        state.apply(_update(order_update(seq=n, version=v, status=s)))
        for n, (v, s) in enumerate(
            [(1, "accepted"), (3, "filled"), (2, "partially_filled"), (3, "filled")], start=1
        )
    ]
    assert [c is not None for c in applied] == [True, True, False, False]
    held = state.order("ord_1")
    assert held is not None
    assert held.status is connecttrade.OrderStatus.FILLED


def test_updates_buffered_during_sync_apply_after_the_snapshot() -> None:
    """While syncing, updates wait; the snapshot lands first, then only newer updates."""
    state = connecttrade.AccountState()
    state.begin_sync()
    assert state.apply(_update(order_update(seq=1, version=2, status="partially_filled"))) is None
    assert state.apply(_update(order_update(seq=2, version=4, status="filled"))) is None
    snapshot = connecttrade.AccountSnapshot(
        account_ids=("acc_1",), orders=(parse.order(order_body(3, status="partially_filled")),)
    )
    changes = state.finish_sync(snapshot)
    assert [(c.source, c.version) for c in changes] == [("snapshot", 3), ("stream", 4)]
    assert not state.syncing


def test_a_buffered_update_newer_than_the_snapshot_applies_after_it() -> None:
    """A position update buffered during the sync and newer than the REST row replaces it."""
    state = connecttrade.AccountState()
    state.apply(_update(position_frame(seq=1, version=5, quantity="10")))
    state.begin_sync()
    state.apply(_update(position_frame(seq=2, version=6, quantity="30")))
    rest = parse.position({**POSITION, "version": "5", "quantity": "10", "last_price": "180"})
    changes = state.finish_sync(
        connecttrade.AccountSnapshot(account_ids=("acc_1",), positions=(rest,))
    )
    assert [(c.source, c.version) for c in changes] == [("snapshot", 5), ("stream", 6)]
    assert [p.quantity for p in state.positions()] == [Decimal(30)]
    assert state.version_of("position", "acc_1/AAPL") == 6


def _position_snapshot(version: int, **changes: str) -> connecttrade.AccountSnapshot:
    rest = parse.position({**POSITION, "version": str(version), **changes})
    return connecttrade.AccountSnapshot(account_ids=("acc_1",), positions=(rest,))


def _balance_snapshot(version: int, **changes: str) -> connecttrade.AccountSnapshot:
    rest = parse.balance({**BALANCE, "version": str(version), **changes})
    return connecttrade.AccountSnapshot(account_ids=("acc_1",), balances=(rest,))


def _held_position(state: connecttrade.AccountState) -> Decimal:
    (position,) = state.positions("acc_1")
    return position.quantity


def _held_cash(state: connecttrade.AccountState) -> Decimal:
    balance = state.balance("acc_1")
    assert balance is not None
    return balance.cash


VERSIONED_ENTITIES = [
    pytest.param(
        "position", position_frame, _position_snapshot, "quantity", _held_position, id="position"
    ),
    pytest.param("balance", balance_update, _balance_snapshot, "cash", _held_cash, id="balance"),
]


@pytest.mark.parametrize(("kind", "frame", "snapshot", "field", "held"), VERSIONED_ENTITIES)
def test_a_buffered_update_older_than_the_snapshot_is_discarded(
    kind: Literal["position", "balance"],
    frame: Callable[..., str],
    snapshot: Callable[..., connecttrade.AccountSnapshot],
    field: str,
    held: Callable[[connecttrade.AccountState], Decimal],
) -> None:
    """The regression: an update buffered during the sync but older than the REST snapshot
    is dropped, so the view never steps back to it, even briefly; newer updates still apply."""
    state = connecttrade.AccountState()
    state.apply(_update(frame(seq=1, version=5, **{field: "50"})))
    state.begin_sync()
    state.apply(_update(frame(seq=2, version=6, **{field: "60"})))  # older than the snapshot
    changes = state.finish_sync(snapshot(7, **{field: "70"}))
    assert [(c.kind, c.source, c.version) for c in changes] == [(kind, "snapshot", 7)]
    assert held(state) == Decimal(70)
    assert state.version_of(kind, "acc_1/AAPL" if kind == "position" else "acc_1") == 7
    assert state.apply(_update(frame(seq=3, version=7, **{field: "60"}))) is None
    assert state.apply(_update(frame(seq=4, version=8, **{field: "80"}))) is not None
    assert held(state) == Decimal(80)


@pytest.mark.parametrize(("kind", "frame", "snapshot", "field", "held"), VERSIONED_ENTITIES)
def test_a_snapshot_older_than_the_held_entity_does_not_replace_it(
    kind: Literal["position", "balance"],
    frame: Callable[..., str],
    snapshot: Callable[..., connecttrade.AccountSnapshot],
    field: str,
    held: Callable[[connecttrade.AccountState], Decimal],
) -> None:
    """A REST row at a lower version than the one held changes nothing."""
    state = connecttrade.AccountState()
    state.apply(_update(frame(seq=1, version=9, **{field: "90"})))
    state.begin_sync()
    assert state.finish_sync(snapshot(8, **{field: "80"})) == []
    assert held(state) == Decimal(90)
    assert state.version_of(kind, "acc_1/AAPL" if kind == "position" else "acc_1") == 9


@pytest.mark.parametrize(
    ("snapshot", "price_field"),
    [
        pytest.param(_position_snapshot, "last_price", id="position"),
        pytest.param(_balance_snapshot, "equity", id="balance"),
    ],
)
def test_a_snapshot_at_the_held_version_refreshes_prices(
    snapshot: Callable[..., connecttrade.AccountSnapshot], price_field: str
) -> None:
    """At an equal version the REST row is the fresher read (prices moved): it replaces the
    held one, and the same version arriving again from the stream is dropped."""
    state = connecttrade.AccountState()
    state.begin_sync()
    state.finish_sync(snapshot(4, **{price_field: "100"}))
    state.begin_sync()
    (change,) = state.finish_sync(snapshot(4, **{price_field: "101"}))
    assert (change.source, change.version) == ("snapshot", 4)
    assert getattr(change.value, price_field) == Decimal(101)
    assert state.finish_sync(snapshot(4, **{price_field: "101"})) == []


def test_snapshot_removes_positions_closed_while_away() -> None:
    """A position the snapshot of its account no longer lists is gone from the view."""
    state = connecttrade.AccountState()
    state.apply(_update(position_frame(seq=1, version=1)))
    state.begin_sync()
    changes = state.finish_sync(connecttrade.AccountSnapshot(account_ids=("acc_1",)))
    assert state.positions() == []
    assert [(c.kind, c.value) for c in changes] == [("position", None)]


def test_zero_quantity_update_closes_the_position() -> None:
    """The stream sends a closed position with quantity 0; the view drops it."""
    state = connecttrade.AccountState()
    state.apply(_update(position_frame(seq=1, version=1)))
    change = state.apply(_update(position_frame(seq=2, version=2, quantity="0")))
    assert change is not None
    assert change.value is None
    assert state.positions("acc_1") == []


def test_balances_merge_by_version_and_snapshot() -> None:
    """A balance snapshot replaces content; a later stream version replaces it again."""
    state = connecttrade.AccountState()
    state.begin_sync()
    rest = parse.balance({**BALANCE, "version": "1", "cash": "1.00"})
    state.finish_sync(connecttrade.AccountSnapshot(account_ids=("acc_1",), balances=(rest,)))
    state.apply(_update(balance_update(seq=1, version=3, cash="2.00")))
    state.apply(_update(balance_update(seq=2, version=2, cash="9.99")))
    held = state.balance("acc_1")
    assert held is not None
    assert held.cash == Decimal("2.00")
    assert held.version == 3


def test_updates_of_other_users_are_ignored() -> None:
    """A view of some users keeps none of another user's updates."""
    state = connecttrade.AccountState(user_ids=["u1"])
    assert state.apply(_update(order_update(seq=1, version=1, user_id="u2"))) is None
    assert state.orders() == []


def test_a_new_sync_drops_updates_buffered_for_the_previous_one() -> None:
    """Updates buffered before a reconnect are older than the next snapshot: dropped, so a
    position that closed while disconnected does not come back from the old buffer."""
    state = connecttrade.AccountState()
    state.apply(_update(position_frame(seq=1, version=5, quantity="5")))
    state.begin_sync()
    state.apply(_update(position_frame(seq=2, version=7, quantity="7")))
    state.begin_sync()  # the stream reconnected; the position closed (8) meanwhile
    state.finish_sync(connecttrade.AccountSnapshot(account_ids=("acc_1",)))
    assert state.positions() == []


def test_after_a_server_restart_the_snapshot_replaces_everything_held() -> None:
    """A restart (1012) may start versions over: the snapshot wins even at lower versions,
    what it changed is reported with its new value, and only what it no longer lists is
    reported gone."""
    state = connecttrade.AccountState()
    state.apply(_update(order_update(seq=1, version=7, status="filled")))
    state.apply(_update(position_frame(seq=2, version=9, quantity="90")))
    state.apply(_update(balance_update(seq=3, version=12, cash="1200")))
    state.begin_sync(restart=True)
    snapshot = connecttrade.AccountSnapshot(
        account_ids=("acc_1",),
        positions=(parse.position({**POSITION, "version": "1", "quantity": "5"}),),
        balances=(parse.balance({**BALANCE, "version": "0", "cash": "1000"}),),
    )
    changes = state.finish_sync(snapshot)
    assert state.order("ord_1") is None
    assert _held_position(state) == Decimal(5)
    assert _held_cash(state) == Decimal(1000)
    assert state.version_of("position", "acc_1/AAPL") == 1
    gone = [(c.kind, c.key) for c in changes if c.value is None]
    assert gone == [("order", "ord_1")]  # not in the snapshot
    assert sorted(c.kind for c in changes if c.value is not None) == ["balance", "position"]
    # The next sync merges by version again.
    state.begin_sync()
    assert state.finish_sync(_position_snapshot(0, quantity="1")) == []


def test_a_server_restart_that_changed_nothing_reports_nothing() -> None:
    """After a 1012 the view re-reads everything; a snapshot showing what the view already
    held (versions started over or not) is no change: no listener hears of removals."""
    state = connecttrade.AccountState()
    position = parse.position({**POSITION, "version": "9", "quantity": "90"})
    balance = parse.balance({**BALANCE, "version": "12", "cash": "1200"})
    state.finish_sync(
        connecttrade.AccountSnapshot(
            account_ids=("acc_1",), positions=(position,), balances=(balance,)
        )
    )
    state.begin_sync(restart=True)
    same = connecttrade.AccountSnapshot(
        account_ids=("acc_1",), positions=(position,), balances=(balance,)
    )
    assert state.finish_sync(same) == []
    assert _held_position(state) == Decimal(90)
    assert _held_cash(state) == Decimal(1200)


def test_a_restart_whose_versions_started_over_is_no_change_either() -> None:
    """The restarted server numbers versions from 1 again: the same state under new
    versions is still no change."""
    state = connecttrade.AccountState()
    before = parse.position({**POSITION, "version": "9", "quantity": "90"})
    state.finish_sync(connecttrade.AccountSnapshot(account_ids=("acc_1",), positions=(before,)))
    state.begin_sync(restart=True)
    after = parse.position({**POSITION, "version": "1", "quantity": "90"})
    snapshot = connecttrade.AccountSnapshot(account_ids=("acc_1",), positions=(after,))
    assert state.finish_sync(snapshot) == []
    assert state.version_of("position", "acc_1/AAPL") == 1
