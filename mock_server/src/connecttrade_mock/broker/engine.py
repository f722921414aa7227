"""The order engine: admission, rejection, matching against the simulated market, the
lifecycle (through ``lifecycle.transition`` only) and booking fills.

Time only moves through ``step(now)``. The HTTP layer calls it before each request and a
background task calls it while the clock runs, so a request handler never sees stale state.
Work that a real broker answers "a moment later" (cancel and replace confirmations, the
parts of a scripted partial fill) happens on the next step, which is why ``DELETE`` answers
``pending_cancel`` and the next read shows ``cancelled``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

from connecttrade_mock.broker import accounting
from connecttrade_mock.broker.brokers import lookup
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.ids import IdFactory
from connecttrade_mock.broker.resting import RestingOrders, rests_quietly
from connecttrade_mock.broker.state import (
    Account,
    Fill,
    Leg,
    Order,
    Position,
    Store,
    Transaction,
    UserKey,
)
from connecttrade_mock.clock import (
    Session,
    TradingDay,
    after_hours_close,
    regular_close,
    regular_open,
    session_at,
)
from connecttrade_mock.lifecycle import (
    CANCELLABLE,
    REPLACEABLE,
    OrderEvent,
    OrderStatus,
    cancel_rejected,
    transition,
)

__all__ = [
    "SCENARIO_SYMBOLS",
    "Engine",
    "EngineEvent",
    "MarketPort",
    "Outcome",
    "QuoteView",
    "ValueMaker",
    "plain_decimal",
    "plain_text",
]

ZERO = Decimal(0)
NINE_PLACES = Decimal("0.000000001")
ONE_SECOND = timedelta(seconds=1)
NEVER = datetime.min.replace(tzinfo=UTC)
# When each time in force runs out on a given day (GTC and the like never do).
CUTOFFS: Mapping[str, Callable[[date], datetime]] = {
    "OPEN": regular_open,  # market-on-open executes in the opening auction
    "DAY": regular_close,
    "CLOSE": regular_close,
    "DAY+": after_hours_close,
}
# What a position's value depends on besides its symbol's last price (see _holdings).
VALUED_FIELDS = attrgetter(
    "symbol", "instrument", "multiplier", "quantity", "day_basis", "realized_today"
)


class Outcome(StrEnum):
    """Scripted outcomes for deterministic tests (scenario symbols or the control API)."""

    FILL = "fill"
    """Fills completely at once, whatever the market or session."""
    PARTIAL = "partial"
    """Fills in three equal parts, one per engine step (one per simulated second)."""
    REJECT = "reject"
    """Rejected by the broker."""
    HOLD = "hold"
    """Accepted, never fills."""
    CANCEL_REFUSED = "cancel_refused"
    """Accepted, never fills, and the broker refuses every cancel."""


SCENARIO_SYMBOLS: Mapping[str, Outcome] = {
    # Nasdaq's own test symbols, so they can never collide with a real listing.
    "ZVZZT": Outcome.FILL,
    "ZWZZT": Outcome.PARTIAL,
    "ZXZZT": Outcome.REJECT,
    "ZAZZT": Outcome.HOLD,
    "ZBZZT": Outcome.CANCEL_REFUSED,
}
PARTIAL_STEPS = 3
SELLING_SIDES = frozenset({"SELL", "SELL_TO_CLOSE"})


class QuoteView(Protocol):
    """The top of book the engine trades against."""

    @property
    def bid(self) -> Decimal: ...
    @property
    def ask(self) -> Decimal: ...
    @property
    def bid_size(self) -> Decimal: ...
    @property
    def ask_size(self) -> Decimal: ...
    @property
    def last(self) -> Decimal: ...


class MarketPort(Protocol):
    """What the engine needs from the market simulator."""

    @property
    def revision(self) -> int:
        """Changes whenever a quote is pinned or unpinned."""
        ...

    def is_known(self, symbol: str) -> bool: ...
    def quote(self, symbol: str, at: datetime) -> QuoteView: ...
    def quoted_per_second(self, symbol: str) -> bool: ...
    def circuit_band(self, symbol: str, at: datetime) -> tuple[Decimal, Decimal]: ...
    def reference_price(self, symbol: str, at: datetime) -> Decimal: ...
    def multiplier(self, symbol: str) -> Decimal: ...
    def underlying_of(self, option_symbol: str) -> str | None: ...
    def strike_of(self, option_symbol: str) -> Decimal | None: ...
    def expiry_of(self, option_symbol: str) -> date | None: ...


class EngineEvent(NamedTuple):
    """A change the streams publish: ``kind`` is order, position or balance (a tuple:
    several are made for every order placed)."""

    kind: str
    user_key: UserKey
    account_id: str
    entity: Order | Position | Account


Listener = Callable[[EngineEvent], None]


class Engine:
    """Owns every state change of orders, positions and cash."""

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

    # ------------------------------------------------------------------ time
    def session(self, now: datetime | None = None) -> Session:
        forced = self._forced_session()
        if forced is not None:
            return forced
        if now is None:
            return self._calendar().session_at(self._now)
        return session_at(now)

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

    @property
    def now(self) -> datetime:
        return self._now

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

    # ------------------------------------------------------------------ admission
    def account_for(self, user_key: UserKey, account_id: str) -> Account:
        account = self.store.accounts.get(account_id)
        if account is None or account.user_key != user_key:
            raise ApiError(404, f"account {account_id} not found")
        return account

    def order_for(self, user_key: UserKey, account_id: str, order_id: str) -> Order:
        self.account_for(user_key, account_id)
        order = self.store.orders.get(order_id)
        if order is None or order.account_id != account_id:
            raise ApiError(404, f"order {order_id} not found in account {account_id}")
        return order

    def _check_entitled(self, account: Account, broker_given: str) -> None:
        broker = lookup(broker_given)
        if broker is None or broker.code != account.broker:
            # Accounts live under their broker: this one does not exist at the broker named.
            raise ApiError(
                404,
                f"account {account.account_id} not found at {broker_given.upper()} "
                f"(it is at {account.broker})",
            )
        connection = self.store.connections[account.connection_id]
        if not broker.trading:
            raise ApiError(
                401, f"not entitled: {broker.code} is a read-only broker; orders are refused"
            )
        if connection.connection_type != "trade" or not account.can_trade:
            raise ApiError(
                401,
                f"not entitled: connection {connection.connection_id} is read-only; "
                "create a 'trade' connection to place orders",
            )

    def _check_cl_order_id(self, account: Account, cl_order_id: str, field: str) -> None:
        key = (account.account_id, self._trading_day(), cl_order_id)
        if key in self.store.cl_order_ids:
            raise ApiError(
                409,
                f"{field}: {cl_order_id!r} was already used today on account "
                f"{account.account_id} (order {self.store.cl_order_ids[key]})",
            )

    def _trading_day(self) -> date:
        return self._calendar().date

    def place(self, user_key: UserKey, body: Mapping[str, Any]) -> Order:
        """Admit an order (404/401/409 as ``ApiError``), then let the broker accept or
        reject it, and fill what is marketable at once."""
        account = self.account_for(user_key, body["account_id"])
        self._check_entitled(account, body["broker"])
        self._check_cl_order_id(account, body["cl_order_id"], "cl_order_id")
        values = self.values
        instrument = values.text(body.get("instrument", "STK"))
        given_legs = body.get("legs")
        legs = (
            tuple(
                Leg(leg["symbol"].replace(" ", ""), leg["action"], int(leg["ratio"]))
                for leg in given_legs
            )
            if given_legs
            else ()
        )
        symbol = body.get("symbol")
        order = Order(
            order_id=self.ids.new("ord"),
            seq=self.store.next_seq(),
            account_id=account.account_id,
            client_id=account.client_id,
            user_id=account.user_id,
            cl_order_id=body["cl_order_id"],
            broker=account.broker,
            instrument=instrument,
            symbol=values.text(symbol.replace(" ", "")) if isinstance(symbol, str) else None,
            side=values.text(body.get("side")),
            order_type=values.text(body["order_type"]),
            order_tif=values.text(body["order_tif"]),
            order_qty=values.decimal(body.get("order_qty")),
            order_notional=values.decimal(body.get("order_notional")),
            order_limit_price=values.decimal(body.get("order_limit_price")),
            stop_price=values.decimal(body.get("stop_price")),
            legs=legs,
            status=OrderStatus.PENDING,
            created_at=self._now,
            updated_at=self._now,
            trading_day=self._trading_day(),
            expires_at=None,
        )
        order.expires_at = self._expiry(order)
        order.scenario = self._take_outcome(order)
        self.store.add(order)
        self._emit_order(order)
        reason = self._rejection(account, order)
        if reason is not None:
            self._reject(order, reason)
            return order
        self._apply(order, OrderEvent.ACCEPT)
        self._emit_balance(account)
        self._work(order)
        return order

    def _take_outcome(self, order: Order) -> str | None:
        if self.forced_outcome is not None:
            outcome, self.forced_outcome = self.forced_outcome, None
            return outcome.value
        symbols = [order.symbol] if order.symbol else [leg.symbol for leg in order.legs]
        for symbol in symbols:
            root = self.market.underlying_of(symbol) if order.instrument != "STK" else symbol
            if root is not None and root in SCENARIO_SYMBOLS:
                return SCENARIO_SYMBOLS[root].value
        return None

    def _expiry(self, order: Order) -> datetime | None:
        """When the order's time in force runs out: the next such moment of a weekday (an
        order entered at the weekend or after the cut-off belongs to the next trading day)."""
        cutoff = CUTOFFS.get(order.order_tif)
        if cutoff is None:
            return None
        day = self._trading_day()
        if day.weekday() < 5:
            today = cutoff(day)
            if self._now < today:
                return today
        return cutoff(_next_weekday(day))

    def _rejection(self, account: Account, order: Order) -> str | None:
        """Why the broker refuses the order, or None. Order of checks follows a broker's:
        scripted outcome, permissions, symbols, account rules, session, price, money."""
        if order.scenario == Outcome.REJECT:
            return self.forced_reason or "rejected by broker (scenario)"
        broker = lookup(order.broker)
        assert broker is not None
        if order.instrument in ("OPT", "MLEG_OPT") and not broker.options:
            return f"options not permitted at {broker.code}"
        if order.instrument == "FUT" and not broker.futures:
            return f"futures not permitted at {broker.code}"
        if order.instrument == "CRYPTO" and not broker.crypto:
            return f"crypto not permitted at {broker.code}"
        if order.instrument == "MLEG_OPT":
            legs_problem = self._legs_problem(order.legs)
            if legs_problem is not None:
                return legs_problem
        elif order.symbol is None or not self.market.is_known(order.symbol):
            return f"unknown symbol {order.symbol}"
        elif order.instrument == "OPT" and self._expired(order.symbol):
            return f"option {order.symbol} has expired"
        cash_account = account.account_type == "cash"
        if cash_account and order.side == "SELL_TO_OPEN":
            return "options not permitted: uncovered short options in a cash account"
        if cash_account and any(leg.action == "SELL_TO_OPEN" for leg in order.legs):
            return "options not permitted: multi-leg spreads need a margin account"
        if cash_account and order.side == "SELL_SHORT":
            return "short sale not allowed in a cash account"
        if cash_account and order.side in SELLING_SIDES and order.symbol is not None:
            # What the account holds, less what resting sells already promised, is all a
            # cash account may sell (notional sells count at the bid).
            selling = (
                order.order_qty if order.order_qty is not None else self._notional_quantity(order)
            )
            held = max(self._position_qty(account.account_id, order.symbol), ZERO)
            self._sync_orders()
            committed = sum(
                (
                    o.remaining_qty or ZERO
                    for o in self._reserves.sellers(account.account_id, order.symbol)
                    if o is not order
                ),
                ZERO,
            )
            if selling > held - committed:
                promised = f", {committed} of it in open sell orders" if committed else ""
                return (
                    f"short sale not allowed in a cash account: selling {selling} "
                    f"{order.symbol}, holding {held}{promised}"
                )
        if (
            order.order_notional is not None
            and order.symbol is not None
            and self._notional_quantity(order) <= 0
        ):
            return f"order_notional {order.order_notional} is too small to trade any {order.symbol}"
        if (
            order.scenario is None
            and order.order_type == "MKT"
            and order.order_tif not in ("OPEN", "CLOSE")  # auction orders wait for their moment
            and not self._may_trade_now(order)
        ):
            return f"market order while the market is {self.session().value.replace('_', '-')}"
        band_problem = self._band_problem(order)
        if band_problem is not None:
            return band_problem
        cost = self._reserve(account, order)
        if cost > 0:
            available = accounting.available_for_orders(
                account,
                self._valued_holdings(account),
                self._reserved(account, exclude=order, placing=True),
            )
            if cost > available:
                return (
                    f"insufficient buying power: order needs {cost.quantize(Decimal('0.01'))}, "
                    f"available {max(available, ZERO).quantize(Decimal('0.01'))}"
                )
        return None

    def _legs_problem(self, legs: tuple[Leg, ...]) -> str | None:
        symbols = [leg.symbol for leg in legs]
        if len(set(symbols)) != len(symbols):
            return "bad legs: the same contract appears in two legs"
        underlyings = {self.market.underlying_of(s) for s in symbols}
        if None in underlyings:
            unknown = next(s for s in symbols if self.market.underlying_of(s) is None)
            return f"bad legs: {unknown} is not an option symbol"
        if len(underlyings) != 1:
            names = ", ".join(sorted(map(str, underlyings)))
            return f"bad legs: legs span several underlyings ({names})"
        for symbol in symbols:
            if not self.market.is_known(symbol):
                return f"unknown symbol {symbol}"
            if self._expired(symbol):
                return f"bad legs: {symbol} has expired"
        if math.gcd(*(leg.ratio for leg in legs)) != 1:
            return "bad legs: ratios must be in lowest terms (e.g. 1:2, not 2:4)"
        return None

    def _expired(self, option_symbol: str) -> bool:
        expiry = self.market.expiry_of(option_symbol)
        return expiry is not None and expiry < self._trading_day()

    def _band_problem(self, order: Order) -> str | None:
        limit, stop = order.order_limit_price, order.stop_price
        if order.symbol is None or (limit is None and stop is None):
            return None
        low, high = self._circuit_band(order.symbol)
        for name, price in (("limit", limit), ("stop", stop)):
            if price is not None and not low <= price <= high:
                return (
                    f"price outside the circuit band: {name} {price} is outside "
                    f"{low}-{high} for {order.symbol}"
                )
        return None

    def _circuit_band(self, symbol: str) -> tuple[Decimal, Decimal]:
        """The limit prices the broker accepts now. A listed symbol's band is kept for the
        trading day and the market's pins, of which it is a pure function."""
        day, revision = self._trading_day(), self.market.revision
        kept = self._bands.get(symbol)
        if kept is not None and kept[0] == day and kept[1] == revision:
            return kept[2]
        band = self.market.circuit_band(symbol, self._now)
        if self.market.quoted_per_second(symbol):
            self._bands[symbol] = (day, revision, band)
        return band

    def _position_qty(self, account_id: str, symbol: str) -> Decimal:
        position = self.store.positions.get((account_id, symbol))
        return position.quantity if position else ZERO

    # ------------------------------------------------------------------ money
    def _estimated_price(self, order: Order) -> Decimal:
        if order.instrument == "MLEG_OPT":
            return abs(order.order_limit_price or self._net_market_price(order))
        if order.order_limit_price is not None:
            return order.order_limit_price
        assert order.symbol is not None
        quote = self._quote(order.symbol)
        reference = quote.ask if order.side in accounting.BUY_SIDES else quote.bid
        return max(reference, order.stop_price or ZERO)

    def _notional_quantity(self, order: Order) -> Decimal:
        """What a notional order would trade at today's touch (9 places, rounded down)."""
        price = self._estimated_price(order)
        if price <= 0:
            return ZERO
        return ((order.order_notional or ZERO) / price).quantize(NINE_PLACES, ROUND_DOWN)

    def _multiplier(self, order: Order) -> Decimal:
        if order.instrument == "MLEG_OPT":
            return Decimal(100)
        assert order.symbol is not None
        multiplier = self._multipliers.get(order.symbol)
        if multiplier is None:
            # A symbol's contract multiplier never changes: asked for once per symbol.
            multiplier = self._multipliers[order.symbol] = self.market.multiplier(order.symbol)
        return multiplier

    def _reserve(self, account: Account, order: Order) -> Decimal:
        """Buying power the order blocks while open (zero if it only reduces a position)."""
        if order.instrument == "MLEG_OPT":
            if order.order_limit_price is not None and order.order_limit_price < 0:
                return (
                    ZERO  # a net credit brings money in; the short legs' margin is booked on fill
                )
        elif order.side is not None and order.symbol is not None:
            held = self._position_qty(account.account_id, order.symbol)
            buying = order.side in accounting.BUY_SIDES
            if (buying and held < 0) or (not buying and held > 0):
                return ZERO
            if not buying and order.side not in ("SELL_SHORT", "SELL_TO_OPEN", "SELL"):
                return ZERO
        try:
            price = self._estimated_price(order)
        except LookupError:
            return ZERO  # an unknown symbol blocks nothing; the order is rejected for it
        return accounting.order_reserve(
            order, price, self._multiplier(order), account.account_type == "margin"
        )

    def balance_figures(
        self, account: Account, exclude: Order | None = None
    ) -> accounting.BalanceFigures:
        """The account's balance now, with open orders' reserve (``exclude`` not counted)."""
        reserved = self._reserved(account, exclude)
        return accounting.balance_of(account, self._valued_holdings(account), reserved)

    def _reserved(
        self, account: Account, exclude: Order | None, *, placing: bool = False
    ) -> Decimal:
        """What the account's open orders reserve now (``exclude`` not counted; ``placing``:
        it is being placed, so its change need not be synced to leave it out)."""
        self._sync_orders(exclude if placing else None)
        return self._reserves.total(
            account.account_id,
            self.store.positions_by_symbol(account.account_id),
            functools.partial(self._reserve, account),
            exclude,
        )

    def _valued_holdings(self, account: Account) -> accounting.Holdings:
        """What the account's positions are worth and require now. Kept per account with
        everything it is a pure function of (the account type and each position's valued
        fields and last price), and computed afresh when any of them differs."""
        positions = tuple(self.store.positions_of(account.account_id))
        lasts = tuple([self.last_price(position) for position in positions])
        key = (account.account_type, tuple(map(VALUED_FIELDS, positions)), lasts)
        kept = self._holdings.get(account.account_id)
        if kept is not None and kept[0] == key:
            return kept[1]
        priced = zip(positions, lasts, strict=True)
        margin = account.account_type == "margin"
        holdings = accounting.value_holdings(margin, priced, self.market.strike_of)
        self._holdings[account.account_id] = (key, holdings)
        return holdings

    def _reserve_entry(self, order: Order) -> accounting.Reserve:
        """How ``order`` counts in its account's reserve; mirrors :meth:`_reserve`, which
        stays the one definition for orders priced at the live quote."""
        selling = order.side in SELLING_SIDES and order.symbol is not None
        kind, amount = accounting.ReserveKind.PRICED, ZERO
        margin = self.store.accounts[order.account_id].account_type == "margin"
        limit = order.order_limit_price
        if order.instrument == "MLEG_OPT":
            if limit is not None and limit < 0:
                kind = accounting.ReserveKind.FIXED  # a net credit blocks nothing
            elif limit:  # a zero limit is priced at the market's net, like no limit
                kind = accounting.ReserveKind.FIXED
                amount = accounting.order_reserve(order, abs(limit), Decimal(100), margin)
        elif order.side is not None and order.symbol is not None and limit is not None:
            buying = order.side in accounting.BUY_SIDES
            if not buying and order.side not in ("SELL_SHORT", "SELL_TO_OPEN", "SELL"):
                kind = accounting.ReserveKind.FIXED  # a closing sell blocks nothing
            else:
                kind = accounting.ReserveKind.BUY if buying else accounting.ReserveKind.SELL
                amount = accounting.order_reserve(order, limit, self._multiplier(order), margin)
        return accounting.Reserve(order, kind, amount, selling, order.order_qty, len(order.fills))

    def last_price(self, position: Position) -> Decimal:
        return self._quote(position.symbol).last

    def deposit(self, account: Account, amount: Decimal, description: str) -> None:
        """Credit (or debit, if negative) cash, as a deposit or withdrawal transaction."""
        account.cash += amount
        self._record(
            account,
            "deposit" if amount >= 0 else "withdrawal",
            amount,
            description,
        )
        self._emit_balance(account)

    # ------------------------------------------------------------------ modify / cancel
    def cancel(self, user_key: UserKey, account_id: str, order_id: str) -> Order:
        order = self.order_for(user_key, account_id, order_id)
        if order.status not in CANCELLABLE:
            raise ApiError(
                409,
                f"order {order_id} is {order.status.value} and cannot be cancelled",
            )
        self._apply(order, OrderEvent.CANCEL_REQUEST)
        self._immediate[order.order_id] = order
        return order

    def modify(
        self, user_key: UserKey, account_id: str, order_id: str, body: Mapping[str, Any]
    ) -> Order:
        original = self.order_for(user_key, account_id, order_id)
        account = self.store.accounts[account_id]
        if original.status not in REPLACEABLE:
            raise ApiError(
                409, f"order {order_id} is {original.status.value} and cannot be modified"
            )
        self._check_entitled(account, body["broker"])
        self._check_cl_order_id(account, body["new_cl_order_id"], "new_cl_order_id")
        changes = {
            k: self.values.decimal(body.get(k))
            for k in ("order_qty", "order_notional", "order_limit_price", "stop_price")
        }
        if changes["order_limit_price"] is not None and original.order_type not in (
            "LMT",
            "STPLMT",
        ):
            raise ApiError(
                409, f"order_limit_price: a {original.order_type} order has no limit price"
            )
        if changes["stop_price"] is not None and original.order_type not in ("STP", "STPLMT"):
            raise ApiError(409, f"stop_price: a {original.order_type} order has no stop price")
        if changes["order_notional"] is not None and original.order_notional is None:
            raise ApiError(409, "order_notional: only notional orders can change their notional")
        if changes["order_qty"] is not None and original.order_qty is None:
            raise ApiError(409, "order_qty: a notional order cannot be given a quantity")
        new_qty = changes["order_qty"]
        if new_qty is not None and new_qty <= original.filled_qty:
            raise ApiError(
                409,
                f"order_qty: {new_qty} is not more than the {original.filled_qty} already filled",
            )
        remaining_qty = (
            (new_qty if new_qty is not None else original.order_qty) - original.filled_qty
            if original.order_qty is not None
            else None
        )
        replacement = Order(
            order_id=self.ids.new("ord"),
            seq=self.store.next_seq(),
            account_id=original.account_id,
            client_id=original.client_id,
            user_id=original.user_id,
            cl_order_id=body["new_cl_order_id"],
            broker=original.broker,
            instrument=original.instrument,
            symbol=original.symbol,
            side=original.side,
            order_type=original.order_type,
            order_tif=body.get("order_tif", original.order_tif),
            order_qty=remaining_qty,
            order_notional=changes["order_notional"] or original.order_notional,
            order_limit_price=changes["order_limit_price"] or original.order_limit_price,
            stop_price=changes["stop_price"] or original.stop_price,
            legs=original.legs,
            status=OrderStatus.PENDING,
            created_at=self._now,
            updated_at=self._now,
            trading_day=self._trading_day(),
            expires_at=None,
            replaces_order_id=original.order_id,
            scenario=original.scenario,
            triggered=original.triggered,
        )
        replacement.expires_at = self._expiry(replacement)
        band_problem = self._band_problem(replacement)
        if band_problem is not None:
            # The replacement would be refused by the broker: the order stays as it was.
            field = "stop_price" if ": stop " in band_problem else "order_limit_price"
            raise ApiError(409, f"{field}: {band_problem}")
        self._apply(original, OrderEvent.REPLACE_REQUEST)
        original.pending_replacement_id = replacement.order_id
        self.store.add(replacement)
        self._emit_order(replacement)
        # The pending replacement reserves buying power beside the original until settled.
        self._emit_balance(account)
        self._immediate[original.order_id] = original
        return replacement

    def _settle_request(self, order: Order) -> None:
        """The broker's answer to a pending cancel or replace."""
        if order.status is OrderStatus.PENDING_CANCEL:
            if order.scenario == Outcome.CANCEL_REFUSED:
                self._apply(order, cancel_rejected(filled_any=bool(order.fills)))
            else:
                self._apply(order, OrderEvent.CANCEL_CONFIRM)
            self._emit_balance(self.store.accounts[order.account_id])
        elif order.status is OrderStatus.PENDING_REPLACE:
            replacement = self.store.orders[order.pending_replacement_id or ""]
            # Set before the transition, so the update it emits carries the link.
            order.replaced_by_order_id = replacement.order_id
            order.pending_replacement_id = None
            self._apply(order, OrderEvent.REPLACE_CONFIRM)
            self._apply(replacement, OrderEvent.ACCEPT)
            # The original's reserve is freed: the replacement alone holds buying power now.
            self._emit_balance(self.store.accounts[order.account_id])
            self._work(replacement)
        elif order.pending_replacement_id is not None:
            # The original filled or expired before the broker got to the replace.
            replacement = self.store.orders[order.pending_replacement_id]
            order.pending_replacement_id = None
            self._reject(replacement, f"original order {order.order_id} is {order.status.value}")
            self._emit_balance(self.store.accounts[order.account_id])  # its reserve is freed

    # ------------------------------------------------------------------ matching
    def _may_trade_now(self, order: Order) -> bool:
        session = self.session()
        if order.order_tif in ("DAY+", "GTC+"):
            return session in (Session.PRE_MARKET, Session.REGULAR, Session.AFTER_HOURS)
        if order.instrument == "CRYPTO":
            return True  # crypto trades around the clock
        return session is Session.REGULAR

    def _work(self, order: Order) -> None:
        """Expire, trigger and fill one open order as far as the market allows now."""
        if order.expires_at is not None and self._now >= order.expires_at:
            if order.order_tif in ("OPEN", "CLOSE") and order.scenario is None:
                # On/at-the-close orders trade in the auction at that moment, whole or not at all.
                self._fill_at_market(order, auction=True)
            if order.is_open:
                self._apply(order, OrderEvent.EXPIRE)
                self._emit_balance(self.store.accounts[order.account_id])
            return
        if order.scenario is not None:
            if not (order.order_tif == "FOK" and order.scenario == Outcome.PARTIAL):
                self._work_scripted(order)  # a FOK cannot take a scripted part-fill
            self._cancel_unfilled_immediate(order)
            return
        if order.order_tif in ("OPEN", "CLOSE"):
            return  # waits for its auction (handled above when the moment comes)
        if self._may_trade_now(order) and not self._filled_this_second(order):
            self._fill_at_market(order)
        self._cancel_unfilled_immediate(order)

    def _cancel_unfilled_immediate(self, order: Order) -> None:
        """IOC and FOK never rest: what did not fill at once is cancelled."""
        if order.is_open and order.order_tif in ("IOC", "FOK"):
            self._apply(order, OrderEvent.CANCEL_CONFIRM)
            self._emit_balance(self.store.accounts[order.account_id])

    def _filled_this_second(self, order: Order) -> bool:
        """One fill per order per simulated second: the book refills between seconds."""
        return order.last_fill_at is not None and self._now - order.last_fill_at < ONE_SECOND

    def _work_scripted(self, order: Order) -> None:
        if order.scenario == Outcome.FILL:
            self._execute(order, self._remaining_or_notional(order), self._scripted_price(order))
        elif order.scenario == Outcome.PARTIAL:
            if self._filled_this_second(order):
                return
            if order.partial_steps_left == 0 and not order.fills:
                order.partial_steps_left = PARTIAL_STEPS
            if order.order_qty is None:
                # A notional order's quantity is fixed by its first part, at the scripted price.
                order.order_qty = self._remaining_or_notional(order)
            total = order.order_qty or ZERO
            remaining = order.remaining_qty or ZERO
            part = (
                remaining
                if order.partial_steps_left <= 1
                else (total / PARTIAL_STEPS).quantize(NINE_PLACES, rounding=ROUND_DOWN)
            )
            order.partial_steps_left -= 1
            self._execute(order, min(part, remaining), self._scripted_price(order))

    def _scripted_price(self, order: Order) -> Decimal:
        if order.order_limit_price is not None:
            return order.order_limit_price
        if order.instrument == "MLEG_OPT":
            return self._net_market_price(order)
        assert order.symbol is not None
        return self._quote(order.symbol).last

    def _remaining_or_notional(self, order: Order) -> Decimal:
        if order.order_qty is None:
            price = self._scripted_price(order)
            return ((order.order_notional or ZERO) / price).quantize(NINE_PLACES, ROUND_DOWN)
        return order.remaining_qty or ZERO

    def _net_market_price(self, order: Order) -> Decimal:
        """What the spread costs now per unit: + for a debit, - for a credit."""
        net = ZERO
        for leg in order.legs:
            quote = self._quote(leg.symbol)
            price = quote.ask if leg.action in accounting.BUY_SIDES else quote.bid
            net += (price if leg.action in accounting.BUY_SIDES else -price) * leg.ratio
        return net

    def _fill_at_market(self, order: Order, *, auction: bool = False) -> None:
        if order.instrument == "MLEG_OPT":
            net = self._net_market_price(order)
            if order.order_type == "MKT" or net <= (order.order_limit_price or ZERO):
                self._execute(order, order.remaining_qty or ZERO, net)
            return
        assert order.symbol is not None
        assert order.side is not None
        quote = self._quote(order.symbol)
        buying = order.side in accounting.BUY_SIDES
        if order.order_type in ("STP", "STPLMT") and not order.triggered:
            stop = order.stop_price or ZERO
            if (buying and quote.last >= stop) or (not buying and quote.last <= stop):
                order.triggered = True
                self.store.touch(order)
            else:
                return
        price = quote.ask if buying else quote.bid
        size = quote.ask_size if buying else quote.bid_size
        limit = order.order_limit_price
        if limit is not None and ((buying and price > limit) or (not buying and price < limit)):
            return
        if order.order_qty is None:
            quantity = ((order.order_notional or ZERO) / price).quantize(NINE_PLACES, ROUND_DOWN)
        else:
            remaining = order.remaining_qty or ZERO
            if order.order_tif == "FOK" and size < remaining:
                return
            quantity = remaining if auction else min(remaining, size)
        if quantity > 0:
            self._execute(order, quantity, price)

    def _execute(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        """Book one fill: the order's fills, the positions, cash and transactions."""
        if quantity <= 0:
            return
        account = self.store.accounts[order.account_id]
        if order.order_qty is None:
            order.order_qty = quantity  # a notional order's quantity is known once it fills
        fill = Fill(fill_id=self.ids.new("fill"), time=self._now, quantity=quantity, price=price)
        order.fills.append(fill)
        order.last_fill_at = self._now
        if order.instrument == "MLEG_OPT":
            net_allocated = ZERO
            legs = list(order.legs)
            for index, leg in enumerate(legs):
                quote = self._quote(leg.symbol)
                buying = leg.action in accounting.BUY_SIDES
                leg_price = quote.ask if buying else quote.bid
                if index == len(legs) - 1:
                    # The last leg absorbs the difference so the legs add up to the net price.
                    rest = (price - net_allocated) / leg.ratio
                    leg_price = rest if buying else -rest
                net_allocated += (leg_price if buying else -leg_price) * leg.ratio
                self._book(
                    account=account,
                    order=order,
                    symbol=leg.symbol,
                    instrument="OPT",
                    side=leg.action,
                    quantity=quantity * leg.ratio,
                    price=leg_price,
                    fill=fill,
                )
        else:
            assert order.symbol is not None
            assert order.side is not None
            self._book(
                account=account,
                order=order,
                symbol=order.symbol,
                instrument=order.instrument,
                side=order.side,
                quantity=quantity,
                price=price,
                fill=fill,
            )
        done = order.remaining_qty is not None and order.remaining_qty <= 0
        self._apply(order, OrderEvent.FILL if done else OrderEvent.PARTIAL_FILL)
        self._emit_balance(account)

    def _book(
        self,
        *,
        account: Account,
        order: Order,
        symbol: str,
        instrument: str,
        side: str,
        quantity: Decimal,
        price: Decimal,
        fill: Fill,
    ) -> None:
        key = (account.account_id, symbol)
        position = self.store.positions.get(key)
        if position is None:
            position = Position(
                account_id=account.account_id,
                symbol=symbol,
                instrument=instrument,
                multiplier=self.market.multiplier(symbol),
                trading_day=self._trading_day(),
            )
            self.store.add(position)
        self._roll(position)
        fee = accounting.fee_for(instrument, quantity, price, position.multiplier)
        delta = accounting.signed_quantity(side, quantity)
        effect = accounting.apply_fill(account, position, delta, price, fee)
        verb = "Bought" if delta > 0 else "Sold"
        self._record(
            account,
            "fill",
            effect.cash_delta + fee,
            f"{verb} {quantity} {symbol} @ {price}",
            symbol=symbol,
            side=side,
            quantity=quantity,
            price=price,
            order_id=order.order_id,
            fill_id=fill.fill_id,
        )
        if fee:
            self._record(
                account,
                "fee",
                -fee,
                f"Commission on {symbol}",
                symbol=symbol,
                order_id=order.order_id,
                fill_id=fill.fill_id,
            )
        self.store.touch(position)
        self.store.touch(account)
        for listener in self.listeners:
            listener(EngineEvent("position", account.user_key, account.account_id, position))

    def _roll(self, position: Position) -> None:
        today = self._trading_day()
        if position.trading_day != today:
            accounting.roll_day(position, self.market.reference_price(position.symbol, self._now))
            position.trading_day = today

    def _record(
        self,
        account: Account,
        kind: str,
        amount: Decimal,
        description: str,
        **details: Any,
    ) -> None:
        txn = Transaction(
            transaction_id=self.ids.new("txn"),
            seq=self.store.next_seq(),
            account_id=account.account_id,
            type=kind,
            time=self._now,
            trade_date=self._trading_day(),
            amount=amount,
            description=description,
            **details,
        )
        self.store.add(txn)

    # ------------------------------------------------------------------ lifecycle
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


def plain_decimal(value: object) -> Decimal | None:
    """``value`` (a decimal's text) as a Decimal, or None."""
    return None if value is None else Decimal(str(value))


def plain_text(value: Any) -> Any:
    """A text field's value as given."""
    return value


@dataclass(frozen=True, slots=True)
class ValueMaker:
    """How the engine makes an order's decimals and names from a request's body (the
    speedups switch may give it makers that share equal values: same values, less memory)."""

    decimal: Callable[[object], Decimal | None] = plain_decimal
    text: Callable[[Any], Any] = plain_text


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
