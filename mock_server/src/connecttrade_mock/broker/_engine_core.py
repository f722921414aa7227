"""The engine's state and the one place it changes: an order's status moves only through
:meth:`_EngineCore._apply` (``lifecycle.transition``), and every change is published to
the listeners from here."""

from __future__ import annotations

import abc
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from connecttrade_mock.broker import accounting
from connecttrade_mock.broker._engine_support import NEVER
from connecttrade_mock.broker.brokers import Broker
from connecttrade_mock.broker.engine_event import EngineEvent, Listener
from connecttrade_mock.broker.ids import IdFactory
from connecttrade_mock.broker.market_port import MarketPort, QuoteView
from connecttrade_mock.broker.outcome import Outcome
from connecttrade_mock.broker.resting import RestingOrders
from connecttrade_mock.broker.state import (
    Account,
    Order,
    Position,
    Store,
    UserKey,
)
from connecttrade_mock.broker.value_maker import ValueMaker
from connecttrade_mock.clock import (
    Session,
    TradingDay,
    session_at,
)
from connecttrade_mock.lifecycle import (
    OrderEvent,
    transition,
)


class _EngineCore(abc.ABC):
    """What the engine's parts share: its state, the clock and calendar, quotes at the
    current moment, and the lifecycle (the only place an order's status changes)."""

    def __init__(
        self,
        store: Store,
        market: MarketPort,
        ids: IdFactory,
        forced_session: Callable[[], Session | None] = lambda: None,
        values: ValueMaker | None = None,
    ) -> None:
        self.store = store
        self.values = values or ValueMaker()
        self.market = market
        self.ids = ids
        self.listeners: list[Listener] = []
        self.forced_outcome: Outcome | None = None
        self.forced_reason: str | None = None
        # A scenario's refused symbols: the broker's words for (symbol, now), or None.
        self.refusal: Callable[[str, datetime], str | None] | None = None
        self._forced_session = forced_session  # the control API's override, held by the clock
        self._now = NEVER
        self._today: TradingDay | None = None  # the calendar day of _now (see _calendar)
        self._day: date | None = None  # the day positions were last rolled into
        self._roll_due = NEVER  # the end of that day: no roll can be due before it
        self._next_sweep = NEVER
        self._immediate: dict[str, Order] = {}
        # Quotes read at _now, kept while they cannot change: a listed symbol's for the
        # rest of its second, an option's while _now stands still; both until the market's
        # pins change (its revision).
        self._second_quotes: dict[str, QuoteView] = {}
        self._moment_quotes: dict[str, QuoteView] = {}
        self._second_ends = NEVER
        self._quotes_revision = -1
        # Per account, the last valuation of its positions and what it was computed from.
        self._holdings: dict[str, tuple[object, accounting.Holdings]] = {}
        self._bands: dict[str, tuple[date, int, tuple[Decimal, Decimal]]] = {}
        self._multipliers: dict[str, Decimal] = {}
        self._track_orders()

    def _track_orders(self) -> None:
        """Start the engine's own indexes of open orders afresh (filled from the store's
        order changes by :meth:`_sync_orders`)."""
        self._reserves = accounting.ReserveBook()
        self._resting = RestingOrders()
        self._active: dict[str, Order] = {}  # open orders every tick works

    def session(self, now: datetime | None = None) -> Session:
        forced = self._forced_session()
        if forced is not None:
            return forced
        if now is None:
            return self._calendar().session_at(self._now)
        return session_at(now)

    def _calendar(self) -> TradingDay:
        """The New York day of ``_now`` (kept until ``_now`` leaves it: time only moves on)."""
        today = self._today
        if today is None or self._now >= today.ends:
            today = self._today = TradingDay.of(self._now)
        return today

    def _quote(self, symbol: str) -> QuoteView:
        """The quote of ``symbol`` at ``_now`` (``LookupError`` if the market has none)."""
        revision = self.market.revision
        if revision != self._quotes_revision:
            self._second_quotes.clear()
            self._moment_quotes.clear()
            self._quotes_revision = revision
        quote = self._second_quotes.get(symbol) or self._moment_quotes.get(symbol)
        if quote is None:
            quote = self.market.quote(symbol, self._now)
            if self.market.quoted_per_second(symbol):
                self._second_quotes[symbol] = quote
            else:
                self._moment_quotes[symbol] = quote
        return quote

    def _trading_day(self) -> date:
        return self._calendar().date

    @property
    def now(self) -> datetime:
        return self._now

    def _apply(self, order: Order, event: OrderEvent) -> None:
        """The only place an order's status changes: through the transition table."""
        order.status = transition(order.status, event)
        order.updated_at = self._now
        order.version += 1
        self.store.reindex_order(order)
        self.store.touch(order)
        self._emit_order(order)

    def _reject(self, order: Order, reason: str) -> None:
        order.reject_reason = reason
        self._apply(order, OrderEvent.REJECT)

    def _emit_order(self, order: Order) -> None:
        for listener in self.listeners:
            listener(EngineEvent("order", order.user_key, order.account_id, order))

    def _emit_balance(self, account: Account) -> None:
        account.balance_version += 1
        self.store.touch(account)
        for listener in self.listeners:
            listener(EngineEvent("balance", account.user_key, account.account_id, account))

    # What the other parts provide one another (each defined once, in its part).
    @abc.abstractmethod
    def _sync_orders(self, placing: Order | None = None) -> None:
        """See _clockwork.py."""

    @abc.abstractmethod
    def order_for(self, user_key: UserKey, account_id: str, order_id: str) -> Order:
        """Part of admission (_admission.py)."""

    @abc.abstractmethod
    def _check_entitled(self, account: Account, broker_given: str) -> None:
        """Part of admission (_admission.py)."""

    @abc.abstractmethod
    def _check_cl_order_id(self, account: Account, cl_order_id: str, field: str) -> None:
        """Part of admission (_admission.py)."""

    @abc.abstractmethod
    def _expiry(self, order: Order) -> datetime | None:
        """See _admission.py."""

    @abc.abstractmethod
    def _price_problem(self, order: Order, broker: Broker | None = None) -> str | None:
        """Part of admission (_admission.py)."""

    @abc.abstractmethod
    def _position_qty(self, account_id: str, symbol: str) -> Decimal:
        """Part of admission (_admission.py)."""

    @abc.abstractmethod
    def _notional_quantity(self, order: Order) -> Decimal:
        """See _reserves.py."""

    @abc.abstractmethod
    def _estimated_price(self, order: Order) -> Decimal:
        """See _reserves.py."""

    @abc.abstractmethod
    def _multiplier(self, order: Order) -> Decimal:
        """See _reserves.py."""

    @abc.abstractmethod
    def _reserve(self, account: Account, order: Order) -> Decimal:
        """See _reserves.py."""

    @abc.abstractmethod
    def _reserved(
        self, account: Account, exclude: Order | None, *, placing: bool = False
    ) -> Decimal:
        """See _reserves.py."""

    @abc.abstractmethod
    def _valued_holdings(self, account: Account) -> accounting.Holdings:
        """See _reserves.py."""

    @abc.abstractmethod
    def _reserve_entry(self, order: Order) -> accounting.Reserve:
        """See _reserves.py."""

    @abc.abstractmethod
    def _settle_request(self, order: Order) -> None:
        """The broker's answer to a pending cancel or replace. (_amending.py)"""

    @abc.abstractmethod
    def _may_trade_now(self, order: Order) -> bool:
        """Part of matching and booking (_matching.py)."""

    @abc.abstractmethod
    def _work(self, order: Order) -> None:
        """See _matching.py."""

    @abc.abstractmethod
    def _net_market_price(self, order: Order) -> Decimal:
        """See _matching.py."""

    @abc.abstractmethod
    def _roll(self, position: Position) -> None:
        """Part of matching and booking (_matching.py)."""

    @abc.abstractmethod
    def _record(
        self,
        account: Account,
        kind: str,
        amount: Decimal,
        description: str,
        **details: Any,
    ) -> None:
        """Part of matching and booking (_matching.py)."""
