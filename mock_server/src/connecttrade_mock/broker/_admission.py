"""Admission: who may place what, and what the broker rejects."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from connecttrade_mock.broker import accounting
from connecttrade_mock.broker._engine_core import _EngineCore
from connecttrade_mock.broker._engine_support import CUTOFFS, SELLING_SIDES, ZERO, _next_trading_day
from connecttrade_mock.broker._listing_rule import unlisted_contract
from connecttrade_mock.broker.borrow import easy_to_borrow
from connecttrade_mock.broker.brokers import (
    Broker,
    OffHoursMarket,
    Words,
    lookup,
    options_level,
)
from connecttrade_mock.broker.errors import ApiError
from connecttrade_mock.broker.outcome import SCENARIO_SYMBOLS, Outcome
from connecttrade_mock.broker.state import (
    Account,
    Leg,
    Order,
    UserKey,
)
from connecttrade_mock.clock import is_trading_day
from connecttrade_mock.lifecycle import (
    OrderEvent,
    OrderStatus,
)

_CENT = Decimal("0.01")
_SUB_DOLLAR_TICK = Decimal("0.0001")
# Limit order price protection: a limit more than 10% through the touch is refused.
_COLLAR_UP, _COLLAR_DOWN, _COLLAR_TEXT = Decimal("1.10"), Decimal("0.90"), "10%"
_OPTIONS = frozenset({"OPT", "MLEG_OPT"})
_CONTRACTS = frozenset({"OPT", "MLEG_OPT", "FUT"})
_EXTENDED_TIFS = frozenset({"DAY+", "GTC+"})
_QUEUED_TIFS = frozenset({"DAY", "GTC"})  # what a broker holds for the open (not IOC/FOK)


def _on_tick(price: Decimal) -> bool:
    """Reg NMS Rule 612: $0.01 increments at $1.00 and above, $0.0001 below."""
    exponent = price.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return True  # at most two places: on the tick at any price
    return price % (_CENT if price >= 1 else _SUB_DOLLAR_TICK) == 0


def _sub_penny(words: Words, field: str, price: Decimal) -> str:
    tick = _CENT if price >= 1 else _SUB_DOLLAR_TICK
    return words.sub_penny.format(field=field, price=price, increment=tick)


def _is_put(option_symbol: str) -> bool:
    """An OCC symbol's right: the letter before the eight strike digits."""
    return len(option_symbol) > 9 and option_symbol[-9] == "P"


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
        order.queued = self._waits_for_open(order)  # a refusal below makes it moot
        self.store.add(order)
        self._emit_order(order)
        reason = self._rejection(account, order)
        if reason is not None:
            self._reject(order, reason)
            return order
        if order.queued:
            # Held by the broker until the next regular open (``pending``; its broker_status
            # says it is queued), then sent and filled by the sweep (``_matching._work``).
            self._emit_balance(account)
            return order
        self._apply(order, OrderEvent.ACCEPT)
        self._emit_balance(account)
        self._work(order)
        return order

    def _roots(self, order: Order) -> list[str]:
        """The listed symbols an order trades: its own, or its options' underlyings."""
        symbols = [order.symbol] if order.symbol else [leg.symbol for leg in order.legs]
        if order.instrument == "STK":
            return symbols
        return [self.market.underlying_of(s) or s for s in symbols]

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
        """When the order's time in force runs out: the next such moment of a trading day
        (an order entered at the weekend, on a holiday or after the cut-off belongs to the
        next trading day)."""
        cutoff = CUTOFFS.get(order.order_tif)
        if cutoff is None:
            return None
        day = self._trading_day()
        if is_trading_day(day):
            today = cutoff(day)
            if self._now < today:
                return today
        return cutoff(_next_trading_day(day))

    def _rejection(self, account: Account, order: Order) -> str | None:
        """Why the broker refuses the order, or None. Order of checks follows a broker's:
        scripted outcome, permissions, symbols, quantity, session, options approval,
        account rules, price, money. Every rule reads the broker's row of the table of
        broker behaviour (``brokers.py``) and words its refusal the broker's way."""
        if order.scenario == Outcome.REJECT:
            return self.forced_reason or "rejected by broker (scenario)"
        if self.refusal is not None:
            for root in self._roots(order):
                refused = self.refusal(root, self._now)
                if refused is not None:
                    return refused
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
        if (unlisted := unlisted_contract(self.market, order, self._now)) is not None:
            return unlisted
        problem = (
            self._quantity_problem(broker, order)
            or self._session_problem(broker, order)
            or self._options_problem(broker, account, order)
            or self._selling_problem(broker, account, order)
            or self._price_problem(order, broker)
        )
        if problem is not None:
            return problem
        if (
            order.order_notional is not None
            and order.symbol is not None
            and self._notional_quantity(order) <= 0
        ):
            return f"order_notional {order.order_notional} is too small to trade any {order.symbol}"
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

    def _quantity_problem(self, broker: Broker, order: Order) -> str | None:
        """Contracts trade whole; a fraction of a share, or a dollar amount, only where the
        broker offers it, in its steps and from its minimum."""
        quantity = order.order_qty
        words = broker.words
        if order.instrument in _CONTRACTS:
            if quantity is not None and quantity != quantity.to_integral_value():
                return words.fractional_contracts.format(quantity=quantity)
            return None
        if order.instrument != "STK":
            return None
        if quantity is not None:
            if quantity == quantity.to_integral_value():
                return None  # whole shares: what nearly every order is, decided at once
            fractional = broker.fractional
            if fractional is None:
                return words.no_fractional.format(broker=broker.name, quantity=quantity)
            if quantity % fractional.increment:
                return words.fractional_increment.format(
                    quantity=quantity, increment=fractional.increment
                )
            value = quantity * self._estimated_price(order)
            if value < fractional.min_value:
                return words.fractional_minimum.format(
                    value=value.quantize(_CENT), minimum=fractional.min_value
                )
            return None
        notional = order.order_notional
        if notional is not None:
            if broker.notional_min is None:
                return words.no_notional.format(broker=broker.name)
            if notional < broker.notional_min:
                return words.notional_minimum.format(notional=notional, minimum=broker.notional_min)
        return None

    def _session_problem(self, broker: Broker, order: Order) -> str | None:
        """Extended hours are for equity limit orders at brokers that offer them; a market
        order while the market is shut is queued for the open or refused, as the broker
        documents (the queueing itself is done by :meth:`place`)."""
        words = broker.words
        tif = order.order_tif
        if tif in _EXTENDED_TIFS:
            if order.instrument in _OPTIONS:
                return words.options_extended_hours.format(tif=tif)
            if order.instrument == "STK":
                if not broker.extended_hours:
                    return words.no_extended_hours.format(broker=broker.name)
                if order.order_type != "LMT":
                    return words.extended_hours_limit_only.format(tif=tif)
        if order.queued and (  # set by place() from _waits_for_open, one session read
            tif not in _QUEUED_TIFS or broker.off_hours_market is OffHoursMarket.REJECT
        ):
            return words.market_when_shut.format(session=self.session().value.replace("_", "-"))
        return None

    def _waits_for_open(self, order: Order) -> bool:
        """A market order that cannot trade in the session now (auction orders wait for
        their moment anyway; scripted outcomes ignore the clock)."""
        return (
            order.order_type == "MKT"
            and order.scenario is None
            and order.order_tif not in ("OPEN", "CLOSE")
            and not self._may_trade_now(order)
        )

    def _options_problem(self, broker: Broker, account: Account, order: Order) -> str | None:
        """Options approval levels: 1 covered calls and cash-secured puts, 2 long options,
        3 spreads, 4 uncovered (naked) writing; closing trades need none."""
        if order.instrument not in _OPTIONS:
            return None
        cash_account = account.account_type == "cash"
        if order.instrument == "MLEG_OPT":
            writes = any(leg.action == "SELL_TO_OPEN" for leg in order.legs)
            if cash_account and writes:
                return "options not permitted: multi-leg spreads need a margin account"
            needed, what = (3, "spreads") if writes else (2, "long options")
        elif order.side == "BUY_TO_OPEN":
            needed, what = 2, "long options"
        elif order.side == "SELL_TO_OPEN":
            assert order.symbol is not None
            if _is_put(order.symbol):
                needed, what = 1, "cash-secured puts"
                if cash_account:
                    return "options not permitted: uncovered short options in a cash account"
            elif self._covered(account, order):
                needed, what = 1, "covered calls"
            else:
                if cash_account:
                    return "options not permitted: uncovered short options in a cash account"
                needed, what = 4, "uncovered (naked) calls"
        else:
            return None
        level = options_level(broker.code, account.account_type, account.options_level)
        if needed > level:
            return broker.words.options_level.format(what=what, needed=needed, level=level)
        return None

    def _covered(self, account: Account, order: Order) -> bool:
        """Whether the account holds the 100 shares per contract a written call needs, once
        the calls it has already written on them (held short, or in open orders) are
        counted: one lot of shares covers one contract, not each new one."""
        assert order.symbol is not None
        underlying = self.market.underlying_of(order.symbol)
        if underlying is None:
            return False

        def call_on_underlying(symbol: str | None) -> bool:
            return (
                symbol is not None
                and not _is_put(symbol)
                and self.market.underlying_of(symbol) == underlying
            )

        held_short = sum(
            (
                -position.quantity
                for (account_id, symbol), position in self.store.positions.items()
                if account_id == account.account_id
                and position.quantity < 0
                and call_on_underlying(symbol)
            ),
            ZERO,
        )
        writing = sum(
            (
                o.remaining_qty or ZERO
                for o in self.store.open_orders_of(account.account_id)
                if o is not order and o.side == "SELL_TO_OPEN" and call_on_underlying(o.symbol)
            ),
            ZERO,
        )
        contracts = (order.order_qty or ZERO) + held_short + writing
        shares = self._position_qty(account.account_id, underlying)
        return shares >= contracts * self._multiplier(order)

    def _selling_problem(self, broker: Broker, account: Account, order: Order) -> str | None:
        """A sell sells what is held (less what open sells already promised). Beyond that,
        a cash account is refused; a plain SELL with nothing held opens a short only where
        the broker has no separate short side, and is otherwise refused with a pointer to
        SELL_SHORT. A short needs a margin account, a broker that lends, an easy-to-borrow
        stock and no long position in it."""
        side = order.side
        symbol = order.symbol
        if symbol is None or (order.instrument in _OPTIONS and side not in SELLING_SIDES):
            return None
        cash_account = account.account_type == "cash"
        if side == "SELL_SHORT":
            if cash_account:
                return "short sale not allowed in a cash account"
            if order.instrument != "STK":
                return f"{symbol} cannot be sold short"
            return self._borrow_problem(broker, account, order)
        if side not in SELLING_SIDES:
            return None
        if order.instrument == "FUT" and not cash_account:
            return None  # a futures SELL opens a short: a contract is sold, not borrowed
        # What the account holds, less what resting sells already promised, is all it may
        # sell (notional sells count at the bid).
        selling = order.order_qty if order.order_qty is not None else self._notional_quantity(order)
        held = self._position_qty(account.account_id, symbol)
        self._sync_orders()
        committed = sum(
            (
                o.remaining_qty or ZERO
                for o in self._reserves.sellers(account.account_id, symbol)
                if o is not order
            ),
            ZERO,
        )
        available = max(held, ZERO) - committed
        if selling <= available:
            return None
        if cash_account:
            promised = f", {committed} of it in open sell orders" if committed else ""
            return (
                f"short sale not allowed in a cash account: selling {selling} "
                f"{symbol}, holding {max(held, ZERO)}{promised}"
            )
        words = broker.words
        if side == "SELL" and order.instrument == "STK" and held <= 0:
            if broker.sell_opens_short:
                return self._borrow_problem(broker, account, order)
            return words.sell_without_position.format(symbol=symbol, requested=selling)
        return words.sell_more_than_held.format(
            symbol=symbol, requested=selling, available=max(available, ZERO)
        )

    def _borrow_problem(self, broker: Broker, account: Account, order: Order) -> str | None:
        assert order.symbol is not None
        words = broker.words
        if not broker.short_selling:
            return words.no_short_selling.format(broker=broker.name)
        held = self._position_qty(account.account_id, order.symbol)
        if held > 0:
            return words.short_while_long.format(symbol=order.symbol, held=held)
        quantity = order.order_qty
        if order.order_notional is not None or (
            quantity is not None and quantity != quantity.to_integral_value()
        ):
            # Borrowed shares are whole: no broker lends a fraction of one.
            return words.fractional_short.format(quantity=quantity)
        if not easy_to_borrow(order.symbol):
            return words.hard_to_borrow.format(symbol=order.symbol)
        return None

    def _price_problem(self, order: Order, broker: Broker | None = None) -> str | None:
        """Stock prices in Reg NMS Rule 612 increments; a marketable limit priced far
        through the market is refused (limit order price protection), and so is a market
        order whose touch is outside the limit-up/limit-down band. Resting orders priced
        anywhere away from the market are accepted, as at every broker."""
        if order.instrument != "STK" or order.symbol is None:
            return None
        if broker is None:
            broker = lookup(order.broker)
            assert broker is not None
        words = broker.words
        limit, stop = order.order_limit_price, order.stop_price
        if limit is not None and not _on_tick(limit):
            return _sub_penny(words, "order_limit_price", limit)
        if stop is not None and not _on_tick(stop):
            return _sub_penny(words, "stop_price", stop)
        if order.order_type == "LMT" and limit is not None and order.side is not None:
            quote = self._quote(order.symbol)
            if order.side in accounting.BUY_SIDES:
                if limit > quote.ask * _COLLAR_UP:
                    return words.limit_collar.format(
                        side="ask", price=limit, touch=quote.ask, collar=_COLLAR_TEXT
                    )
            elif limit < quote.bid * _COLLAR_DOWN:
                return words.limit_collar.format(
                    side="bid", price=limit, touch=quote.bid, collar=_COLLAR_TEXT
                )
        elif order.order_type == "MKT" and order.side is not None:
            if order.queued:
                return None  # held for the open and filled at its first quote, unprotected
            quote = self._quote(order.symbol)
            buying = order.side in accounting.BUY_SIDES
            touch = quote.ask if buying else quote.bid
            low, high = self._circuit_band(order.symbol)
            if not low <= touch <= high:
                return words.market_protection.format(
                    side="ask" if buying else "bid",
                    touch=touch,
                    low=low,
                    high=high,
                    symbol=order.symbol,
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
