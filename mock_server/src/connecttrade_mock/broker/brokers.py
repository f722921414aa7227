"""The 21 brokers of the Connect Trade capability matrix.

Each ``Broker`` says what the mock lets a connection to it do (order entry, options,
futures, crypto, paper accounts) and how it names order statuses in its own vocabulary:
the mock reports that name in an order's ``broker_status`` next to the normalized
``status``. The vocabularies follow each broker's published API where one exists; brokers
that speak FIX-like statuses, and the read-only banks, use ``FIX_STATUS_NAMES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from connecttrade_mock.lifecycle import OrderStatus

__all__ = [
    "BROKERS",
    "FIX_STATUS_NAMES",
    "Broker",
    "lookup",
]

_S = OrderStatus


def _vocabulary(names: Mapping[OrderStatus, str]) -> Mapping[OrderStatus, str]:
    missing = set(OrderStatus) - set(names)
    if missing:  # pragma: no cover - a programming error caught at import time
        raise ValueError(f"status vocabulary misses {sorted(missing)}")
    return MappingProxyType(dict(names))


FIX_STATUS_NAMES: Final[Mapping[OrderStatus, str]] = _vocabulary(
    {  # FIX 4.4 OrdStatus names
        _S.PENDING: "PendingNew",
        _S.WORKING: "New",
        _S.PARTIALLY_FILLED: "PartiallyFilled",
        _S.FILLED: "Filled",
        _S.CANCELLED: "Canceled",
        _S.REJECTED: "Rejected",
        _S.EXPIRED: "Expired",
        _S.REPLACED: "Replaced",
        _S.PENDING_CANCEL: "PendingCancel",
        _S.PENDING_REPLACE: "PendingReplace",
    }
)

_ALPACA = _vocabulary(
    {
        _S.PENDING: "pending_new",
        _S.WORKING: "new",
        _S.PARTIALLY_FILLED: "partially_filled",
        _S.FILLED: "filled",
        _S.CANCELLED: "canceled",
        _S.REJECTED: "rejected",
        _S.EXPIRED: "expired",
        _S.REPLACED: "replaced",
        _S.PENDING_CANCEL: "pending_cancel",
        _S.PENDING_REPLACE: "pending_replace",
    }
)

_INTERACTIVE_BROKERS = _vocabulary(
    {  # TWS order states; IB modifies in place and reports expiries as cancellations
        _S.PENDING: "PendingSubmit",
        _S.WORKING: "Submitted",
        _S.PARTIALLY_FILLED: "Submitted",
        _S.FILLED: "Filled",
        _S.CANCELLED: "Cancelled",
        _S.REJECTED: "Inactive",
        _S.EXPIRED: "Cancelled",
        _S.REPLACED: "Cancelled",
        _S.PENDING_CANCEL: "PendingCancel",
        _S.PENDING_REPLACE: "PreSubmitted",
    }
)

_MOOMOO = _vocabulary(
    {  # Futu OpenAPI OrderStatus
        _S.PENDING: "SUBMITTING",
        _S.WORKING: "SUBMITTED",
        _S.PARTIALLY_FILLED: "FILLED_PART",
        _S.FILLED: "FILLED_ALL",
        _S.CANCELLED: "CANCELLED_ALL",
        _S.REJECTED: "SUBMIT_FAILED",
        _S.EXPIRED: "DISABLED",
        _S.REPLACED: "CANCELLED_ALL",
        _S.PENDING_CANCEL: "CANCELLING_ALL",
        _S.PENDING_REPLACE: "SUBMITTING",
    }
)

_PUBLIC = _vocabulary(
    {
        _S.PENDING: "PENDING",
        _S.WORKING: "NEW",
        _S.PARTIALLY_FILLED: "PARTIALLY_FILLED",
        _S.FILLED: "FILLED",
        _S.CANCELLED: "CANCELLED",
        _S.REJECTED: "REJECTED",
        _S.EXPIRED: "EXPIRED",
        _S.REPLACED: "REPLACED",
        _S.PENDING_CANCEL: "PENDING_CANCEL",
        _S.PENDING_REPLACE: "PENDING_REPLACE",
    }
)

_TASTYTRADE = _vocabulary(
    {
        _S.PENDING: "Received",
        _S.WORKING: "Live",
        _S.PARTIALLY_FILLED: "Live",
        _S.FILLED: "Filled",
        _S.CANCELLED: "Cancelled",
        _S.REJECTED: "Rejected",
        _S.EXPIRED: "Expired",
        _S.REPLACED: "Removed",
        _S.PENDING_CANCEL: "Cancel Requested",
        _S.PENDING_REPLACE: "Replace Requested",
    }
)

_TRADESTATION = _vocabulary(
    {  # TradeStation three-letter status codes
        _S.PENDING: "ACK",
        _S.WORKING: "OPN",
        _S.PARTIALLY_FILLED: "FPR",
        _S.FILLED: "FLL",
        _S.CANCELLED: "CAN",
        _S.REJECTED: "REJ",
        _S.EXPIRED: "EXP",
        _S.REPLACED: "UCH",
        _S.PENDING_CANCEL: "UCN",
        _S.PENDING_REPLACE: "RSN",
    }
)

_TRADIER = _vocabulary(
    {  # Tradier has no pending-cancel/replace states: the order shows open until answered
        _S.PENDING: "pending",
        _S.WORKING: "open",
        _S.PARTIALLY_FILLED: "partially_filled",
        _S.FILLED: "filled",
        _S.CANCELLED: "canceled",
        _S.REJECTED: "rejected",
        _S.EXPIRED: "expired",
        _S.REPLACED: "canceled",
        _S.PENDING_CANCEL: "open",
        _S.PENDING_REPLACE: "open",
    }
)

_WEBULL = _vocabulary(
    {
        _S.PENDING: "Pending",
        _S.WORKING: "Working",
        _S.PARTIALLY_FILLED: "Partially Filled",
        _S.FILLED: "Filled",
        _S.CANCELLED: "Cancelled",
        _S.REJECTED: "Failed",
        _S.EXPIRED: "Expired",
        _S.REPLACED: "Modified",
        _S.PENDING_CANCEL: "Pending Cancel",
        _S.PENDING_REPLACE: "Pending Modify",
    }
)

_SCHWAB = _vocabulary(
    {  # Schwab Trader API order status
        _S.PENDING: "PENDING_ACTIVATION",
        _S.WORKING: "WORKING",
        _S.PARTIALLY_FILLED: "WORKING",
        _S.FILLED: "FILLED",
        _S.CANCELLED: "CANCELED",
        _S.REJECTED: "REJECTED",
        _S.EXPIRED: "EXPIRED",
        _S.REPLACED: "REPLACED",
        _S.PENDING_CANCEL: "PENDING_CANCEL",
        _S.PENDING_REPLACE: "PENDING_REPLACE",
    }
)


@dataclass(frozen=True, slots=True)
class Broker:
    """One broker of the capability matrix."""

    code: str
    """The upper-case broker code used in the API's ``broker`` field."""
    name: str
    """The display name."""
    institution_name: str
    """The legal name reported as an account's ``institution_name``."""
    trading: bool
    """Order entry is possible (``trade`` connections); otherwise read-only."""
    options: bool
    futures: bool
    crypto: bool
    paper: bool
    """The broker offers paper-trading accounts."""
    native_status: Mapping[OrderStatus, str]
    """The broker's own name for each normalized status (the ``broker_status`` field)."""

    @property
    def read_only(self) -> bool:
        """Only ``readonly`` connections are possible."""
        return not self.trading

    @property
    def connection_types(self) -> tuple[str, ...]:
        """The ``connection_type`` values a connection to this broker may use."""
        return ("trade", "readonly") if self.trading else ("readonly",)

    def broker_status(self, status: OrderStatus) -> str:
        """The broker's native name for a normalized status."""
        return self.native_status[status]


def _trading(
    code: str,
    name: str,
    institution_name: str,
    native_status: Mapping[OrderStatus, str],
    *,
    futures: bool = False,
    crypto: bool = False,
    paper: bool = False,
) -> Broker:
    return Broker(
        code=code,
        name=name,
        institution_name=institution_name,
        trading=True,
        options=True,
        futures=futures,
        crypto=crypto,
        paper=paper,
        native_status=native_status,
    )


def _read_only(
    code: str,
    name: str,
    institution_name: str,
    native_status: Mapping[OrderStatus, str] = FIX_STATUS_NAMES,
) -> Broker:
    return Broker(
        code=code,
        name=name,
        institution_name=institution_name,
        trading=False,
        options=False,
        futures=False,
        crypto=False,
        paper=False,
        native_status=native_status,
    )


_ALL = (
    _trading("ALPACA", "Alpaca", "Alpaca Securities LLC", _ALPACA, crypto=True, paper=True),
    _trading(
        "INTERACTIVEBROKERS",
        "Interactive Brokers",
        "Interactive Brokers LLC",
        _INTERACTIVE_BROKERS,
        futures=True,
    ),
    _trading("LIGHTSPEED", "Lightspeed", "Lightspeed Financial Services Group", FIX_STATUS_NAMES),
    _trading("MOOMOO", "moomoo", "Moomoo Financial Inc.", _MOOMOO),
    _trading("PUBLIC", "Public", "Open to the Public Investing, Inc.", _PUBLIC, crypto=True),
    _trading(
        "STERLING", "Sterling Trading Technologies", "Sterling Trading Tech", FIX_STATUS_NAMES
    ),
    _trading(
        "TASTYTRADE", "tastytrade", "tastytrade, Inc.", _TASTYTRADE, futures=True, crypto=True
    ),
    _trading(
        "TRADESTATION",
        "TradeStation",
        "TradeStation Securities, Inc.",
        _TRADESTATION,
        futures=True,
        paper=True,
    ),
    _trading("TRADIER", "Tradier", "Tradier Brokerage, Inc.", _TRADIER, futures=True, paper=True),
    _trading("TRADEZERO", "TradeZero", "TradeZero America, Inc.", FIX_STATUS_NAMES, paper=True),
    _trading("WEBULL", "Webull", "Webull Financial LLC", _WEBULL, futures=True, crypto=True),
    _read_only("SCHWAB", "Charles Schwab", "Charles Schwab & Co., Inc.", _SCHWAB),
    _read_only("FIDELITY", "Fidelity", "Fidelity Brokerage Services LLC"),
    _read_only("BANKOFAMERICA", "Bank of America", "Merrill Lynch, Pierce, Fenner & Smith"),
    _read_only("CAPITALONE", "Capital One", "Capital One Investing, LLC"),
    _read_only("CHASE", "Chase", "J.P. Morgan Securities LLC"),
    _read_only("CITI", "Citi", "Citigroup Global Markets Inc."),
    _read_only("PNC", "PNC", "PNC Investments LLC"),
    _read_only("TD", "TD Bank", "TD Bank, N.A."),
    _read_only("USBANK", "U.S. Bank", "U.S. Bancorp Investments, Inc."),
    _read_only("WELLSFARGO", "Wells Fargo", "Wells Fargo Clearing Services, LLC"),
)

BROKERS: Final[Mapping[str, Broker]] = MappingProxyType({b.code: b for b in _ALL})
"""Every broker by its upper-case code, in the order of the capability matrix."""


# The same brokers in a plain dict, read by lookup() (a mapping proxy's get is a method call
# on the dict behind it).
_BY_CODE: Final[dict[str, Broker]] = dict(BROKERS)


def lookup(code: str) -> Broker | None:
    """The broker for a code, ignoring case and surrounding whitespace; ``None`` if unknown."""
    broker = _BY_CODE.get(code)  # a code as the books keep it: the key itself
    if broker is None:
        broker = _BY_CODE.get(code.strip().upper())
    return broker
