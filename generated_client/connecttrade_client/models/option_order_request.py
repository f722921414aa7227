from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.option_side import OptionSide
from ..models.order_type import OrderType
from ..models.time_in_force import TimeInForce
from ..types import UNSET, Unset

T = TypeVar("T", bound="OptionOrderRequest")


@_attrs_define
class OptionOrderRequest:
    """A single-leg option order.

    Attributes:
        instrument (Literal['OPT']): Variant tag.
        account_id (str):
        cl_order_id (str): Client order id; unique per account per day. A repeat is answered with 409.
        broker (str): Broker code in any case (broker codes are case-insensitive), e.g. `alpaca` or `ALPACA`. The
            pattern is the 21 codes of BrokerCode, spelled case-insensitively.
        symbol (str): OCC OSI symbol, root padded to 6 or not.
        side (OptionSide): Side of a single-leg option order or action of a leg.
        order_type (OrderType): MKT market, LMT limit, STP stop (becomes market when triggered), STPLMT stop-limit
            (becomes limit when triggered).
        order_tif (TimeInForce): DAY until the regular close; GTC until filled or cancelled; IOC fills what it can now
            and cancels the rest; FOK fills completely now or not at all; OPEN/CLOSE execute at the open/close; DAY+/GTC+
            also trade in extended hours.
        order_qty (str): Quantity in shares, contracts or coins; positive.
        order_limit_price (str | Unset): Limit price; required for LMT and STPLMT, absent otherwise.
        stop_price (str | Unset): Trigger price; required for STP and STPLMT, absent otherwise.
    """

    instrument: Literal["OPT"]
    account_id: str
    cl_order_id: str
    broker: str
    symbol: str
    side: OptionSide
    order_type: OrderType
    order_tif: TimeInForce
    order_qty: str
    order_limit_price: str | Unset = UNSET
    stop_price: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        account_id = self.account_id

        cl_order_id = self.cl_order_id

        broker = self.broker

        symbol = self.symbol

        side = self.side.value

        order_type = self.order_type.value

        order_tif = self.order_tif.value

        order_qty = self.order_qty

        order_limit_price = self.order_limit_price

        stop_price = self.stop_price

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instrument": instrument,
                "account_id": account_id,
                "cl_order_id": cl_order_id,
                "broker": broker,
                "symbol": symbol,
                "side": side,
                "order_type": order_type,
                "order_tif": order_tif,
                "order_qty": order_qty,
            }
        )
        if order_limit_price is not UNSET:
            field_dict["order_limit_price"] = order_limit_price
        if stop_price is not UNSET:
            field_dict["stop_price"] = stop_price

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        instrument = cast(Literal["OPT"], d.pop("instrument"))
        if instrument != "OPT":
            raise ValueError(f"instrument must match const 'OPT', got '{instrument}'")

        account_id = d.pop("account_id")

        cl_order_id = d.pop("cl_order_id")

        broker = d.pop("broker")

        symbol = d.pop("symbol")

        side = OptionSide(d.pop("side"))

        order_type = OrderType(d.pop("order_type"))

        order_tif = TimeInForce(d.pop("order_tif"))

        order_qty = d.pop("order_qty")

        order_limit_price = d.pop("order_limit_price", UNSET)

        stop_price = d.pop("stop_price", UNSET)

        option_order_request = cls(
            instrument=instrument,
            account_id=account_id,
            cl_order_id=cl_order_id,
            broker=broker,
            symbol=symbol,
            side=side,
            order_type=order_type,
            order_tif=order_tif,
            order_qty=order_qty,
            order_limit_price=order_limit_price,
            stop_price=stop_price,
        )

        return option_order_request
