"""Exact (Decimal) accounting: fills into positions and cash, balances from positions.

Conventions
- Quantities are signed: buys add, sells subtract; a negative position is short.
- ``basis`` is the signed cost of what is held, fees included: a long's basis is what was
  paid, a short's is minus what the sale brought in. So ``unrealized = qty*last*mult - basis``
  and a round trip's realized P&L is exactly (exit - entry) * qty * mult - all fees.
- Partial closes release basis proportionally, rounded to 9 places; the last close releases
  whatever is left, so no rounding survives a round trip.
- Margin (Reg T, simplified): 50% initial on equities long and short, 100% on long options
  and crypto, short options 100% of premium + 20% of strike notional, futures 5% of notional.
  Maintenance: 25% long, 30% short equities; the option/futures initial rates otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from enum import Enum
from typing import NamedTuple

from connecttrade_mock.broker.state import Account, Order, Position

__all__ = [
    "BUY_SIDES",
    "BalanceFigures",
    "FillEffect",
    "Holdings",
    "Reserve",
    "ReserveBook",
    "ReserveKind",
    "apply_fill",
    "available_for_orders",
    "balance",
    "balance_of",
    "fee_for",
    "initial_rate",
    "order_reserve",
    "roll_day",
    "signed_quantity",
    "value_holdings",
]

NINE_PLACES = Decimal("0.000000001")
CENTS = Decimal("0.01")
ZERO = Decimal(0)

BUY_SIDES = frozenset({"BUY", "BUY_TO_COVER", "BUY_TO_OPEN", "BUY_TO_CLOSE"})

OPTION_FEE_PER_CONTRACT = Decimal("0.65")
FUTURE_FEE_PER_CONTRACT = Decimal("2.25")
CRYPTO_FEE_RATE = Decimal("0.0025")


def signed_quantity(side: str, quantity: Decimal) -> Decimal:
    """+quantity for buying sides, -quantity for selling sides."""
    return quantity if side in BUY_SIDES else -quantity


def fee_for(instrument: str, quantity: Decimal, price: Decimal, multiplier: Decimal) -> Decimal:
    """Commission of one fill: equities are commission-free, as at the brokers simulated."""
    if instrument in ("OPT", "MLEG_OPT"):
        return (OPTION_FEE_PER_CONTRACT * quantity).quantize(CENTS)
    if instrument == "FUT":
        return (FUTURE_FEE_PER_CONTRACT * quantity).quantize(CENTS)
    if instrument == "CRYPTO":
        return (CRYPTO_FEE_RATE * quantity * price * multiplier).quantize(CENTS)
    return ZERO


@dataclass(frozen=True, slots=True)
class FillEffect:
    """What one fill did to the account."""

    cash_delta: Decimal
    realized: Decimal


def _release(basis: Decimal, held: Decimal, closing: Decimal) -> Decimal:
    """The part of ``basis`` that belongs to ``closing`` of ``held`` units (both > 0)."""
    if closing == held:
        return basis
    return (basis * closing / held).quantize(NINE_PLACES, rounding=ROUND_HALF_EVEN)


def apply_fill(
    account: Account,
    position: Position,
    delta: Decimal,
    price: Decimal,
    fee: Decimal,
) -> FillEffect:
    """Book a fill of signed ``delta`` units at ``price`` into ``position`` and the account's
    cash; return the cash moved and the P&L realized."""
    multiplier = position.multiplier
    cash_delta = -(delta * price * multiplier) - fee
    account.cash += cash_delta
    held = position.quantity
    realized = ZERO
    closing = ZERO
    if held != 0 and (held > 0) != (delta > 0):
        closing = min(abs(delta), abs(held))
    opening = abs(delta) - closing
    # Fees are split between the closing and opening parts in proportion to quantity.
    close_fee = fee if opening == 0 else _release(fee, abs(delta), closing)
    open_fee = fee - close_fee
    if closing:
        closing_delta = closing if delta > 0 else -closing
        released = _release(position.basis, abs(held), closing)
        day_released = _release(position.day_basis, abs(held), closing)
        proceeds = -(closing_delta * price * multiplier) - close_fee
        realized = proceeds - released
        position.basis -= released
        position.day_basis -= day_released
        position.realized_pl += realized
        position.realized_today += proceeds - day_released
        position.quantity += closing_delta
    if opening:
        opening_delta = opening if delta > 0 else -opening
        cost = opening_delta * price * multiplier + open_fee
        position.basis += cost
        position.day_basis += cost
        position.quantity += opening_delta
    position.version += 1
    return FillEffect(cash_delta=cash_delta, realized=realized)


def roll_day(position: Position, previous_close: Decimal) -> None:
    """Start a new trading day: daily P&L is measured from the previous close."""
    position.day_basis = position.quantity * previous_close * position.multiplier
    position.realized_today = ZERO


_WHOLE = Decimal(1)
_HALF = Decimal("0.5")
_FUTURES_RATE = Decimal("0.05")


def initial_rate(instrument: str, margin_account: bool) -> Decimal:
    """Share of an order's or position's value that must be covered by equity."""
    if not margin_account:
        return _WHOLE
    if instrument == "STK":
        return _HALF
    if instrument == "FUT":
        return _FUTURES_RATE
    return _WHOLE


def order_reserve(
    order: Order, estimated_price: Decimal, multiplier: Decimal, margin_account: bool
) -> Decimal:
    """Buying power an open order blocks: its remaining cost at the initial margin rate.
    Orders that only reduce a position block nothing (the engine passes those as zero)."""
    if order.order_notional is not None and not order.fills:
        notional = order.order_notional
    else:
        remaining = order.remaining_qty or ZERO
        notional = abs(remaining * estimated_price * multiplier)
    return (notional * initial_rate(order.instrument, margin_account)).quantize(CENTS)


@dataclass(frozen=True, slots=True)
class BalanceFigures:
    """Every figure of the Balance schema, computed."""

    cash: Decimal
    buying_power: Decimal
    equity: Decimal
    long_market_value: Decimal
    short_market_value: Decimal
    margin_used: Decimal
    open_orders_reserved: Decimal
    maintenance_margin: Decimal
    collateral: Decimal
    realized_pl: Decimal
    daily_pl: Decimal


@dataclass(frozen=True, slots=True)
class Holdings:
    """What an account's positions are worth and require at given last prices: every
    balance figure besides cash and the open orders' reserve derives from these."""

    long_market_value: Decimal
    short_market_value: Decimal
    initial_margin: Decimal
    maintenance_margin: Decimal
    collateral: Decimal
    realized_today: Decimal
    daily_pl: Decimal


def value_holdings(
    margin: bool,
    priced_positions: Iterable[tuple[Position, Decimal]],
    strike_of: Callable[[str], Decimal | None],
) -> Holdings:
    """Value each position at its last price and add up the margin it needs."""
    long_mv = short_mv = initial = maintenance = collateral = realized = daily = ZERO
    for position, last in priced_positions:
        value = position.quantity * last * position.multiplier
        realized += position.realized_today
        daily += value - position.day_basis + position.realized_today
        if position.quantity == 0:
            continue
        if value >= 0:
            long_mv += value
        else:
            short_mv += -value
        size = abs(value)
        if position.instrument == "STK" and margin:
            initial += size * Decimal("0.5")
            maintenance += size * (Decimal("0.25") if value > 0 else Decimal("0.30"))
            if value > 0:
                collateral += size * Decimal("0.5")
        elif position.instrument == "OPT" and value < 0:
            strike = strike_of(position.symbol) or ZERO
            requirement = size + Decimal("0.2") * strike * abs(position.quantity) * 100
            initial += requirement
            maintenance += requirement
        elif position.instrument == "FUT":
            initial += size * Decimal("0.05")
            maintenance += size * Decimal("0.05")
        elif margin:
            initial += size
            maintenance += size
    return Holdings(long_mv, short_mv, initial, maintenance, collateral, realized, daily)


def _equity(account: Account, holdings: Holdings) -> Decimal:
    return account.cash + holdings.long_market_value - holdings.short_market_value


def _margin_used(margin: bool, holdings: Holdings, reserved: Decimal) -> Decimal:
    return holdings.initial_margin + reserved if margin else ZERO


def _buying_power(
    margin: bool, account: Account, equity: Decimal, margin_used: Decimal, reserved: Decimal
) -> Decimal:
    if margin:
        return max(ZERO, 2 * (equity - margin_used))
    return max(ZERO, account.cash - reserved)


def available_for_orders(account: Account, holdings: Holdings, reserved: Decimal) -> Decimal:
    """What a new order may use: a cash account's buying power, otherwise equity less the
    margin used (each as :func:`balance_of` shows it, without working out the rest)."""
    margin = account.account_type == "margin"
    equity = _equity(account, holdings)
    margin_used = _margin_used(margin, holdings, reserved)
    if account.account_type == "cash":
        return _buying_power(margin, account, equity, margin_used, reserved).quantize(NINE_PLACES)
    return equity.quantize(NINE_PLACES) - margin_used.quantize(NINE_PLACES)


def balance_of(account: Account, holdings: Holdings, reserved: Decimal) -> BalanceFigures:
    """The balance of ``account`` from its cash, its valued positions and its open-order
    reserve."""
    margin = account.account_type == "margin"
    equity = _equity(account, holdings)
    margin_used = _margin_used(margin, holdings, reserved)
    buying_power = _buying_power(margin, account, equity, margin_used, reserved)
    return BalanceFigures(
        cash=account.cash.quantize(NINE_PLACES),
        buying_power=buying_power.quantize(NINE_PLACES),
        equity=equity.quantize(NINE_PLACES),
        long_market_value=holdings.long_market_value.quantize(NINE_PLACES),
        short_market_value=holdings.short_market_value.quantize(NINE_PLACES),
        margin_used=margin_used.quantize(NINE_PLACES),
        open_orders_reserved=reserved.quantize(NINE_PLACES),
        maintenance_margin=holdings.maintenance_margin.quantize(NINE_PLACES),
        collateral=holdings.collateral.quantize(NINE_PLACES),
        realized_pl=holdings.realized_today.quantize(NINE_PLACES),
        daily_pl=holdings.daily_pl.quantize(NINE_PLACES),
    )


def balance(
    account: Account,
    positions: Iterable[Position],
    last_price: Callable[[Position], Decimal],
    strike_of: Callable[[str], Decimal | None],
    reserved: Decimal,
) -> BalanceFigures:
    """Derive the balance of ``account`` from its cash, positions and open-order reserve."""
    priced = ((position, last_price(position)) for position in positions)
    holdings = value_holdings(account.account_type == "margin", priced, strike_of)
    return balance_of(account, holdings, reserved)


# Running sums are kept exactly whatever their size: adding an order's reserve and taking
# it out again must leave the sum as it was (28 digits could round a huge order's share).
# Its methods do the arithmetic (cheaper than switching the thread's context each time).
_EXACT = Context(prec=200)


class ReserveKind(Enum):
    """How an open order's reserve depends on the account's position in its symbol."""

    BUY = "buy"  # counts unless the position is short (the buy only covers it)
    SELL = "sell"  # counts unless the position is long (the sell only reduces it)
    FIXED = "fixed"  # counts whatever is held
    PRICED = "priced"  # follows the live quote: computed afresh for every balance


class Reserve(NamedTuple):
    """One open order's entry in a :class:`ReserveBook` (``amount`` unused when PRICED)."""

    order: Order
    kind: ReserveKind
    amount: Decimal
    selling: bool  # a sell that promises part of the position (cash accounts check it)
    # What the entry was made from besides what an order is placed with: its quantity (a
    # notional order's is set by its first fill) and its number of fills (only appended).
    quantity: Decimal | None
    fills: int

    def made_from(self, order: Order) -> bool:
        """Whether the entry still stands for ``order`` as it is now."""
        return (
            self.order is order
            and self.fills == len(order.fills)
            and self.quantity == order.order_qty
        )


class ReserveBook:
    """What open orders reserve, kept as running sums per account and symbol.

    A balance then costs O(symbols) instead of O(open orders): each order's reserve is
    computed when the order changes (placed, filled, closed) and added to or taken out of
    its sums, exactly, so the total equals summing every open order afresh.
    """

    __slots__ = ("_entries", "_fixed", "_priced", "_sellers", "_sides")

    def __init__(self) -> None:
        self._entries: dict[str, Reserve] = {}
        self._sides: dict[str, dict[str, list[Decimal]]] = {}  # account -> symbol -> [buy, sell]
        self._fixed: dict[str, Decimal] = {}
        self._priced: dict[str, dict[str, Order]] = {}
        self._sellers: dict[tuple[str, str], dict[str, Order]] = {}

    def put(self, entry: Reserve) -> None:
        """Record an open order's reserve, replacing what was recorded for it before."""
        order_id = entry.order.order_id
        self.discard(order_id)
        self._entries[order_id] = entry
        self._count(entry, add=True)

    def entry(self, order_id: str) -> Reserve | None:
        """The order's entry, if it has one."""
        return self._entries.get(order_id)

    def discard(self, order_id: str) -> None:
        """Forget an order that closed or left the store."""
        entry = self._entries.pop(order_id, None)
        if entry is not None:
            self._count(entry, add=False)

    def _count(self, entry: Reserve, *, add: bool) -> None:
        order = entry.order
        account = order.account_id
        if entry.selling and order.symbol is not None:
            sellers = self._sellers.setdefault((account, order.symbol), {})
            if add:
                sellers[order.order_id] = order
            else:
                sellers.pop(order.order_id, None)
        amount = entry.amount if add else -entry.amount
        if entry.kind is ReserveKind.PRICED:
            priced = self._priced.setdefault(account, {})
            if add:
                priced[order.order_id] = order
            else:
                priced.pop(order.order_id, None)
        elif entry.kind is ReserveKind.FIXED:
            self._fixed[account] = _EXACT.add(self._fixed.get(account, ZERO), amount)
        else:
            assert order.symbol is not None  # BUY and SELL entries are about a position
            by_symbol = self._sides.get(account)
            if by_symbol is None:
                by_symbol = self._sides[account] = {}
            sums = by_symbol.get(order.symbol)
            if sums is None:
                sums = by_symbol[order.symbol] = [ZERO, ZERO]
            index = 0 if entry.kind is ReserveKind.BUY else 1
            sums[index] = _EXACT.add(sums[index], amount)

    def total(
        self,
        account_id: str,
        positions: Mapping[str, Position],
        priced: Callable[[Order], Decimal],
        exclude: Order | None = None,
    ) -> Decimal:
        """What the account's open orders reserve, ``exclude`` not counted, given the
        account's positions by symbol and a fresh reserve for orders that follow the quote."""
        add = _EXACT.add
        total = self._fixed.get(account_id, ZERO)
        sides = self._sides.get(account_id)
        if sides:
            # A sum of nothing adds nothing (every figure made from the total is quantized
            # or compared, so a zero's exponent never shows); a Decimal compares quickest
            # with a Decimal.
            for symbol, (buys, sells) in sides.items():
                position = positions.get(symbol)
                quantity = ZERO if position is None else position.quantity
                if buys and quantity >= ZERO:
                    total = add(total, buys)
                if sells and quantity <= ZERO:
                    total = add(total, sells)
        left_out = None if exclude is None else self._entries.get(exclude.order_id)
        if left_out is not None and left_out.kind is not ReserveKind.PRICED:
            own = left_out.order.symbol
            position = None if own is None else positions.get(own)
            quantity = ZERO if position is None else position.quantity
            if (
                left_out.kind is ReserveKind.FIXED
                or (left_out.kind is ReserveKind.BUY and quantity >= ZERO)
                or (left_out.kind is ReserveKind.SELL and quantity <= ZERO)
            ):
                total = _EXACT.subtract(total, left_out.amount)
        priced_orders = self._priced.get(account_id)
        if priced_orders:
            for order in priced_orders.values():
                if order is not exclude:
                    total += priced(order)
        return total

    def sellers(self, account_id: str, symbol: str) -> Iterable[Order]:
        """The account's open sell orders in ``symbol`` (what a cash account has promised)."""
        return self._sellers.get((account_id, symbol), {}).values()
