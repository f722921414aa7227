"""Time stepping: how ``step(now)`` brings every order up to the clock."""

from __future__ import annotations

from datetime import datetime

from connecttrade_mock.broker._engine_core import _EngineCore
from connecttrade_mock.broker._engine_support import NEVER, ONE_SECOND
from connecttrade_mock.broker.market_port import QuoteView
from connecttrade_mock.broker.resting import rests_quietly
from connecttrade_mock.broker.state import (
    Order,
    Store,
)
from connecttrade_mock.lifecycle import (
    OrderStatus,
)


class _Clockwork(_EngineCore):
    """Time stepping: confirmations, day rolls, and the sweep of the orders that can act."""

    def step(self, now: datetime) -> None:
        """Bring every order up to ``now``: confirmations first, then expiries and fills.

        Orders are swept at most once per simulated second, so a burst of requests at
        one moment costs O(1) each rather than O(open orders). A sweep works the orders
        that can act: resting limit orders only when the touch crosses their limit or they
        expire (see ``resting.py``), every other open order always. Between sweeps, with
        no cancel or replace to confirm and no new day, a step only notes the time."""
        if now > self._now:
            self._now = now
            if self._moment_quotes:
                self._moment_quotes.clear()
            if now >= self._second_ends:
                self._second_quotes.clear()
                self._second_ends = now.replace(microsecond=0) + ONE_SECOND
        if self._now >= self._roll_due:
            self._roll_day()
        if self._immediate:
            pending, self._immediate = self._immediate, {}
            for order in sorted(pending.values(), key=lambda o: o.seq):
                self._settle_request(order)
        if self._now < self._next_sweep:
            return
        self._next_sweep = self._now + ONE_SECOND
        for order in sorted(self._due().values(), key=lambda o: o.seq):
            if order.is_open and order.status not in (
                OrderStatus.PENDING_CANCEL,
                OrderStatus.PENDING_REPLACE,
            ):
                self._work(order)

    def _roll_day(self) -> None:
        """On a new day, daily P&L and today's realized P&L start again from the previous
        close for every position, traded today or not."""
        today = self._calendar()
        self._roll_due = today.ends
        if today.date != self._day:
            self._day = today.date
            for position in self.store.positions.values():
                if position.trading_day != today.date:
                    self._roll(position)
                    self.store.touch(position)

    def _due(self) -> dict[str, Order]:
        """The open orders a sweep must work now (a superset of those that will change)."""
        self._sync_orders()
        due = dict(self._active)
        for order in self._resting.expired(self._now):
            due[order.order_id] = order
        quotes: dict[str, QuoteView | None] = {}
        for symbol, buying in list(self._resting.symbols()):
            if symbol not in quotes:
                try:
                    quotes[symbol] = self._quote(symbol)
                except LookupError:
                    quotes[symbol] = None
            quote = quotes[symbol]
            if quote is None:
                orders = self._resting.everything(symbol, buying)
            else:
                orders = self._resting.crossing(symbol, buying, quote.ask if buying else quote.bid)
            for order in orders:
                due[order.order_id] = order
        return due

    def _sync_orders(self, placing: Order | None = None) -> None:
        """Bring the reserve sums and the resting-order index up to date with the orders
        that changed since the last call, except ``placing`` (an order awaiting the broker's
        verdict, left for the next call: indexed now, it would be indexed again at once)."""
        changes = self.store.order_changes
        if not changes:
            return
        held_back = None if placing is None else changes.pop(placing.order_id, None)
        open_orders = self.store.open_orders
        for order in self.store.take_order_changes():
            order_id = order.order_id
            if open_orders.get(order_id) is order:
                # An open order's reserve entry follows from what it was placed with, its
                # quantity and its fills: while they stand, so does the entry.
                entry = self._reserves.entry(order_id)
                if entry is None or not entry.made_from(order):
                    self._reserves.put(self._reserve_entry(order))
                if rests_quietly(order):
                    self._active.pop(order_id, None)
                    self._resting.add(order)  # kept in place if it was resting already
                else:
                    self._resting.remove(order_id)
                    self._active[order_id] = order
            else:
                self._reserves.discard(order_id)
                self._resting.remove(order_id)
                self._active.pop(order_id, None)
        if held_back is not None:
            changes[held_back.order_id] = held_back

    def use_store(self, store: Store) -> None:
        """Work on ``store`` (records loaded from disk): the next step rolls its positions
        into today and settles the cancels and replaces it left pending."""
        self.store = store
        self._day = None
        self._roll_due = NEVER
        self._holdings.clear()
        self._track_orders()
        self._immediate = {
            order.order_id: order
            for order in store.open_orders.values()
            if order.status in (OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE)
        }
