"""Order requests for ``POST /orders``: immutable values that know their wire form.

An :class:`OrderRequest` checks its own rules when it is constructed, so one that exists
can be sent. :meth:`OrderRequest.to_wire` gives the JSON body, with every number as a
string (Connect Trade's field format) and keys whose value is absent left out::

    {"account_id", "cl_order_id", "broker", "instrument", "side", "order_type",
     "order_tif", "symbol", "order_qty" | "order_notional", "order_limit_price",
     "stop_price", "legs": [{"symbol", "action", "ratio"}]}

The builders :func:`market`, :func:`limit`, :func:`stop` and :func:`stop_limit` make
single-leg orders and infer the instrument from the symbol; multi-leg orders come from
:mod:`connecttrade.types.strategies`. Account, broker and ``cl_order_id`` may be left out at
build time and filled in later with :meth:`OrderRequest.with_ids`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Context, Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeAlias, TypeVar

from connecttrade.types.enums import (
    EQUITY_SIDES,
    OPTION_SIDES,
    Instrument,
    LegAction,
    OrderSide,
    OrderType,
    TimeInForce,
)
from connecttrade.types.equity_symbol import EquitySymbol, InvalidEquitySymbol
from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionSymbol
from connecttrade.types.root_error import ConnectTradeError

__all__ = [
    "InvalidOrder",
    "Leg",
    "OrderRequest",
    "limit",
    "market",
    "new_cl_order_id",
    "placement_cl_order_id",
    "stop",
    "stop_limit",
]

#: A number as callers may write it. ``float`` is left out on purpose: it is inexact.
Amount: TypeAlias = Decimal | int | str
#: A symbol as callers may write it.
SymbolLike: TypeAlias = OptionSymbol | EquitySymbol | str

_E = TypeVar("_E", Instrument, OrderSide, TimeInForce)

_MAX_PLACES = 9  # the API carries prices with up to 9 decimal places
_NINE_PLACES = Decimal(1).scaleb(-_MAX_PLACES)
# Wide enough that quantizing any accepted amount to 9 places is exact, and independent
# of whatever decimal context the caller has set.
_CONTEXT = Context(prec=60, traps=[InvalidOperation])
_MIN_LEGS, _MAX_LEGS = 2, 4
_MLEG_ORDER_TYPES = frozenset({OrderType.MKT, OrderType.LMT})
_NEEDS_LIMIT = frozenset({OrderType.LMT, OrderType.STPLMT})
_NEEDS_STOP = frozenset({OrderType.STP, OrderType.STPLMT})
_NOTIONAL_INSTRUMENTS = frozenset({Instrument.STK, Instrument.CRYPTO})
# Contracts (options, futures) trade in whole units; shares and coins may be fractional.
_WHOLE_QTY_INSTRUMENTS = frozenset({Instrument.OPT, Instrument.MLEG_OPT, Instrument.FUT})
_SIDES: dict[Instrument, frozenset[OrderSide]] = {
    Instrument.STK: EQUITY_SIDES,
    Instrument.OPT: OPTION_SIDES,
    Instrument.FUT: frozenset({OrderSide.BUY, OrderSide.SELL}),
    Instrument.CRYPTO: frozenset({OrderSide.BUY, OrderSide.SELL}),
}
_SYMBOL_TYPES: dict[Instrument, type] = {
    Instrument.STK: EquitySymbol,
    Instrument.OPT: OptionSymbol,
    Instrument.FUT: str,
    Instrument.CRYPTO: str,
}


# Symbols callers order again and again ("AAPL") are parsed once per instrument. Parsed
# symbols are immutable values, so sharing one is safe; only successful parses are kept,
# and the memo is dropped whole when full (a plain bound for a stream of distinct symbols).
_PARSED_SYMBOLS: dict[tuple[str, Instrument], OptionSymbol | EquitySymbol] = {}
_PARSED_SYMBOLS_KEPT = 1024


class InvalidOrder(ConnectTradeError, ValueError):  # noqa: N818 -- named for what is invalid, like InvalidTransition
    """An order request breaks a rule; ``field`` names the field at fault."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")

    def __reduce__(self) -> tuple[type[InvalidOrder], tuple[str, str], dict[str, object]]:
        # The default reduction replays ``args`` (the formatted message) into __init__; the
        # state keeps what was set later (the ``cl_order_id`` of a placement).
        return type(self), (self.field, self.problem), dict(vars(self))


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of a multi-leg option order: a contract, an action and a ratio."""

    symbol: OptionSymbol
    action: LegAction
    ratio: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, OptionSymbol):
            raise InvalidOrder("legs", f"leg symbol must be an OptionSymbol, got {self.symbol!r}")
        if not isinstance(self.action, LegAction):
            raise InvalidOrder("legs", f"leg action must be a LegAction, got {self.action!r}")
        if type(self.ratio) is not int or self.ratio < 1:
            raise InvalidOrder("legs", f"leg ratio must be a positive int, got {self.ratio!r}")

    @property
    def is_buy(self) -> bool:
        """True when this leg buys its contract."""
        return self.action in (LegAction.BUY_TO_OPEN, LegAction.BUY_TO_CLOSE)

    def to_wire(self) -> dict[str, object]:
        """The leg's JSON object."""
        return {"symbol": str(self.symbol), "action": self.action.value, "ratio": str(self.ratio)}


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """The body of ``POST /orders``, checked against the order rules on construction.

    Field names are the wire names without their ``order_`` prefix (``qty`` is
    ``order_qty``, ``tif`` is ``order_tif``). For ``MLEG_OPT`` orders ``side`` and
    ``symbol`` are ``None``, ``qty`` counts spreads and ``limit_price`` is the net price
    per spread: positive for a net debit paid, negative for a net credit received.
    """

    instrument: Instrument
    order_type: OrderType
    tif: TimeInForce = TimeInForce.DAY
    side: OrderSide | None = None
    symbol: OptionSymbol | EquitySymbol | str | None = None
    qty: Decimal | None = None
    notional: Decimal | None = None
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    legs: tuple[Leg, ...] = ()
    account_id: str | None = None
    cl_order_id: str | None = None
    broker: str | None = None

    def __post_init__(self) -> None:
        # Field by field rather than in loops over names: every order placed passes here.
        _check_enum("instrument", Instrument, self.instrument)
        _check_enum("order_type", OrderType, self.order_type)
        _check_enum("tif", TimeInForce, self.tif)
        _check_id("account_id", self.account_id)
        _check_id("cl_order_id", self.cl_order_id)
        _check_id("broker", self.broker)
        self._check_amounts()
        if self.instrument is Instrument.MLEG_OPT:
            self._check_multi_leg()
        else:
            self._check_single_leg()

    def _check_amounts(self) -> None:
        if self.qty is not None:
            _check_decimal("qty", self.qty, signed=False)
        if self.notional is not None:
            _check_decimal("notional", self.notional, signed=False)
        if self.limit_price is not None:
            # A multi-leg limit is a signed net price: only zero is meaningless.
            signed = self.instrument is Instrument.MLEG_OPT
            _check_decimal("limit_price", self.limit_price, signed=signed)
        if self.stop_price is not None:
            _check_decimal("stop_price", self.stop_price, signed=False)
        if (self.qty is None) == (self.notional is None):
            raise InvalidOrder("qty", "give exactly one of qty and notional")
        if self.notional is not None:
            if self.instrument not in _NOTIONAL_INSTRUMENTS:
                raise InvalidOrder(
                    "notional",
                    f"notional orders are only for STK and CRYPTO, not {self.instrument}",
                )
            if self.order_type is not OrderType.MKT:
                raise InvalidOrder(
                    "notional", f"notional orders must be MKT orders, not {self.order_type}"
                )
        if (
            self.qty is not None
            and self.instrument in _WHOLE_QTY_INSTRUMENTS
            and self.qty != self.qty.to_integral_value(context=_CONTEXT)
        ):
            raise InvalidOrder(
                "qty", f"{self.instrument} orders need a whole quantity, got {self.qty}"
            )
        if (self.limit_price is None) == (self.order_type in _NEEDS_LIMIT):
            need = "required" if self.limit_price is None else "not allowed"
            raise InvalidOrder("limit_price", f"{need} for a {self.order_type} order")
        if (self.stop_price is None) == (self.order_type in _NEEDS_STOP):
            need = "required" if self.stop_price is None else "not allowed"
            raise InvalidOrder("stop_price", f"{need} for a {self.order_type} order")

    def _check_multi_leg(self) -> None:
        if self.side is not None:
            raise InvalidOrder("side", "MLEG_OPT orders carry an action per leg, not a side")
        if self.symbol is not None:
            raise InvalidOrder("symbol", "MLEG_OPT orders carry a symbol per leg; symbol is None")
        if self.order_type not in _MLEG_ORDER_TYPES:
            raise InvalidOrder(
                "order_type", f"MLEG_OPT orders are MKT or LMT, not {self.order_type}"
            )
        if not isinstance(self.legs, tuple):
            raise InvalidOrder("legs", f"expected a tuple of Leg, got {type(self.legs).__name__}")
        problem = _leg_problem(self.legs)
        if problem is not None:
            raise InvalidOrder("legs", problem)

    def _check_single_leg(self) -> None:
        if self.legs:
            raise InvalidOrder("legs", f"only MLEG_OPT orders have legs, not {self.instrument}")
        if not isinstance(self.side, OrderSide):
            raise InvalidOrder("side", f"expected OrderSide, got {self.side!r}")
        allowed = _SIDES[self.instrument]
        if self.side not in allowed:
            names = ", ".join(sorted(allowed))
            raise InvalidOrder(
                "side", f"{self.side} is not a {self.instrument} side (use one of {names})"
            )
        expected = _SYMBOL_TYPES[self.instrument]
        if not isinstance(self.symbol, expected):
            raise InvalidOrder(
                "symbol",
                f"{self.instrument} orders need a {expected.__name__} symbol, got {self.symbol!r}",
            )
        if isinstance(self.symbol, str) and (not self.symbol or self.symbol != self.symbol.strip()):
            raise InvalidOrder("symbol", f"{self.symbol!r} is empty or has surrounding spaces")

    def with_ids(
        self,
        *,
        account_id: str | None = None,
        broker: str | None = None,
        cl_order_id: str | None = None,
    ) -> OrderRequest:
        """Return a copy with the given ids set; an id passed as ``None`` is left as it is."""
        return replace(
            self,
            account_id=self.account_id if account_id is None else account_id,
            broker=self.broker if broker is None else broker,
            cl_order_id=self.cl_order_id if cl_order_id is None else cl_order_id,
        )

    def to_wire(self) -> dict[str, object]:
        """The JSON body for ``POST /orders``; absent values are left out, not sent as null."""
        wire: dict[str, object] = {}
        if self.account_id is not None:
            wire["account_id"] = self.account_id
        if self.cl_order_id is not None:
            wire["cl_order_id"] = self.cl_order_id
        if self.broker is not None:
            wire["broker"] = self.broker
        wire["instrument"] = self.instrument.value
        if self.side is not None:
            wire["side"] = self.side.value
        wire["order_type"] = self.order_type.value
        wire["order_tif"] = self.tif.value
        if self.symbol is not None:
            wire["symbol"] = str(self.symbol)
        elif self.instrument is Instrument.MLEG_OPT:
            wire["symbol"] = None  # the documented multi-leg shape: the one null we send
        for key, amount in (
            ("order_qty", self.qty),
            ("order_notional", self.notional),
            ("order_limit_price", self.limit_price),
            ("stop_price", self.stop_price),
        ):
            if amount is not None:
                wire[key] = _wire_decimal(amount)
        if self.legs:
            wire["legs"] = [leg.to_wire() for leg in self.legs]
        return wire


def _leg_problem(items: Sequence[object]) -> str | None:
    """Say which multi-leg rule ``items`` break, or return ``None`` if they keep them all.

    The rules: 2 to 4 legs, no contract twice, one underlying, ratios in lowest terms.
    """
    if not _MIN_LEGS <= len(items) <= _MAX_LEGS:
        return f"a multi-leg order has {_MIN_LEGS} to {_MAX_LEGS} legs, got {len(items)}"
    legs = [item for item in items if isinstance(item, Leg)]
    if len(legs) != len(items):
        return f"every leg must be a Leg, got {items!r}"
    symbols = [leg.symbol for leg in legs]
    if len(set(symbols)) != len(symbols):
        repeated = next(str(s) for s in symbols if symbols.count(s) > 1)
        return f"each leg needs its own contract; {repeated} appears twice"
    roots = sorted({leg.symbol.root for leg in legs})
    if len(roots) > 1:
        return f"all legs need one underlying, got {', '.join(roots)}"
    divisor = math.gcd(*(leg.ratio for leg in legs))
    if divisor != 1:
        # 2:2 is the same spread as 1:1 at twice the quantity; brokers want lowest terms.
        ratios = ":".join(str(leg.ratio) for leg in legs)
        return f"leg ratios {ratios} share the factor {divisor}; reduce them and raise qty"
    return None


def placement_cl_order_id(order: OrderRequest, cl_order_id: str | None) -> str:
    """The client order id to place ``order`` under: ``cl_order_id``, else the order's own,
    else a fresh one. Both given and different raises :class:`InvalidOrder`."""
    _check_id("cl_order_id", cl_order_id)
    if cl_order_id is not None and order.cl_order_id not in (None, cl_order_id):
        raise InvalidOrder(
            "cl_order_id",
            f"the order already carries {order.cl_order_id!r}; pass {cl_order_id!r} "
            "to one of place(cl_order_id=) and the order, or the same id to both",
        )
    return cl_order_id or order.cl_order_id or new_cl_order_id()


def new_cl_order_id() -> str:
    """A fresh client order id: URL-safe, 35 characters, unique without coordination."""
    # 128 random bits, as a uuid4 carries (less its 6 fixed bits), without building one.
    return f"ct-{os.urandom(16).hex()}"


def market(
    symbol: SymbolLike,
    qty: Amount | None = None,
    *,
    side: OrderSide | str,
    notional: Amount | None = None,
    tif: TimeInForce | str = TimeInForce.DAY,
    instrument: Instrument | str | None = None,
    cl_order_id: str | None = None,
) -> OrderRequest:
    """A market order for ``qty`` units, or for ``notional`` dollars (STK and CRYPTO).

    ``cl_order_id`` (in every builder) is the client order id to place it under, the
    idempotency key of ``orders.place``; by default ``place`` makes a fresh one.
    """
    resolved, parsed = _resolve_symbol(symbol, instrument)
    return OrderRequest(
        cl_order_id=cl_order_id,
        instrument=resolved,
        order_type=OrderType.MKT,
        tif=_enum("tif", TimeInForce, tif),
        side=_enum("side", OrderSide, side),
        symbol=parsed,
        qty=_amount("qty", qty),
        notional=_amount("notional", notional),
    )


def limit(
    symbol: SymbolLike,
    qty: Amount,
    limit_price: Amount,
    *,
    side: OrderSide | str,
    tif: TimeInForce | str = TimeInForce.DAY,
    instrument: Instrument | str | None = None,
    cl_order_id: str | None = None,
) -> OrderRequest:
    """A limit order: fill only at ``limit_price`` or better."""
    resolved, parsed = _resolve_symbol(symbol, instrument)
    return OrderRequest(
        cl_order_id=cl_order_id,
        instrument=resolved,
        order_type=OrderType.LMT,
        tif=_enum("tif", TimeInForce, tif),
        side=_enum("side", OrderSide, side),
        symbol=parsed,
        qty=_amount("qty", qty),
        limit_price=_amount("limit_price", limit_price),
    )


def stop(
    symbol: SymbolLike,
    qty: Amount,
    stop_price: Amount,
    *,
    side: OrderSide | str,
    tif: TimeInForce | str = TimeInForce.DAY,
    instrument: Instrument | str | None = None,
    cl_order_id: str | None = None,
) -> OrderRequest:
    """A stop order: becomes a market order when ``stop_price`` trades."""
    resolved, parsed = _resolve_symbol(symbol, instrument)
    return OrderRequest(
        cl_order_id=cl_order_id,
        instrument=resolved,
        order_type=OrderType.STP,
        tif=_enum("tif", TimeInForce, tif),
        side=_enum("side", OrderSide, side),
        symbol=parsed,
        qty=_amount("qty", qty),
        stop_price=_amount("stop_price", stop_price),
    )


def stop_limit(
    symbol: SymbolLike,
    qty: Amount,
    *,
    stop_price: Amount,
    limit_price: Amount,
    side: OrderSide | str,
    tif: TimeInForce | str = TimeInForce.DAY,
    instrument: Instrument | str | None = None,
    cl_order_id: str | None = None,
) -> OrderRequest:
    """A stop-limit order: becomes a limit order at ``limit_price`` when ``stop_price`` trades.

    Both prices are keyword-only because swapping them silently changes the order.
    """
    resolved, parsed = _resolve_symbol(symbol, instrument)
    return OrderRequest(
        cl_order_id=cl_order_id,
        instrument=resolved,
        order_type=OrderType.STPLMT,
        tif=_enum("tif", TimeInForce, tif),
        side=_enum("side", OrderSide, side),
        symbol=parsed,
        qty=_amount("qty", qty),
        limit_price=_amount("limit_price", limit_price),
        stop_price=_amount("stop_price", stop_price),
    )


def _resolve_symbol(
    symbol: SymbolLike, instrument: Instrument | str | None
) -> tuple[Instrument, OptionSymbol | EquitySymbol | str]:
    """Pick the instrument (given, or inferred from the symbol) and parse the symbol for it."""
    if instrument is not None:
        chosen = _enum("instrument", Instrument, instrument)
        if chosen is Instrument.MLEG_OPT:
            raise InvalidOrder(
                "instrument", "build multi-leg orders with connecttrade.types.strategies"
            )
        if chosen in (Instrument.FUT, Instrument.CRYPTO) or not isinstance(symbol, str):
            # Symbol objects are checked against the instrument by OrderRequest itself.
            return chosen, symbol
        return chosen, _parse_symbol(symbol, chosen)
    if isinstance(symbol, OptionSymbol):
        return Instrument.OPT, symbol
    if isinstance(symbol, EquitySymbol):
        return Instrument.STK, symbol
    if isinstance(symbol, str):
        # The two grammars cannot overlap: an OCC symbol has digits, a CQS root has none.
        # So the one that can match is tried first (a failed parse costs an exception).
        has_digit = any(c.isdigit() for c in symbol)
        first, second = (
            (Instrument.OPT, Instrument.STK) if has_digit else (Instrument.STK, Instrument.OPT)
        )
        reasons: dict[Instrument, str] = {}
        for candidate in (first, second):
            try:
                return candidate, _parse_symbol(symbol, candidate)
            except InvalidOrder as exc:
                reasons[candidate] = exc.problem
        # The parser of the grammar the text looks like says what is wrong with it.
        other = "an OCC option symbol" if first is Instrument.STK else "a CQS equity symbol"
        raise InvalidOrder(
            "symbol",
            f"{reasons[first]} (nor is it {other}); "
            "for futures or crypto pass instrument=Instrument.FUT or Instrument.CRYPTO",
        )
    raise InvalidOrder(
        "symbol",
        f"{symbol!r} is neither a CQS equity symbol nor an OCC option symbol; "
        "for futures or crypto pass instrument=Instrument.FUT or Instrument.CRYPTO",
    )


def _parse_symbol(text: str, instrument: Instrument) -> OptionSymbol | EquitySymbol:
    key = (text, instrument)
    kept = type(text) is str  # a str subclass could hash or compare unlike its text
    parsed = _PARSED_SYMBOLS.get(key) if kept else None
    if parsed is not None:
        return parsed
    try:
        if instrument is Instrument.OPT:
            parsed = OptionSymbol.parse(text)
        else:
            parsed = EquitySymbol.parse(text)
    except (InvalidOptionSymbol, InvalidEquitySymbol) as exc:
        raise InvalidOrder("symbol", str(exc)) from exc
    if kept:
        if len(_PARSED_SYMBOLS) >= _PARSED_SYMBOLS_KEPT:
            _PARSED_SYMBOLS.clear()
        _PARSED_SYMBOLS[key] = parsed
    return parsed


def _enum(name: str, enum: type[_E], value: _E | str) -> _E:
    """A caller's side, time in force or instrument; broker codes in any case are accepted
    (``"buy"``, ``"gtc"``, ``"day+"`` are ``BUY``, ``GTC``, ``DAY+``)."""
    try:
        return enum(value)
    except ValueError:
        pass
    if isinstance(value, str) and value.upper() != value:
        try:
            return enum(value.upper())
        except ValueError:
            pass
    names = ", ".join(member.value for member in enum)
    raise InvalidOrder(name, f"{value!r} is not one of {names}")


def _amount(name: str, value: Amount | None) -> Decimal | None:
    """Turn a caller's number into a Decimal, refusing floats rather than guessing."""
    if value is None:
        return None
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise InvalidOrder(
            name, f"expected Decimal, int or str, got {type(value).__name__} {value!r}"
        )
    try:
        return Decimal(value)
    except InvalidOperation:
        raise InvalidOrder(name, f"{value!r} is not a number") from None


def _check_decimal(name: str, value: object, *, signed: bool) -> None:
    if not isinstance(value, Decimal):
        raise InvalidOrder(name, f"expected Decimal, got {type(value).__name__} {value!r}")
    if not value.is_finite():
        raise InvalidOrder(name, f"{value} is not a finite number")
    if signed and value == 0:
        raise InvalidOrder(name, "a net price must not be 0 (positive = debit, negative = credit)")
    if not signed and value <= 0:
        raise InvalidOrder(name, f"must be greater than 0, got {value}")
    try:
        exact = value.quantize(_NINE_PLACES, context=_CONTEXT) == value
    except InvalidOperation:
        # More digits than the context holds: far beyond any real price or quantity.
        raise InvalidOrder(name, f"{value} has too many digits") from None
    if not exact:
        raise InvalidOrder(name, f"{value} has more than {_MAX_PLACES} decimal places")


def _check_enum(name: str, enum: type[StrEnum], value: object) -> None:
    if not isinstance(value, enum):
        raise InvalidOrder(name, f"expected {enum.__name__}, got {value!r}")


def _check_id(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value or value != value.strip():
        raise InvalidOrder(
            name, f"must be a non-empty string without surrounding spaces: {value!r}"
        )


def _wire_decimal(value: Decimal | None) -> str | None:
    """Write a Decimal as plain digits: no exponent, trailing zeros kept."""
    if value is None:
        return None
    text = format(value, "f")
    point = text.find(".")
    if point >= 0 and len(text) - point - 1 > _MAX_PLACES:
        # Only trailing zeros lie beyond 9 places (checked on construction): drop them.
        text = format(value.quantize(_NINE_PLACES, context=_CONTEXT), "f")
    return text
