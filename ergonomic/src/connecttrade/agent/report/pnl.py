"""The day's trading P&L through the day, from the broker's fill and fee transactions.

Method (stated in every report): each fill changes a symbol's net quantity and its cash
(the transaction's signed ``amount``); fees are added as charged. At any moment ``t`` the
trading P&L is ``sum(cash up to t) + sum(net quantity at t * mark at t * multiplier)``,
where the mark at ``t`` is the symbol's last fill price up to ``t`` (the REST API has no
price history), and the final point, when the day is still running, is marked at the
current marks (positions' ``last_price``). A symbol without a current mark keeps its last
fill price, and the report says so. Positions carried in from earlier days are not part of
this curve; the broker's own daily P&L (which includes them) is reported beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from connecttrade.types.enums import TransactionType
from connecttrade.types.results import Transaction

__all__ = [
    "PNL_METHOD",
    "IntradayPnl",
    "PnlPoint",
    "SymbolPnl",
    "hour_starts",
    "hourly_values",
    "intraday_pnl",
]

PNL_METHOD: Final = (
    "Trading P&L of the day's fills: cash paid and received (the broker's fill "
    "transactions) plus the net quantity bought or sold during the day valued at the "
    "symbol's mark, minus fees. Through the day each symbol is marked at its last fill "
    "price so far (the API offers no price history); the last point of a running day is "
    "marked at the current price the broker reports for the position. Positions carried in "
    "from earlier days are not in this curve; the broker's daily P&L, which includes them, "
    "is listed beside it."
)
ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
_HOUR: Final = dt.timedelta(hours=1)

SymbolKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class PnlPoint:
    """The trading P&L at one moment."""

    time: dt.datetime
    pnl: Decimal


@dataclass(frozen=True, slots=True)
class SymbolPnl:
    """One symbol's part of the day's trading P&L.

    ``mark_source`` says where ``mark`` came from: ``"broker"`` (the position's current
    price) or ``"last fill"``.
    """

    account_id: str
    symbol: str
    bought: Decimal
    sold: Decimal
    net_quantity: Decimal
    cash: Decimal
    fees: Decimal
    multiplier: Decimal
    mark: Decimal
    mark_source: str
    pnl: Decimal


@dataclass(frozen=True, slots=True)
class IntradayPnl:
    """The curve (one point per fill and per hour boundary) and the final split by symbol."""

    points: tuple[PnlPoint, ...]
    by_symbol: tuple[SymbolPnl, ...]
    total: Decimal
    fees: Decimal
    fills: tuple[Transaction, ...]


@dataclass(slots=True)
class _Book:
    """A symbol's running state while the day's transactions are replayed."""

    bought: Decimal = ZERO
    sold: Decimal = ZERO
    cash: Decimal = ZERO
    fees: Decimal = ZERO
    last_price: Decimal | None = None
    multiplier: Decimal | None = None

    @property
    def net(self) -> Decimal:
        return self.bought - self.sold

    def value(self, mark: Decimal | None, multiplier: Decimal) -> Decimal:
        price = mark if mark is not None else self.last_price
        held = ZERO if price is None else self.net * price * multiplier
        return self.cash + held + self.fees


def _signed_quantity(txn: Transaction) -> Decimal:
    """Bought is positive, sold negative: from the side, or the cash sign without one."""
    quantity = abs(txn.quantity or ZERO)
    side = str(txn.side or "").upper()
    if side.startswith("BUY"):
        return quantity
    if side.startswith("SELL"):
        return -quantity
    return quantity if txn.amount < 0 else -quantity


def _implied_multiplier(txn: Transaction) -> Decimal | None:
    """Contract size implied by a fill: ``|amount| / (quantity * price)``, to a whole number."""
    if not txn.quantity or not txn.price:
        return None
    implied = (abs(txn.amount) / (abs(txn.quantity) * txn.price)).to_integral_value()
    return implied if implied >= ONE else None


def intraday_pnl(
    transactions: Iterable[Transaction],
    *,
    start: dt.datetime,
    end: dt.datetime,
    as_of: dt.datetime,
    marks: Mapping[SymbolKey, Decimal],
    multipliers: Mapping[SymbolKey, Decimal],
) -> IntradayPnl:
    """Replay the fills and fees in ``[start, end)`` and value them through the day.

    ``marks`` and ``multipliers`` are keyed ``(account_id, symbol)`` (from the broker's
    positions); ``as_of`` is when the report is made: the curve stops there, and when it
    falls inside the day the last point uses ``marks``.
    """
    relevant = sorted(
        (
            t
            for t in transactions
            if start <= t.time < end
            and t.type in (TransactionType.FILL, TransactionType.FEE)
            and t.symbol is not None
        ),
        key=lambda t: t.time,
    )
    stop = min(end, max(as_of, start))
    running = start <= as_of < end
    books: dict[SymbolKey, _Book] = {}
    points: list[PnlPoint] = [PnlPoint(start, ZERO)]

    def multiplier(key: SymbolKey) -> Decimal:
        book = books[key]
        return multipliers.get(key) or book.multiplier or ONE

    def total(at_marks: Mapping[SymbolKey, Decimal]) -> Decimal:
        return sum(
            (book.value(at_marks.get(key), multiplier(key)) for key, book in books.items()),
            ZERO,
        )

    boundary = start + _HOUR
    for txn in relevant:
        if txn.time > stop:
            break
        while boundary <= txn.time and boundary < stop:
            points.append(PnlPoint(boundary, total({})))
            boundary += _HOUR
        assert txn.symbol is not None
        book = books.setdefault((txn.account_id, txn.symbol), _Book())
        if txn.type == TransactionType.FEE:
            book.fees += txn.amount
        else:
            quantity = _signed_quantity(txn)
            if quantity > 0:
                book.bought += quantity
            else:
                book.sold -= quantity
            book.cash += txn.amount
            book.last_price = txn.price if txn.price is not None else book.last_price
            book.multiplier = book.multiplier or _implied_multiplier(txn)
        points.append(PnlPoint(txn.time, total({})))
    while boundary < stop:
        points.append(PnlPoint(boundary, total({})))
        boundary += _HOUR
    final_marks = marks if running else {}
    final = total(final_marks)
    if stop > points[-1].time:
        points.append(PnlPoint(stop, final))
    elif running:
        points[-1] = PnlPoint(points[-1].time, final)

    by_symbol = tuple(
        _symbol_pnl(key, book, final_marks.get(key), multiplier(key))
        for key, book in sorted(books.items())
    )
    fees = sum((book.fees for book in books.values()), ZERO)
    fills = tuple(t for t in relevant if t.type == TransactionType.FILL and t.time <= stop)
    return IntradayPnl(
        points=tuple(points), by_symbol=by_symbol, total=final, fees=fees, fills=fills
    )


def _symbol_pnl(
    key: SymbolKey, book: _Book, mark: Decimal | None, multiplier: Decimal
) -> SymbolPnl:
    price = mark if mark is not None else book.last_price
    return SymbolPnl(
        account_id=key[0],
        symbol=key[1],
        bought=book.bought,
        sold=book.sold,
        net_quantity=book.net,
        cash=book.cash,
        fees=book.fees,
        multiplier=multiplier,
        mark=price if price is not None else ZERO,
        mark_source="broker" if mark is not None else "last fill",
        pnl=book.value(mark, multiplier),
    )


def hour_starts(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The starts of the day's hours (23, 24 or 25 of them across a clock change)."""
    starts: list[dt.datetime] = []
    moment = start
    while moment < end:
        starts.append(moment)
        moment += _HOUR
    return starts


def hourly_values(points: Sequence[PnlPoint], hours: Sequence[dt.datetime]) -> list[Decimal | None]:
    """The P&L at the end of each hour, or where the curve stops inside it; ``None`` for
    hours after the curve's end."""
    values: list[Decimal | None] = []
    if not points:
        return [None] * len(hours)
    stop = points[-1].time
    index = 0
    current = ZERO
    for hour in hours:
        if hour >= stop:
            values.append(None)
            continue
        edge = hour + _HOUR
        # A fill exactly on the hour belongs to the hour it starts; the curve's last point
        # belongs to the hour it ends.
        while index < len(points) and (
            points[index].time < edge or points[index].time == edge == stop
        ):
            current = points[index].pnl
            index += 1
        values.append(current)
    return values
