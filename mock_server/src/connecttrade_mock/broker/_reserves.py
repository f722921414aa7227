"""Reserves and money: what open orders hold of an account's buying power, balances and deposits."""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from connecttrade_mock.broker import accounting
from connecttrade_mock.broker._engine_core import _EngineCore
from connecttrade_mock.broker._engine_support import NINE_PLACES, SELLING_SIDES, VALUED_FIELDS, ZERO
from connecttrade_mock.broker.state import (
    Account,
    Order,
    Position,
)


class _Valuation(NamedTuple):
    """What an account's kept holdings were computed from, and when its last prices were
    read (``stamp``: the market's revision and the end of the quoted second; None when a
    position's quote follows the moment)."""

    account_type: str
    fields: tuple[tuple[object, ...], ...]
    lasts: tuple[Decimal, ...]
    stamp: tuple[int, datetime] | None
    positions: tuple[Position, ...]


class _Reserves(_EngineCore):
    """Reserves and money: buying power held by open orders, balances, deposits."""

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
            if (buying and held < ZERO) or (not buying and held > ZERO):
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
        kept = self._holdings.get(account.account_id)
        previous = kept[0] if kept is not None else None
        # Listed symbols' quotes hold while the market's pins and the quoted second stand
        # (see _quote): the same positions' last prices are then the ones read before.
        stamp: tuple[int, datetime] | None = (self.market.revision, self._second_ends)
        if (
            isinstance(previous, _Valuation)
            and previous.stamp == stamp
            and previous.positions == positions
        ):
            lasts = previous.lasts
        else:
            lasts = tuple([self.last_price(position) for position in positions])
            quoted = self.market.quoted_per_second
            if not all(quoted(position.symbol) for position in positions):
                stamp = None  # an option's value follows the moment: read it afresh
        fields = tuple(map(VALUED_FIELDS, positions))
        if (
            kept is not None
            and isinstance(previous, _Valuation)
            and previous.account_type == account.account_type
            and previous.fields == fields
            and previous.lasts == lasts
        ):
            if previous.stamp != stamp:
                self._holdings[account.account_id] = (
                    _Valuation(account.account_type, fields, lasts, stamp, positions),
                    kept[1],
                )
            return kept[1]
        priced = zip(positions, lasts, strict=True)
        margin = account.account_type == "margin"
        holdings = accounting.value_holdings(margin, priced, self.market.strike_of)
        valuation = _Valuation(account.account_type, fields, lasts, stamp, positions)
        self._holdings[account.account_id] = (valuation, holdings)
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
