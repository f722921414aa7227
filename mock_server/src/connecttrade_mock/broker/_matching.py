"""Matching and booking: orders against the simulated market, fills into positions, cash
and transactions."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from connecttrade_mock.broker import accounting
from connecttrade_mock.broker._engine_core import _EngineCore
from connecttrade_mock.broker._engine_support import NINE_PLACES, ONE_SECOND, PARTIAL_STEPS, ZERO
from connecttrade_mock.broker.engine_event import EngineEvent
from connecttrade_mock.broker.outcome import Outcome
from connecttrade_mock.broker.state import (
    Account,
    Fill,
    Order,
    Position,
    Transaction,
)
from connecttrade_mock.clock import (
    Session,
)
from connecttrade_mock.lifecycle import (
    OrderEvent,
    OrderStatus,
)


class _Matching(_EngineCore):
    """Matching against the market and booking fills (positions, cash, transactions)."""

    def _halted(self, order: Order) -> bool:
        """Whether a symbol of the order is halted: it waits, as at a broker, for the
        reopening (a scenario's halt; see connecttrade_mock.scenario)."""
        symbols = [order.symbol] if order.symbol else [leg.symbol for leg in order.legs]
        return any(self.market.halted(symbol, self._now) for symbol in symbols)

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
        if self._may_trade_now(order):
            if order.queued and order.status is OrderStatus.PENDING:
                self._apply(order, OrderEvent.ACCEPT)  # the open came: the broker sends it
            if not self._filled_this_second(order) and not self._halted(order):
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
