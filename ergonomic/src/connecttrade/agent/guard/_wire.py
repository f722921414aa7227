"""Order requests to and from the JSON the guard stores (the ``POST /orders`` body)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from connecttrade.types.enums import Instrument, LegAction, OrderSide, OrderType, TimeInForce
from connecttrade.types.equity_symbol import EquitySymbol
from connecttrade.types.option_symbol import OptionSymbol
from connecttrade.types.orders import Leg, OrderRequest

__all__ = ["dump_request", "load_request", "signed_legs"]

_BUY_SIDES = frozenset(
    {"BUY", "BUY_TO_COVER", "BUY_TO_OPEN", "BUY_TO_CLOSE"},
)


def dump_request(order: OrderRequest) -> str:
    """The order's wire body as compact JSON."""
    return json.dumps(order.to_wire(), sort_keys=True, separators=(",", ":"))


def _decimal(data: dict[str, Any], key: str) -> Decimal | None:
    value = data.get(key)
    return None if value is None else Decimal(value)


def load_request(text: str) -> OrderRequest:
    """Rebuild the :class:`OrderRequest` a stored wire body came from."""
    data = json.loads(text)
    instrument = Instrument(data["instrument"])
    symbol: OptionSymbol | EquitySymbol | str | None = data.get("symbol")
    if isinstance(symbol, str):
        if instrument is Instrument.OPT:
            symbol = OptionSymbol.parse(symbol)
        elif instrument is Instrument.STK:
            symbol = EquitySymbol.parse(symbol)
    legs = tuple(
        Leg(OptionSymbol.parse(leg["symbol"]), LegAction(leg["action"]), int(leg["ratio"]))
        for leg in data.get("legs", ())
    )
    side = data.get("side")
    return OrderRequest(
        instrument=instrument,
        order_type=OrderType(data["order_type"]),
        tif=TimeInForce(data["order_tif"]),
        side=None if side is None else OrderSide(side),
        symbol=symbol,
        qty=_decimal(data, "order_qty"),
        notional=_decimal(data, "order_notional"),
        limit_price=_decimal(data, "order_limit_price"),
        stop_price=_decimal(data, "stop_price"),
        legs=legs,
        account_id=data.get("account_id"),
        cl_order_id=data.get("cl_order_id"),
        broker=data.get("broker"),
    )


def signed_legs(order: OrderRequest, filled: Decimal) -> list[tuple[str, Decimal]]:
    """The position change per symbol that ``filled`` units of ``order`` make."""
    if order.instrument is Instrument.MLEG_OPT:
        return [
            (str(leg.symbol), filled * leg.ratio * (1 if leg.is_buy else -1)) for leg in order.legs
        ]
    sign = 1 if str(order.side) in _BUY_SIDES else -1
    return [(str(order.symbol), filled * sign)]
