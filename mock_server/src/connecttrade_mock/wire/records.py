"""Records to the contract's JSON shapes: every number a string, every time ISO 8601 UTC."""

from __future__ import annotations

import dataclasses
import operator
import threading
from collections.abc import Hashable
from datetime import datetime
from decimal import Decimal
from typing import Any

from connecttrade_mock.bounded import forget_oldest
from connecttrade_mock.broker.accounting import BalanceFigures
from connecttrade_mock.broker.brokers import lookup, options_level
from connecttrade_mock.broker.state import Account, Connection, Order, Position, Transaction, User
from connecttrade_mock.lifecycle import OrderStatus
from connecttrade_mock.market.quote import Quote
from connecttrade_mock.wire.encoding import Rendered

__all__ = [
    "account_json",
    "balance_json",
    "connection_json",
    "decimal_text",
    "order_json",
    "position_json",
    "rendered_order",
    "rendered_position",
    "time_text",
    "transaction_json",
    "user_json",
]

CENTS = Decimal("0.01")
NINE_PLACES = Decimal("0.000000001")
_ZERO = Decimal(0)
# Rendered orders, by id: a page of orders is mostly orders that did not change since the
# last read. An entry is reused only for the same object with every field as it was.
_RENDERED_LIMIT = 4096


_NOTHING_CHECKED: frozenset[Hashable] = frozenset()


class _RenderedOrder(Rendered):
    """An order's JSON with the order and the changing fields it was made from."""

    __slots__ = ("made_from", "order")

    def __init__(self, value: dict[str, Any], order: Order, made_from: tuple[object, ...]):
        # What Rendered.__init__ sets, set here (one made per placement: no second call).
        self.value = value
        self._encoded = None
        self._fragment = None
        self.checked = _NOTHING_CHECKED
        self.order = order
        self.made_from = made_from


_rendered: dict[str, _RenderedOrder] = {}
_rendered_lock = threading.Lock()


# The texts of decimals printed before, by value (one dict per way of printing). Equal
# finite non-zero decimals print alike (each is quantized or normalized first, and equal
# non-zero values share their sign); zeros are never kept (0 and -0 are equal but may
# print "0.00" and "-0.00"), nor are infinities or NaNs.
_TEXTS_KEPT = 4096
_decimal_texts: dict[Decimal, str] = {}
_quantity_texts: dict[Decimal, str] = {}
_texts_lock = threading.Lock()


def decimal_text(value: Decimal) -> str:
    """Cents when the value is whole cents (as brokers print money), else up to 9 places,
    never an exponent."""
    try:
        text = _decimal_texts.get(value)
    except TypeError:  # a signalling NaN cannot be hashed: print it (and fail) as ever
        text = None
    if text is None:
        text = _decimal_text(value)
        if value and value.is_finite():
            with _texts_lock:
                _decimal_texts[value] = text
                forget_oldest(_decimal_texts, _TEXTS_KEPT)
    return text


def _decimal_text(value: Decimal) -> str:
    value = value.quantize(NINE_PLACES)
    cents = value.quantize(CENTS)
    if value == cents:
        return format(cents, "f")
    return format(value.normalize(), "f")


def quantity_text(value: Decimal) -> str:
    """Quantities print without padding: 10, 2.5, 0.000123."""
    try:
        text = _quantity_texts.get(value)
    except TypeError:  # a signalling NaN cannot be hashed: print it (and fail) as ever
        text = None
    if text is None:
        text = _quantity_text(value)
        if value and value.is_finite():
            with _texts_lock:
                _quantity_texts[value] = text
                forget_oldest(_quantity_texts, _TEXTS_KEPT)
    return text


def _quantity_text(value: Decimal) -> str:
    text = format(value.quantize(NINE_PLACES).normalize(), "f")
    return "0" if text in ("-0", "") else text


def _opt(value: Decimal | None) -> str | None:
    return None if value is None else decimal_text(value)


def time_text(moment: datetime) -> str:
    return moment.isoformat()


def quote_json(symbol: str, quote: Quote) -> dict[str, Any]:
    """A level 1 quote as the control API answers it and the quote frame carries it."""
    return {
        "symbol": symbol,
        "bid": decimal_text(quote.bid),
        "ask": decimal_text(quote.ask),
        "bid_size": quantity_text(quote.bid_size),
        "ask_size": quantity_text(quote.ask_size),
        "last": decimal_text(quote.last),
        "time": time_text(quote.time),
    }


def user_json(user: User, connection_count: int) -> dict[str, Any]:
    return {
        "user_id": user.user_id,
        "created_at": time_text(user.created_at),
        "connection_count": str(connection_count),
    }


def account_ref_json(account: Account) -> dict[str, Any]:
    broker = lookup(account.broker)
    return {
        "account_id": account.account_id,
        "account_number": account.account_number,
        "institution_name": broker.institution_name if broker else account.broker,
    }


def account_json(account: Account) -> dict[str, Any]:
    return {
        **account_ref_json(account),
        "connection_id": account.connection_id,
        "broker": account.broker,
        "account_type": account.account_type,
        "is_paper": account.is_paper,
        "can_trade": account.can_trade,
        "currency": "USD",
        "options_level": str(
            options_level(account.broker, account.account_type, account.options_level)
        ),
    }


def connection_json(connection: Connection, accounts: list[Account]) -> dict[str, Any]:
    return {
        "connection_id": connection.connection_id,
        "broker": connection.broker,
        "connection_type": connection.connection_type,
        "created_at": time_text(connection.created_at),
        "accounts": [account_ref_json(a) for a in accounts],
    }


def balance_json(account: Account, figures: BalanceFigures) -> dict[str, Any]:
    return {
        "account_id": account.account_id,
        "account_number": account.account_number,
        "broker": account.broker,
        "account_type": account.account_type,
        "currency": "USD",
        "cash": decimal_text(figures.cash),
        "buying_power": decimal_text(figures.buying_power),
        "equity": decimal_text(figures.equity),
        "long_market_value": decimal_text(figures.long_market_value),
        "short_market_value": decimal_text(figures.short_market_value),
        "margin_used": decimal_text(figures.margin_used),
        "open_orders_reserved": decimal_text(figures.open_orders_reserved),
        "maintenance_margin": decimal_text(figures.maintenance_margin),
        "collateral": decimal_text(figures.collateral),
        "realized_pl": decimal_text(figures.realized_pl),
        "daily_pl": decimal_text(figures.daily_pl),
        "version": str(account.balance_version),
    }


def position_json(position: Position, last: Decimal) -> dict[str, Any]:
    quantity = position.quantity
    size = abs(quantity) * position.multiplier
    avg_price = abs(position.basis) / size if size else Decimal(0)
    market_value = quantity * last * position.multiplier
    unrealized = market_value - position.basis
    daily = market_value - position.day_basis + position.realized_today
    return {
        "account_id": position.account_id,
        "symbol": position.symbol,
        "instrument": position.instrument,
        "quantity": quantity_text(quantity),
        "avg_price": decimal_text(avg_price),
        "cost_basis": decimal_text(abs(position.basis)),
        "multiplier": quantity_text(position.multiplier),
        "last_price": decimal_text(last),
        "market_value": decimal_text(market_value),
        "unrealized_pl": decimal_text(unrealized),
        "realized_pl": decimal_text(position.realized_pl),
        "daily_pl": decimal_text(daily),
        "total_pl": decimal_text(position.realized_pl + unrealized),
        "version": str(position.version),
    }


def order_json(order: Order) -> dict[str, Any]:
    """The Order schema's JSON of ``order`` (fresh dicts and lists the caller may change)."""
    value = rendered_order(order).value
    return {
        **value,
        "legs": [dict(leg) for leg in value["legs"]],
        "fills": [dict(fill) for fill in value["fills"]],
    }


# Each status's text (an enum member's value is a property: a dict read is quicker).
_STATUS_TEXT: dict[OrderStatus, str] = {status: status.value for status in OrderStatus}
_ORDER_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Order)))


def rendered_order(order: Order) -> Rendered:
    """The Order schema's JSON of ``order``, shared until the order changes (read only)."""
    # Every field of the order (a field added later counts too), its fills as they are now:
    # the list itself is the same object before and after a fill is added.
    key = (*_ORDER_FIELDS(order), tuple(order.fills))
    cached = _rendered.get(order.order_id)  # one read of a dict needs no lock
    if cached is not None and cached.order is order and cached.made_from == key:
        return cached
    rendered = _RenderedOrder(_render_order(order), order, key)
    with _rendered_lock:
        _rendered[order.order_id] = rendered
        forget_oldest(_rendered, _RENDERED_LIMIT)
    return rendered


# Every field of a position (a field added later counts too), and rendered positions by
# account and symbol: a position's answer changes only with a field or its last price,
# which moves at most once a second.
_POSITION_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Position)))
_rendered_positions: dict[tuple[str, str], tuple[Position, object, Decimal, Rendered]] = {}


def rendered_position(position: Position, last: Decimal) -> Rendered:
    """The Position schema's JSON of ``position`` at the price ``last``, shared until a
    field of the position or the price changes (read only)."""
    key = _POSITION_FIELDS(position)
    slot = (position.account_id, position.symbol)
    cached = _rendered_positions.get(slot)  # one read of a dict needs no lock
    # Equal prices render alike: every figure is quantized or normalized before printing.
    if cached is not None and cached[0] is position and cached[1] == key and cached[2] == last:
        return cached[3]
    rendered = Rendered(position_json(position, last))
    with _rendered_lock:
        _rendered_positions[slot] = (position, key, last, rendered)
        forget_oldest(_rendered_positions, _RENDERED_LIMIT)
    return rendered


def _render_order(order: Order) -> dict[str, Any]:
    broker = lookup(order.broker)
    fills = order.fills
    filled = sum((f.quantity for f in fills), _ZERO) if fills else _ZERO  # as Order.filled_qty
    avg = sum((f.quantity * f.price for f in fills), _ZERO) / filled if filled else None
    order_qty = order.order_qty
    remaining = None if order_qty is None else order_qty - filled  # as Order.remaining_qty
    if remaining is not None and not order.is_open:
        remaining = _ZERO
    status = _STATUS_TEXT[order.status]
    created_at = time_text(order.created_at)
    # A new order was created and last updated at the same moment (the same object).
    updated_at = created_at if order.updated_at is order.created_at else time_text(order.updated_at)
    return {
        "order_id": order.order_id,
        "account_id": order.account_id,
        "cl_order_id": order.cl_order_id,
        "broker": order.broker,
        "instrument": order.instrument,
        "symbol": order.symbol,
        "side": order.side,
        "order_type": order.order_type,
        "order_tif": order.order_tif,
        "order_qty": None if order_qty is None else quantity_text(order_qty),
        "order_notional": _opt(order.order_notional),
        "order_limit_price": _opt(order.order_limit_price),
        "stop_price": _opt(order.stop_price),
        # Tuples, not lists: a value of plain parts is never tracked by the collector.
        "legs": tuple(
            {"symbol": leg.symbol, "action": leg.action, "ratio": str(leg.ratio)}
            for leg in order.legs
        )
        if order.legs
        else (),
        "status": status,
        "broker_status": (
            broker.broker_status(order.status, queued=order.queued) if broker else status
        ),
        "reject_reason": order.reject_reason,
        "filled_qty": quantity_text(filled) if fills else "0",
        "remaining_qty": None if remaining is None else quantity_text(remaining),
        "avg_fill_price": _opt(avg),
        "fills": tuple(
            {
                "fill_id": f.fill_id,
                "time": time_text(f.time),
                "quantity": quantity_text(f.quantity),
                "price": decimal_text(f.price),
            }
            for f in fills
        )
        if fills
        else (),
        "created_at": created_at,
        "updated_at": updated_at,
        "replaces_order_id": order.replaces_order_id,
        "replaced_by_order_id": order.replaced_by_order_id,
        "version": str(order.version),
    }


def transaction_json(txn: Transaction) -> dict[str, Any]:
    return {
        "transaction_id": txn.transaction_id,
        "account_id": txn.account_id,
        "type": txn.type,
        "time": time_text(txn.time),
        "trade_date": txn.trade_date.isoformat(),
        "symbol": txn.symbol,
        "side": txn.side,
        "quantity": None if txn.quantity is None else quantity_text(txn.quantity),
        "price": _opt(txn.price),
        "amount": decimal_text(txn.amount),
        "order_id": txn.order_id,
        "fill_id": txn.fill_id,
        "description": txn.description,
    }
