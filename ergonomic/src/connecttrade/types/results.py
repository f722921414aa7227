"""What the API answers, as immutable values: exact ``Decimal`` money, ``datetime`` times.

Every result is a frozen, slotted dataclass. Money and quantities are ``Decimal`` parsed
from the API's strings without passing through ``float``. Fields the contract allows to be
null are ``X | None``. Closed vocabularies are enums, typed ``Enum | str``: a value this
SDK release does not know yet (a new order status, a new broker) stays readable as plain
text instead of failing the whole call. Secrets (a new user secret, stream and agent
tokens) are :class:`~connecttrade.types.secret.Secret` values.

Every result read from an answer has an ``extra`` mapping, read-only: the properties of
the answer this release does not know (a field the vendor added after it), as their JSON
values (numbers with a fraction as ``Decimal``); usually empty. It takes part in equality
but not in the repr, which stays that of the known fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from connecttrade.types.broker import Broker
from connecttrade.types.enums import (
    TERMINAL_STATUSES,
    AccountType,
    ConnectionType,
    Instrument,
    LegAction,
    OrderSide,
    OrderStatus,
    OrderType,
    TimeInForce,
    TransactionType,
)
from connecttrade.types.secret import Secret

__all__ = [
    "Account",
    "AccountRef",
    "AgentToken",
    "Balance",
    "Connection",
    "ConnectionRequest",
    "DailySummary",
    "Extra",
    "Fill",
    "MarketDataToken",
    "Order",
    "OrderLeg",
    "Position",
    "Transaction",
    "User",
    "UserCredentials",
]


class Extra(Mapping[str, object]):
    """The properties of an answer the SDK does not know yet, read-only (``result.extra``).

    A mapping from the wire name to the JSON value as the answer had it. It compares equal
    to any mapping with the same items, pickles, and cannot be changed.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, object] | None = None) -> None:
        self._items: dict[str, object] = dict(items or {})

    def __getitem__(self, key: str) -> object:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Extra({self._items!r})"

    def __reduce__(self) -> tuple[type[Extra], tuple[dict[str, object]]]:
        return Extra, (self._items,)


#: The ``extra`` of a result whose answer held only known properties.
NO_EXTRA: Mapping[str, object] = Extra()


def _extra() -> Mapping[str, object]:
    """The ``extra`` field: last, defaulted, compared, neither hashed nor shown."""
    return field(default_factory=lambda: NO_EXTRA, repr=False, hash=False)


@dataclass(frozen=True, slots=True)
class UserCredentials:
    """A user and its secret, shown once by ``users.create`` and ``users.rotate_secret``."""

    user_id: str
    user_secret: Secret
    created_at: dt.datetime
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class User:
    """An end user of the platform (its secret is never listed)."""

    user_id: str
    created_at: dt.datetime
    connection_count: int
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class ConnectionRequest:
    """Where to send the user to link a brokerage login, valid until ``expires_at``."""

    url: str
    expires_at: dt.datetime
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class AccountRef:
    """An account reached through a connection."""

    account_id: str
    account_number: str
    institution_name: str
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class Connection:
    """A user's link to one brokerage login."""

    connection_id: str
    broker: Broker | str
    connection_type: ConnectionType | str
    created_at: dt.datetime
    accounts: tuple[AccountRef, ...]
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class MarketDataToken:
    """A token for the market-data stream; valid 24 hours, one active per connection."""

    connection_id: str
    token: Secret
    expires_at: dt.datetime
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class Account:
    """A brokerage account the user linked."""

    account_id: str
    account_number: str
    institution_name: str
    connection_id: str
    broker: Broker | str
    account_type: AccountType | str
    is_paper: bool
    can_trade: bool
    currency: str
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class Balance:
    """Cash, buying power and margin of one account; figures a broker omits are ``None``.

    ``version`` grows by one with every change the brokerage stream reports (cash moved,
    buying power reserved or released); price moves change the figures but not the version.
    """

    account_id: str
    account_number: str
    broker: Broker | str
    account_type: AccountType | str
    currency: str
    cash: Decimal
    buying_power: Decimal
    equity: Decimal
    long_market_value: Decimal
    short_market_value: Decimal
    margin_used: Decimal | None
    open_orders_reserved: Decimal | None
    maintenance_margin: Decimal | None
    collateral: Decimal | None
    realized_pl: Decimal | None
    daily_pl: Decimal | None
    version: int
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class Position:
    """A holding; a negative ``quantity`` is a short. P&L a broker omits is ``None``.

    ``version`` grows by one with every change the brokerage stream reports (each fill
    booked into the position); price moves change the figures but not the version.
    """

    account_id: str
    symbol: str
    instrument: Instrument | str
    quantity: Decimal
    avg_price: Decimal
    cost_basis: Decimal
    multiplier: Decimal
    last_price: Decimal | None
    market_value: Decimal | None
    unrealized_pl: Decimal | None
    realized_pl: Decimal | None
    daily_pl: Decimal | None
    total_pl: Decimal | None
    version: int
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of an order (net price per spread for multi-leg orders)."""

    fill_id: str
    time: dt.datetime
    quantity: Decimal
    price: Decimal
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class OrderLeg:
    """A leg of a multi-leg order as the broker holds it."""

    symbol: str
    action: LegAction | str
    ratio: int
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class Order:
    """An order as the broker holds it, with its fills.

    Field names follow :class:`~connecttrade.types.orders.OrderRequest`: the wire names without
    their ``order_`` prefix (``qty`` is ``order_qty``, ``tif`` is ``order_tif``). A broker
    rejection is not an exception: ``status`` is ``rejected`` and ``reject_reason`` says
    why. ``version`` grows by one with every change.
    """

    order_id: str
    account_id: str
    cl_order_id: str
    broker: Broker | str
    instrument: Instrument | str
    symbol: str | None
    side: OrderSide | str | None
    order_type: OrderType | str
    tif: TimeInForce | str
    qty: Decimal | None
    notional: Decimal | None
    limit_price: Decimal | None
    stop_price: Decimal | None
    legs: tuple[OrderLeg, ...]
    status: OrderStatus | str
    broker_status: str
    reject_reason: str | None
    filled_qty: Decimal
    remaining_qty: Decimal | None
    avg_fill_price: Decimal | None
    fills: tuple[Fill, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    replaces_order_id: str | None
    replaced_by_order_id: str | None
    version: int
    extra: Mapping[str, object] = _extra()

    @property
    def is_done(self) -> bool:
        """True once the order can no longer change (filled, cancelled, rejected, ...).

        A status this release does not know counts as not done.
        """
        return self.status in TERMINAL_STATUSES

    @property
    def is_rejected(self) -> bool:
        """True when the broker refused the order (see ``reject_reason``)."""
        return self.status == OrderStatus.REJECTED


@dataclass(frozen=True, slots=True)
class Transaction:
    """One movement of cash or securities; ``amount`` is the signed cash effect."""

    transaction_id: str
    account_id: str
    type: TransactionType | str
    time: dt.datetime
    trade_date: dt.date
    symbol: str | None
    side: OrderSide | str | None
    quantity: Decimal | None
    price: Decimal | None
    amount: Decimal
    order_id: str | None
    fill_id: str | None
    description: str
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class AgentToken:
    """A short-lived (one hour) bearer token for agent tools, limited to ``scopes``."""

    access_token: Secret
    token_type: str
    expires_at: dt.datetime
    expires_in: int
    scopes: tuple[str, ...]
    extra: Mapping[str, object] = _extra()


@dataclass(frozen=True, slots=True)
class DailySummary:
    """Today's picture of one account: cash, buying power and daily P&L per symbol.

    ``daily_pl_by_symbol`` holds ``None`` for a symbol whose broker reports no daily P&L;
    ``total_daily_pl`` sums the reported ones.
    """

    account_id: str
    cash: Decimal
    buying_power: Decimal
    daily_pl_by_symbol: Mapping[str, Decimal | None]
    total_daily_pl: Decimal
