"""Admission: who may place what, and what the broker rejects."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from connecttrade_mock.broker import accounting
from connecttrade_mock.broker._engine_core import _EngineCore
from connecttrade_mock.broker._engine_support import CUTOFFS, SELLING_SIDES, ZERO, _next_weekday
from connecttrade_mock.broker.brokers import lookup
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.outcome import SCENARIO_SYMBOLS, Outcome
from connecttrade_mock.broker.state import (
    Account,
    Leg,
    Order,
    UserKey,
)
from connecttrade_mock.lifecycle import (
    OrderEvent,
    OrderStatus,
)


class _Admission(_EngineCore):
    """Admission: accounts, entitlements, client order ids, placing and rejecting."""

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
        if cost > ZERO:
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
