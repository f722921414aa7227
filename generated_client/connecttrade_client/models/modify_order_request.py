from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.time_in_force import TimeInForce
from ..types import UNSET, Unset

T = TypeVar("T", bound="ModifyOrderRequest")


@_attrs_define
class ModifyOrderRequest:
    """Replace an open order: a new client order id, the broker, and at least one changed field. The answer is the
    replacement order; the original becomes `replaced`.

        Attributes:
            new_cl_order_id (str): Client order id; unique per account per day. A repeat is answered with 409.
            broker (str): Broker code in any case (broker codes are case-insensitive), e.g. `alpaca` or `ALPACA`. The
                pattern is the 21 codes of BrokerCode, spelled case-insensitively.
            order_qty (str | Unset): Quantity in shares, contracts or coins; positive.
            order_notional (str | Unset): Dollar amount to buy or sell instead of a quantity (market orders only).
            order_limit_price (str | Unset): Limit price; required for LMT and STPLMT, absent otherwise. On a multi-leg
                order it is the size of the net price and keeps the order's direction: a credit order stays a credit, a debit
                order a debit (a change of direction is a new order).
            stop_price (str | Unset): Trigger price; required for STP and STPLMT, absent otherwise.
            order_tif (TimeInForce | Unset): DAY until the regular close; GTC until filled or cancelled; IOC fills what it
                can now and cancels the rest; FOK fills completely now or not at all; OPEN/CLOSE execute at the open/close;
                DAY+/GTC+ also trade in extended hours.
    """

    new_cl_order_id: str
    broker: str
    order_qty: str | Unset = UNSET
    order_notional: str | Unset = UNSET
    order_limit_price: str | Unset = UNSET
    stop_price: str | Unset = UNSET
    order_tif: TimeInForce | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        new_cl_order_id = self.new_cl_order_id

        broker = self.broker

        order_qty = self.order_qty

        order_notional = self.order_notional

        order_limit_price = self.order_limit_price

        stop_price = self.stop_price

        order_tif: str | Unset = UNSET
        if not isinstance(self.order_tif, Unset):
            order_tif = self.order_tif.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "new_cl_order_id": new_cl_order_id,
                "broker": broker,
            }
        )
        if order_qty is not UNSET:
            field_dict["order_qty"] = order_qty
        if order_notional is not UNSET:
            field_dict["order_notional"] = order_notional
        if order_limit_price is not UNSET:
            field_dict["order_limit_price"] = order_limit_price
        if stop_price is not UNSET:
            field_dict["stop_price"] = stop_price
        if order_tif is not UNSET:
            field_dict["order_tif"] = order_tif

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_cl_order_id = d.pop("new_cl_order_id")

        broker = d.pop("broker")

        order_qty = d.pop("order_qty", UNSET)

        order_notional = d.pop("order_notional", UNSET)

        order_limit_price = d.pop("order_limit_price", UNSET)

        stop_price = d.pop("stop_price", UNSET)

        _order_tif = d.pop("order_tif", UNSET)
        order_tif: TimeInForce | Unset
        if isinstance(_order_tif, Unset):
            order_tif = UNSET
        else:
            order_tif = TimeInForce(_order_tif)

        modify_order_request = cls(
            new_cl_order_id=new_cl_order_id,
            broker=broker,
            order_qty=order_qty,
            order_notional=order_notional,
            order_limit_price=order_limit_price,
            stop_price=stop_price,
            order_tif=order_tif,
        )

        return modify_order_request
