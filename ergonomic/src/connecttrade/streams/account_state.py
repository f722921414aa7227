"""The merge logic of a live account view: REST snapshots plus stream updates (pure).

Rules, in the order a view meets them:

1. Subscribe first; from the moment the stream is live, :meth:`AccountState.begin_sync`
   buffers every update instead of applying it.
2. Take the REST snapshot (orders, positions, balances of the accounts) and hand it to
   :meth:`AccountState.finish_sync`: the snapshot is applied, then the buffered updates,
   then later updates as they come.
3. An update is applied only when its ``version`` is above the version held for that
   entity; stale and repeated updates are dropped, so none is applied twice or out of
   order.

REST answers carry the same versions as the stream, so the snapshot is merged by version
too: a snapshot order replaces the held one only when newer; a snapshot position or
balance replaces the held one when its version is at least the held one (at an equal
version the snapshot is the fresher read of the same change: prices move the figures, not
the version). The buffered updates then apply only when newer than what the snapshot
held, so an update older than the snapshot never shows, not even briefly.

One case has no version to compare: a position the snapshot no longer lists has closed,
and REST does not list closed positions. If it closed after the subscription, an older
buffered update can show it open until the stream delivers the close, which it always
does. After a reconnect or a sequence gap the view syncs again the same way, dropping what
it had buffered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal, TypeAlias

from connecttrade.types.brokerage_events import BalanceUpdate, OrderUpdate, PositionUpdate
from connecttrade.types.results import Balance, Order, Position

__all__ = ["AccountChange", "AccountSnapshot", "AccountState", "AccountUpdate"]

AccountUpdate: TypeAlias = OrderUpdate | PositionUpdate | BalanceUpdate


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """What REST said about ``account_ids`` at one moment.

    Positions and balances of those accounts that the snapshot lacks are gone (a closed
    position is not listed). Orders the snapshot lacks are kept: a REST listing covers
    one day, and the view fetches the open ones it holds one by one.
    """

    account_ids: tuple[str, ...]
    orders: tuple[Order, ...] = ()
    positions: tuple[Position, ...] = ()
    balances: tuple[Balance, ...] = ()


@dataclass(frozen=True, slots=True)
class AccountChange:
    """One entity of the view changed.

    ``kind`` is ``order``, ``position`` or ``balance``; ``key`` the order id, the symbol
    or the account id; ``value`` the entity now (``None``: the position closed, or the
    entity is gone because the server restarted);
    ``version`` the entity's version now (``None`` for a position a snapshot no longer
    lists: REST gives no version for a closed position); ``source`` is ``stream`` or
    ``snapshot``.
    """

    kind: Literal["order", "position", "balance"]
    account_id: str
    key: str
    value: Order | Position | Balance | None
    version: int | None
    source: Literal["stream", "snapshot"]


@dataclass(slots=True)
class _Versions:
    orders: dict[str, int] = field(default_factory=dict)
    positions: dict[tuple[str, str], int] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)


class AccountState:
    """Orders, positions and balances of some users' accounts, merged by version.

    ``user_ids`` limits the state to those users' updates (``None``: every user the
    stream carries).
    """

    __slots__ = (
        "_balances",
        "_buffer",
        "_orders",
        "_positions",
        "_restart",
        "_syncing",
        "_users",
        "_versions",
    )

    def __init__(self, user_ids: Iterable[str] | None = None) -> None:
        self._users = None if user_ids is None else frozenset(user_ids)
        self._orders: dict[str, Order] = {}
        self._positions: dict[tuple[str, str], Position] = {}
        self._balances: dict[str, Balance] = {}
        self._versions = _Versions()
        self._syncing = False
        self._restart = False
        self._buffer: list[AccountUpdate] = []

    # ------------------------------------------------------------------ reads
    @property
    def syncing(self) -> bool:
        """True between :meth:`begin_sync` and :meth:`finish_sync`."""
        return self._syncing

    @property
    def buffered(self) -> int:
        """How many updates wait for the snapshot."""
        return len(self._buffer)

    def order(self, order_id: str) -> Order | None:
        """One order, if the view holds it."""
        return self._orders.get(order_id)

    def orders(self, account_id: str | None = None) -> list[Order]:
        """The orders held, optionally of one account, oldest first."""
        chosen = [o for o in self._orders.values() if account_id in (None, o.account_id)]
        return sorted(chosen, key=lambda o: (o.created_at, o.order_id))

    def positions(self, account_id: str | None = None) -> list[Position]:
        """The open positions, optionally of one account, by account and symbol."""
        return [
            self._positions[key] for key in sorted(self._positions) if account_id in (None, key[0])
        ]

    def balance(self, account_id: str) -> Balance | None:
        """The balance of one account, if held."""
        return self._balances.get(account_id)

    def balances(self) -> list[Balance]:
        """Every balance held, by account id."""
        return [self._balances[key] for key in sorted(self._balances)]

    def version_of(self, kind: Literal["order", "position", "balance"], key: str) -> int:
        """The version held for an entity (0 when none seen); positions key ``acc/SYM``."""
        if kind == "order":
            return self._versions.orders.get(key, 0)
        if kind == "balance":
            return self._versions.balances.get(key, 0)
        account_id, _, symbol = key.partition("/")
        return self._versions.positions.get((account_id, symbol), 0)

    # ------------------------------------------------------------------ writes
    def in_scope(self, update: AccountUpdate) -> bool:
        """Whether the update belongs to a user of this state."""
        return self._users is None or update.user_id in self._users

    def begin_sync(self, *, restart: bool = False) -> None:
        """Start buffering updates until the next snapshot.

        Anything buffered before is dropped: the snapshot about to be taken is newer than
        all of it. Keeping it would be wrong after a reconnect, where changes lost while
        disconnected are newer than what the old session buffered.

        ``restart``: the server restarted (close code 1012), so its versions may have
        started over; the snapshot then replaces everything held instead of merging.
        """
        self._syncing = True
        self._restart = self._restart or restart
        self._buffer = []

    def apply(self, update: AccountUpdate) -> AccountChange | None:
        """Apply a stream update if newer than held; buffer it while syncing.

        Returns the change made, or ``None`` (buffered, stale, repeated, out of scope).
        """
        if not self.in_scope(update):
            return None
        if self._syncing:
            self._buffer.append(update)
            return None
        return self._apply(update)

    def finish_sync(self, snapshot: AccountSnapshot) -> list[AccountChange]:
        """Apply a snapshot taken after :meth:`begin_sync`, then the buffered updates."""
        restarted, self._restart = self._restart, False
        before = self._forget_all() if restarted else None
        changes = self._apply_snapshot(snapshot)
        if before is not None:
            changes = _since(before, changes)
        buffered, self._buffer = self._buffer, []
        self._syncing = False
        for update in buffered:
            change = self._apply(update)
            if change is not None:
                changes.append(change)
        return changes

    def _forget_all(self) -> dict[tuple[str, str], AccountChange]:
        """Drop every entity and version (the server restarted, so its versions may start
        over); returns what was held, by :func:`_identity`."""
        held = [
            *(AccountChange("order", o.account_id, o.order_id, o, None, "snapshot")
              for o in self._orders.values()),
            *(AccountChange("position", a, symbol, p, None, "snapshot")
              for (a, symbol), p in self._positions.items()),
            *(AccountChange("balance", a, a, b, None, "snapshot")
              for a, b in self._balances.items()),
        ]  # fmt: skip
        self._orders.clear()
        self._positions.clear()
        self._balances.clear()
        self._versions = _Versions()
        return {_identity(change): change for change in held}

    def _apply(self, update: AccountUpdate) -> AccountChange | None:
        if isinstance(update, OrderUpdate):
            order = update.order
            if update.version <= self._versions.orders.get(order.order_id, 0):
                return None
            self._versions.orders[order.order_id] = update.version
            self._orders[order.order_id] = order
            return AccountChange(
                "order", order.account_id, order.order_id, order, update.version, "stream"
            )
        if isinstance(update, PositionUpdate):
            position = update.position
            key = (position.account_id, position.symbol)
            if update.version <= self._versions.positions.get(key, 0):
                return None
            self._versions.positions[key] = update.version
            value: Position | None = position
            if position.quantity == 0:
                self._positions.pop(key, None)
                value = None
            else:
                self._positions[key] = position
            return AccountChange(
                "position", position.account_id, position.symbol, value, update.version, "stream"
            )
        balance = update.balance
        if update.version <= self._versions.balances.get(balance.account_id, 0):
            return None
        self._versions.balances[balance.account_id] = update.version
        self._balances[balance.account_id] = balance
        return AccountChange(
            "balance", balance.account_id, balance.account_id, balance, update.version, "stream"
        )

    def _apply_snapshot(self, snapshot: AccountSnapshot) -> list[AccountChange]:
        changes: list[AccountChange] = []
        for order in snapshot.orders:
            if order.version > self._versions.orders.get(order.order_id, 0):
                self._versions.orders[order.order_id] = order.version
                self._orders[order.order_id] = order
                changes.append(
                    AccountChange(
                        "order", order.account_id, order.order_id, order, order.version, "snapshot"
                    )
                )
        covered = set(snapshot.account_ids)
        listed = {(p.account_id, p.symbol): p for p in snapshot.positions}
        for key in [k for k in self._positions if k[0] in covered and k not in listed]:
            del self._positions[key]
            changes.append(AccountChange("position", key[0], key[1], None, None, "snapshot"))
        for key, position in listed.items():
            if position.version < self._versions.positions.get(key, 0):
                continue  # the stream already showed a newer state
            self._versions.positions[key] = position.version
            if self._positions.get(key) != position:
                self._positions[key] = position
                changes.append(
                    AccountChange(
                        "position", key[0], key[1], position, position.version, "snapshot"
                    )
                )
        for balance in snapshot.balances:
            account_id = balance.account_id
            if balance.version < self._versions.balances.get(account_id, 0):
                continue
            self._versions.balances[account_id] = balance.version
            if self._balances.get(account_id) != balance:
                self._balances[account_id] = balance
                changes.append(
                    AccountChange(
                        "balance", account_id, account_id, balance, balance.version, "snapshot"
                    )
                )
        return changes


def _identity(change: AccountChange) -> tuple[str, str]:
    if change.kind == "position":
        return "position", f"{change.account_id}\0{change.key}"
    return change.kind, change.key


def _since(
    held: dict[tuple[str, str], AccountChange], changes: list[AccountChange]
) -> list[AccountChange]:
    """What a snapshot after a server restart changed against what the view held: an
    entity the snapshot shows as it was is no change, one it no longer lists is removed."""
    result: list[AccountChange] = []
    seen: set[tuple[str, str]] = set()
    for change in changes:
        identity = _identity(change)
        seen.add(identity)
        before = held.get(identity)
        if before is None or _unversioned(before.value) != _unversioned(change.value):
            result.append(change)
    for identity, before in held.items():
        if identity not in seen:
            result.append(
                AccountChange(before.kind, before.account_id, before.key, None, None, "snapshot")
            )
    return result


def _unversioned(value: Order | Position | Balance | None) -> object:
    """An entity as a restart compares it: its versions may have started over."""
    return None if value is None else replace(value, version=0)
