from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.equity_side import EquitySide
from ..models.order_type import OrderType
from ..models.time_in_force import TimeInForce
from ..types import UNSET, Unset

T = TypeVar("T", bound="EquityOrderRequest")


@_attrs_define
class EquityOrderRequest:
    """An equity order. `instrument` may be omitted (STK is the default). Give exactly one of order_qty and order_notional;
    notional orders must be MKT.

        Attributes:
            account_id (str):
            cl_order_id (str): Client order id; unique per account per day. A repeat is answered with 409.
            broker (str): Broker code in any case (broker codes are case-insensitive), e.g. `alpaca` or `ALPACA`. The
                pattern is the 21 codes of BrokerCode, spelled case-insensitively.
            symbol (str): CQS symbol.
            side (EquitySide): Side of an equity, future or crypto order.
            order_type (OrderType): MKT market, LMT limit, STP stop (becomes market when triggered), STPLMT stop-limit
                (becomes limit when triggered).
            order_tif (TimeInForce): DAY until the regular close; GTC until filled or cancelled; IOC fills what it can now
                and cancels the rest; FOK fills completely now or not at all; OPEN/CLOSE execute at the open/close; DAY+/GTC+
                also trade in extended hours.
            instrument (Literal['STK'] | Unset): Variant tag.
            order_qty (str | Unset): Quantity in shares, contracts or coins; positive.
            order_notional (str | Unset): Dollar amount to buy or sell instead of a quantity (market orders only).
            order_limit_price (str | Unset): Limit price; required for LMT and STPLMT, absent otherwise.
            stop_price (str | Unset): Trigger price; required for STP and STPLMT, absent otherwise.
    """

    account_id: str
    cl_order_id: str
    broker: str
    symbol: str
    side: EquitySide
    order_type: OrderType
    order_tif: TimeInForce
    instrument: Literal["STK"] | Unset = UNSET
    order_qty: str | Unset = UNSET
    order_notional: str | Unset = UNSET
    order_limit_price: str | Unset = UNSET
    stop_price: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        cl_order_id = self.cl_order_id

        broker = self.broker

        symbol = self.symbol

        side = self.side.value

        order_type = self.order_type.value

        order_tif = self.order_tif.value

        instrument = self.instrument

        order_qty = self.order_qty

        order_notional = self.order_notional

        order_limit_price = self.order_limit_price

        stop_price = self.stop_price

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "account_id": account_id,
                "cl_order_id": cl_order_id,
                "broker": broker,
                "symbol": symbol,
                "side": side,
                "order_type": order_type,
                "order_tif": order_tif,
            }
        )
        if instrument is not UNSET:
            field_dict["instrument"] = instrument
        if order_qty is not UNSET:
            field_dict["order_qty"] = order_qty
        if order_notional is not UNSET:
            field_dict["order_notional"] = order_notional
        if order_limit_price is not UNSET:
            field_dict["order_limit_price"] = order_limit_price
        if stop_price is not UNSET:
            field_dict["stop_price"] = stop_price

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        cl_order_id = d.pop("cl_order_id")

        broker = d.pop("broker")

        symbol = d.pop("symbol")

        side = EquitySide(d.pop("side"))

        order_type = OrderType(d.pop("order_type"))

        order_tif = TimeInForce(d.pop("order_tif"))

        instrument = cast(Literal["STK"] | Unset, d.pop("instrument", UNSET))
        if instrument != "STK" and not isinstance(instrument, Unset):
            raise ValueError(f"instrument must match const 'STK', got '{instrument}'")

        order_qty = d.pop("order_qty", UNSET)

        order_notional = d.pop("order_notional", UNSET)

        order_limit_price = d.pop("order_limit_price", UNSET)

        stop_price = d.pop("stop_price", UNSET)

        equity_order_request = cls(
            account_id=account_id,
            cl_order_id=cl_order_id,
            broker=broker,
            symbol=symbol,
            side=side,
            order_type=order_type,
            order_tif=order_tif,
            instrument=instrument,
            order_qty=order_qty,
            order_notional=order_notional,
            order_limit_price=order_limit_price,
            stop_price=stop_price,
        )

        return equity_order_request
