"""The 21 brokers of the Connect Trade capability matrix: one table of broker behaviour.

Each row (a ``Broker``) says what a connection to that broker may do and how its orders
are admitted: paper accounts, fractional shares and notional orders (with their minimums),
extended hours, what happens to a DAY market order sent while the market is shut, the
options approval levels offered, short selling, crypto, futures, read-only. The order
engine's admission rules (``_admission.py``) read only this table, and the README's
broker table is rendered from it (``render_markdown_table``). Each row cites what the
broker documents; where the documentation is silent the row takes the conservative common
behaviour and says so.

A row also names order statuses in the broker's own vocabulary (an order's
``broker_status`` next to the normalized ``status``) and words its refusals the way the
broker does (``Words``). Brokers that speak FIX-like statuses, and the read-only banks,
use ``FIX_STATUS_NAMES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from connecttrade_mock.lifecycle import OrderStatus

__all__ = [
    "BROKERS",
    "FIX_STATUS_NAMES",
    "Broker",
    "Fractional",
    "OffHoursMarket",
    "Words",
    "lookup",
    "options_level",
    "render_markdown_table",
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


class OffHoursMarket(StrEnum):
    """What a broker does with a DAY market order sent while the regular session is shut."""

    QUEUE = "queue"
    """Hold it (``pending``) and send it at the next regular open."""
    REJECT = "reject"
    """Refuse it."""


@dataclass(frozen=True, slots=True)
class Fractional:
    """Fractional shares by quantity: the smallest step of a quantity, and the least an
    order of a fraction of a share must be worth at the order's price."""

    increment: Decimal
    min_value: Decimal


@dataclass(frozen=True, slots=True)
class Words:
    """How a broker words its refusals (``str.format`` templates; the fields each one takes
    are named in its comment). The order engine fills them; the order's ``reject_reason``
    is the result."""

    sell_without_position: str  # symbol, requested
    sell_more_than_held: str  # symbol, requested, available
    no_short_selling: str  # broker
    hard_to_borrow: str  # symbol
    short_while_long: str  # symbol, held
    fractional_short: str  # quantity
    options_level: str  # what, needed, level
    sub_penny: str  # field, price, increment
    limit_collar: str  # side, price, touch, collar
    market_protection: str  # side, touch, low, high, symbol
    fractional_contracts: str  # quantity
    no_fractional: str  # broker, quantity
    fractional_increment: str  # quantity, increment
    fractional_minimum: str  # value, minimum
    no_notional: str  # broker
    notional_minimum: str  # notional, minimum
    market_when_shut: str  # session
    no_extended_hours: str  # broker
    extended_hours_limit_only: str  # tif
    options_extended_hours: str  # tif


_GENERIC_WORDS = Words(
    sell_without_position=(
        "no position in {symbol} to sell (requested {requested}); to open a short "
        "position use side SELL_SHORT"
    ),
    sell_more_than_held=(
        "insufficient quantity: selling {requested} {symbol}, {available} available to sell"
    ),
    no_short_selling="short selling is not offered at {broker}",
    hard_to_borrow="{symbol} is hard to borrow: no shares available to short",
    short_while_long=(
        "cannot sell {symbol} short while holding {held} long; sell the position first"
    ),
    fractional_short="fractional shares cannot be sold short (order_qty {quantity})",
    options_level=(
        "options approval level {level} does not permit {what}; it needs level {needed}"
    ),
    sub_penny=(
        "{field} {price} is not a valid price increment: use multiples of {increment} "
        "(Reg NMS Rule 612)"
    ),
    limit_collar=(
        "limit price {price} is more than {collar} through the market ({side} at {touch}); "
        "the order was refused by limit order price protection"
    ),
    market_protection=(
        "market order price protection: {side} {touch} is outside the limit-up/limit-down "
        "band {low}-{high} for {symbol}"
    ),
    fractional_contracts="order_qty {quantity}: options and futures trade in whole contracts",
    no_fractional="fractional shares are not offered at {broker} (order_qty {quantity})",
    fractional_increment="order_qty {quantity}: fractional quantities go in steps of {increment}",
    fractional_minimum=(
        "a fractional share order must be worth at least {minimum} (this is {value})"
    ),
    no_notional="notional (dollar amount) orders are not offered at {broker}",
    notional_minimum="order_notional {notional} is below the minimum of {minimum}",
    market_when_shut="market orders are not accepted while the market is {session}",
    no_extended_hours="extended-hours trading is not offered at {broker}",
    extended_hours_limit_only="extended-hours orders ({tif}) must be limit orders",
    options_extended_hours="options do not trade in extended hours ({tif})",
)

# Alpaca's API answers in short lower-case sentences (its documented error texts where
# known: "insufficient qty available for order", "cost basis must be >= 1", "sub-penny
# increment does not fulfill minimum pricing criteria", "extended hours order must be DAY
# limit orders").
_ALPACA_WORDS = replace(
    _GENERIC_WORDS,
    sell_more_than_held=(
        "insufficient qty available for order (requested: {requested}, available: {available})"
    ),
    hard_to_borrow="asset {symbol} is not shortable",
    short_while_long="cannot open a short sell while a long position is held in {symbol}",
    fractional_short="fractional orders cannot be sold short",
    options_level=(
        "account not eligible to trade {what} (options trading level {level}, "
        "level {needed} required)"
    ),
    sub_penny=(
        "invalid {field} {price}. sub-penny increment does not fulfill minimum pricing criteria"
    ),
    fractional_contracts="qty must be integer for options orders",
    fractional_increment="qty {quantity} has more than 9 decimal places",
    fractional_minimum="cost basis must be >= {minimum} (order worth {value})",
    notional_minimum="cost basis must be >= {minimum}",
    extended_hours_limit_only="extended hours order must be DAY limit orders",
    options_extended_hours="options orders are not eligible for extended hours",
)

# Tradier names its sides buy / sell / sell_short / buy_to_cover.
_TRADIER_WORDS = replace(
    _GENERIC_WORDS,
    sell_without_position=(
        "Sell order for {requested} {symbol} cannot be placed: no long position. "
        "Use sell_short to open a short position"
    ),
    sell_more_than_held=(
        "Sell order quantity {requested} exceeds the long position of {available} {symbol}"
    ),
    hard_to_borrow="{symbol} is not available to sell short (hard to borrow)",
    short_while_long="Sell short order cannot be placed while long {held} {symbol}",
    options_level=(
        "Account is not approved for {what}: option level {level}, level {needed} required"
    ),
)

# IBKR answers in TWS message style ("Order rejected - reason: ...").
_IBKR_WORDS = replace(
    Words(
        **{
            f.name: "Order rejected - reason: " + getattr(_GENERIC_WORDS, f.name)
            for f in fields(Words)
        }
    ),
    hard_to_borrow=(
        "Order rejected - reason: no shares of {symbol} are available to borrow (hard to borrow)"
    ),
    options_level=(
        "Order rejected - reason: your account lacks the trading permission for {what} "
        "(options level {level}, needs {needed})"
    ),
    limit_collar=(
        "Order rejected - reason: the limit price {price} is more than {collar} through "
        "the market ({side} {touch}) and violates the price percentage constraint"
    ),
)


@dataclass(frozen=True, slots=True)
class Broker:
    """One broker of the capability matrix: one row of the table of broker behaviour."""

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
    fractional: Fractional | None = None
    """Fractional shares by quantity; ``None``: whole shares only."""
    notional_min: Decimal | None = None
    """The least a notional (dollar amount) equity order may be; ``None``: none offered."""
    extended_hours: bool = False
    """Equities trade in the pre-market and after hours (DAY+ / GTC+ limit orders)."""
    off_hours_market: OffHoursMarket = OffHoursMarket.QUEUE
    """A DAY market order while the regular session is shut: queued or refused."""
    queued_status: str | None = None
    """The broker's word for an order held for the next open (else its ``pending`` word)."""
    option_levels: int = 0
    """The highest options approval level offered (0 none, 1 covered calls and
    cash-secured puts, 2 long options, 3 spreads, 4 uncovered)."""
    short_selling: bool = False
    """Margin accounts may sell short easy-to-borrow stocks."""
    sell_opens_short: bool = False
    """A plain SELL with no position opens a short (the broker has no separate short side);
    otherwise such a SELL is refused and SELL_SHORT asked for."""
    words: Words = _GENERIC_WORDS
    """How the broker words its refusals."""

    @property
    def read_only(self) -> bool:
        """Only ``readonly`` connections are possible."""
        return not self.trading

    @property
    def connection_types(self) -> tuple[str, ...]:
        """The ``connection_type`` values a connection to this broker may use."""
        return ("trade", "readonly") if self.trading else ("readonly",)

    def broker_status(self, status: OrderStatus, *, queued: bool = False) -> str:
        """The broker's native name for a normalized status (``queued``: the order is held
        for the next regular open)."""
        if queued and status is OrderStatus.PENDING and self.queued_status is not None:
            return self.queued_status
        return self.native_status[status]

    def default_options_level(self, account_type: str) -> int:
        """The level a new account gets: spreads at most in a margin account, long options
        at most in a cash account (uncovered writing needs a separate approval)."""
        return min(self.option_levels, 3 if account_type == "margin" else 2)


_D = Decimal
_Q, _R = OffHoursMarket.QUEUE, OffHoursMarket.REJECT


def _read_only(
    code: str,
    name: str,
    institution_name: str,
    native_status: Mapping[OrderStatus, str] = FIX_STATUS_NAMES,
) -> Broker:
    # Read-only connections (account aggregation): no order entry, so no order rules.
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


# Paper, crypto, futures and read-only follow the vendor's capability matrix
# (KNOWN-FACTS.md); the order rules follow each broker's own documentation, cited per row.
_ALL = (
    # Alpaca: paper accounts; fractional shares to 9 decimals from $1 and notional orders
    # from $1 ("cost basis must be >= 1"); extended hours 4:00-20:00 for DAY limit orders;
    # market orders sent outside market hours are queued ("accepted") for the next open;
    # options levels 0-3 (no uncovered writing); shorts of easy-to-borrow stocks in margin
    # accounts, opened by a plain sell (its API has only buy/sell sides).
    Broker(
        "ALPACA", "Alpaca", "Alpaca Securities LLC", True, True, False, True, True, _ALPACA,
        fractional=Fractional(_D("0.000000001"), _D("1")), notional_min=_D("1"),
        extended_hours=True, off_hours_market=_Q, queued_status="accepted", option_levels=3,
        short_selling=True, sell_opens_short=True, words=_ALPACA_WORDS,
    ),
    # Interactive Brokers: fractional shares in steps of 0.0001 and cash-quantity orders
    # (minimum not documented: $1 assumed); outsideRth for extended hours; market orders
    # outside RTH are held (PreSubmitted) until the open; uncovered writing with approval
    # (level 4); SELL opens a short when nothing is held.
    Broker(
        "INTERACTIVEBROKERS", "Interactive Brokers", "Interactive Brokers LLC", True, True,
        True, False, False, _INTERACTIVE_BROKERS,
        fractional=Fractional(_D("0.0001"), _D("1")), notional_min=_D("1"),
        extended_hours=True, off_hours_market=_Q, queued_status="PreSubmitted",
        option_levels=4, short_selling=True, sell_opens_short=True, words=_IBKR_WORDS,
    ),
    # Lightspeed (direct-access): whole shares only; extended hours; an explicit short
    # side. Its handling of off-hours market orders and its top options level are not
    # documented publicly: the common behaviour (queue) and spreads (level 3) are assumed.
    Broker(
        "LIGHTSPEED", "Lightspeed", "Lightspeed Financial Services Group", True, True, False,
        False, False, FIX_STATUS_NAMES,
        extended_hours=True, off_hours_market=_Q, option_levels=3, short_selling=True,
    ),
    # moomoo: Futu OpenAPI has TrdSide SELL_SHORT; extended hours 4:00-20:00; options
    # levels 1-3. Fractional shares exist in its app but not in the OpenAPI: whole shares
    # assumed; off-hours market orders: not documented, queued (the common behaviour).
    Broker(
        "MOOMOO", "moomoo", "Moomoo Financial Inc.", True, True, False, False, False, _MOOMOO,
        extended_hours=True, off_hours_market=_Q, option_levels=3, short_selling=True,
    ),
    # Public: fractional shares from $1 (5 decimals shown; the step is assumed 0.00001)
    # and dollar orders from $1; extended hours; options up to spreads; no short selling.
    Broker(
        "PUBLIC", "Public", "Open to the Public Investing, Inc.", True, True, False, True,
        False, _PUBLIC,
        fractional=Fractional(_D("0.00001"), _D("1")), notional_min=_D("1"),
        extended_hours=True, off_hours_market=_Q, option_levels=3, short_selling=False,
    ),
    # Sterling (an OMS for direct-access brokers): whole shares, FIX sides (Sell short is
    # its own side). Off-hours market orders and option levels are set by the clearing
    # broker: the common behaviour (queue, spreads at most) is assumed.
    Broker(
        "STERLING", "Sterling Trading Technologies", "Sterling Trading Tech", True, True,
        False, False, False, FIX_STATUS_NAMES,
        extended_hours=True, off_hours_market=_Q, option_levels=3, short_selling=True,
    ),
    # tastytrade: fractional equities only as dollar orders from $5 (quantity orders are
    # whole shares); market orders are accepted only in the regular session (refused
    # otherwise); Limited/Basic/Full option levels, Full includes uncovered (level 4);
    # shorts are "Sell to Open", a plain sell without a position is refused.
    Broker(
        "TASTYTRADE", "tastytrade", "tastytrade, Inc.", True, True, True, True, False,
        _TASTYTRADE,
        notional_min=_D("5"), extended_hours=True, off_hours_market=_R, option_levels=4,
        short_selling=True,
    ),
    # TradeStation: paper (simulated) accounts; whole shares; extended hours; option levels
    # 1-5 (5 is uncovered index options: level 4 here); SellShort is its own action. Market
    # orders out of hours: not clearly documented, queued (the common behaviour).
    Broker(
        "TRADESTATION", "TradeStation", "TradeStation Securities, Inc.", True, True, True,
        False, True, _TRADESTATION,
        extended_hours=True, off_hours_market=_Q, option_levels=4, short_selling=True,
    ),
    # Tradier: paper (sandbox) accounts; no fractional shares; pre/post durations for
    # extended hours; market orders placed after hours wait for the next open; option
    # levels up to uncovered; sides buy / sell / sell_short / buy_to_cover.
    Broker(
        "TRADIER", "Tradier", "Tradier Brokerage, Inc.", True, True, True, False, True,
        _TRADIER,
        extended_hours=True, off_hours_market=_Q, option_levels=4, short_selling=True,
        words=_TRADIER_WORDS,
    ),
    # TradeZero: paper accounts; whole shares; extended hours 4:00-20:00; market orders
    # only in the regular session (refused otherwise); shorts with locates (hard-to-borrow
    # names need a locate, which the API cannot take: refused). Option levels not
    # documented publicly: spreads (level 3) assumed.
    Broker(
        "TRADEZERO", "TradeZero", "TradeZero America, Inc.", True, True, False, False, True,
        FIX_STATUS_NAMES,
        extended_hours=True, off_hours_market=_R, option_levels=3, short_selling=True,
    ),
    # Webull: fractional shares and dollar orders from $5 (step assumed 0.00001); extended
    # hours 4:00-20:00 for limit orders; market orders only during the regular session;
    # options up to spreads (no uncovered writing); a separate SHORT side.
    Broker(
        "WEBULL", "Webull", "Webull Financial LLC", True, True, True, True, False, _WEBULL,
        fractional=Fractional(_D("0.00001"), _D("5")), notional_min=_D("5"),
        extended_hours=True, off_hours_market=_R, option_levels=3, short_selling=True,
    ),
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
)  # fmt: skip

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


def options_level(broker_code: str, account_type: str, granted: int | None) -> int:
    """An account's options approval level: what the broker granted, else its default for
    the account type (0 at an unknown or read-only broker)."""
    if granted is not None:
        return granted
    broker = lookup(broker_code)
    return 0 if broker is None else broker.default_options_level(account_type)


def _yes(flag: bool) -> str:
    return "yes" if flag else "—"


def _money(amount: Decimal) -> str:
    return f"${amount:,}"


def _row(broker: Broker) -> str:
    fractional = (
        "—"
        if broker.fractional is None
        else f"{broker.fractional.increment.normalize():f} share, from "
        f"{_money(broker.fractional.min_value)}"
    )
    notional = "—" if broker.notional_min is None else f"from {_money(broker.notional_min)}"
    if broker.trading:
        off_hours = (
            "queued for the open" if broker.off_hours_market is OffHoursMarket.QUEUE else "rejected"
        )
        levels = f"0-{broker.option_levels}"
        short = "margin, easy to borrow" if broker.short_selling else "—"
    else:
        off_hours = levels = short = "—"
    cells = (
        f"`{broker.code}`",
        broker.name,
        _yes(broker.paper),
        fractional,
        notional,
        _yes(broker.extended_hours),
        off_hours,
        levels,
        short,
        _yes(broker.crypto),
        _yes(broker.futures),
        _yes(broker.read_only),
    )
    return "| " + " | ".join(cells) + " |"


def render_markdown_table() -> str:
    """The table of broker behaviour as Markdown (what the README shows between its
    ``broker-table`` markers)."""
    header = (
        "| code | broker | paper | fractional shares | notional orders | extended hours "
        "| DAY market order when shut | option levels | short selling | crypto | futures "
        "| read-only |"
    )
    rule = "|" + "---|" * 12
    return "\n".join([header, rule, *map(_row, BROKERS.values())]) + "\n"
