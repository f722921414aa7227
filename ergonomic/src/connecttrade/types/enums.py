"""The closed vocabularies of the Connect Trade wire format, as string enums.

Each member's value is exactly the string the API sends and accepts, so a member can be
put into a JSON body as it is (``StrEnum`` members are ``str``).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "EQUITY_SIDES",
    "OPEN_STATUSES",
    "OPTION_SIDES",
    "TERMINAL_STATUSES",
    "AccountType",
    "ConnectionType",
    "Instrument",
    "LegAction",
    "OrderSide",
    "OrderStatus",
    "OrderType",
    "TimeInForce",
    "TransactionType",
]


class OrderSide(StrEnum):
    """The side of a single-leg order (equity sides and option sides share the field)."""

    BUY = "BUY"
    SELL = "SELL"
    SELL_SHORT = "SELL_SHORT"
    # TradeStation's side for an equity buy that closes a short position.
    BUY_TO_COVER = "BUY_TO_COVER"
    BUY_TO_OPEN = "BUY_TO_OPEN"
    BUY_TO_CLOSE = "BUY_TO_CLOSE"
    SELL_TO_OPEN = "SELL_TO_OPEN"
    SELL_TO_CLOSE = "SELL_TO_CLOSE"


#: Sides valid for equity (``STK``) orders.
EQUITY_SIDES: frozenset[OrderSide] = frozenset(
    {OrderSide.BUY, OrderSide.SELL, OrderSide.SELL_SHORT, OrderSide.BUY_TO_COVER}
)

#: Sides valid for single-leg option (``OPT``) orders.
OPTION_SIDES: frozenset[OrderSide] = frozenset(
    {
        OrderSide.BUY_TO_OPEN,
        OrderSide.BUY_TO_CLOSE,
        OrderSide.SELL_TO_OPEN,
        OrderSide.SELL_TO_CLOSE,
    }
)


class LegAction(StrEnum):
    """The action of one leg of a multi-leg (``MLEG_OPT``) order."""

    BUY_TO_OPEN = "BUY_TO_OPEN"
    BUY_TO_CLOSE = "BUY_TO_CLOSE"
    SELL_TO_OPEN = "SELL_TO_OPEN"
    SELL_TO_CLOSE = "SELL_TO_CLOSE"


class OrderType(StrEnum):
    """Market, limit, stop and stop-limit orders."""

    MKT = "MKT"
    LMT = "LMT"
    STP = "STP"
    STPLMT = "STPLMT"


class TimeInForce(StrEnum):
    """How long an order stays working (the wire field is ``order_tif``)."""

    DAY = "DAY"
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    OPEN = "OPEN"
    CLOSE = "CLOSE"
    # The "+" variants also work in extended hours; "+" cannot appear in a member name.
    DAY_PLUS = "DAY+"
    GTC_PLUS = "GTC+"


class Instrument(StrEnum):
    """The asset class of an order."""

    STK = "STK"
    OPT = "OPT"
    MLEG_OPT = "MLEG_OPT"
    FUT = "FUT"
    CRYPTO = "CRYPTO"


class OrderStatus(StrEnum):
    """The normalized order status (the broker's own is in ``broker_status``)."""

    PENDING = "pending"
    WORKING = "working"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REPLACED = "replaced"
    PENDING_CANCEL = "pending_cancel"
    PENDING_REPLACE = "pending_replace"


#: Statuses after which an order never changes again.
TERMINAL_STATUSES: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.REPLACED,
    }
)

#: Statuses of an order that may still fill or change: every status that is not terminal.
OPEN_STATUSES: frozenset[OrderStatus] = frozenset(OrderStatus) - TERMINAL_STATUSES


class ConnectionType(StrEnum):
    """Whether a brokerage connection may place orders."""

    TRADE = "trade"
    READONLY = "readonly"


class AccountType(StrEnum):
    """Cash or margin brokerage account."""

    CASH = "cash"
    MARGIN = "margin"


class TransactionType(StrEnum):
    """The kind of a historical account transaction."""

    FILL = "fill"
    FEE = "fee"
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    DIVIDEND = "dividend"
    INTEREST = "interest"
    ADJUSTMENT = "adjustment"
