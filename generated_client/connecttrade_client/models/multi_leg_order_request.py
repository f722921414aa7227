from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.multi_leg_order_request_order_tif import MultiLegOrderRequestOrderTif
from ..models.multi_leg_order_request_order_type import MultiLegOrderRequestOrderType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.order_leg_request import OrderLegRequest


T = TypeVar("T", bound="MultiLegOrderRequest")


@_attrs_define
class MultiLegOrderRequest:
    """A multi-leg option order (2-4 legs) filled as one at a net price. `symbol` is null. `order_limit_price` is the net
    price per spread: positive is a debit paid, negative a credit received. Only MKT and LMT.

        Attributes:
            instrument (Literal['MLEG_OPT']): Variant tag.
            account_id (str):
            cl_order_id (str): Client order id; unique per account per day. A repeat is answered with 409.
            broker (str): Broker code in any case (broker codes are case-insensitive), e.g. `alpaca` or `ALPACA`. The
                pattern is the 21 codes of BrokerCode, spelled case-insensitively.
            order_type (MultiLegOrderRequestOrderType):
            order_tif (MultiLegOrderRequestOrderTif):
            order_qty (str): Number of spreads.
            legs (list[OrderLegRequest]):
            symbol (None | Unset): Always null for multi-leg orders.
            order_limit_price (str | Unset): Net price per spread; negative is a credit.
    """

    instrument: Literal["MLEG_OPT"]
    account_id: str
    cl_order_id: str
    broker: str
    order_type: MultiLegOrderRequestOrderType
    order_tif: MultiLegOrderRequestOrderTif
    order_qty: str
    legs: list[OrderLegRequest]
    symbol: None | Unset = UNSET
    order_limit_price: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        instrument = self.instrument

        account_id = self.account_id

        cl_order_id = self.cl_order_id

        broker = self.broker

        order_type = self.order_type.value

        order_tif = self.order_tif.value

        order_qty = self.order_qty

        legs = []
        for legs_item_data in self.legs:
            legs_item = legs_item_data.to_dict()
            legs.append(legs_item)

        symbol = self.symbol

        order_limit_price = self.order_limit_price

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "instrument": instrument,
                "account_id": account_id,
                "cl_order_id": cl_order_id,
                "broker": broker,
                "order_type": order_type,
                "order_tif": order_tif,
                "order_qty": order_qty,
                "legs": legs,
            }
        )
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if order_limit_price is not UNSET:
            field_dict["order_limit_price"] = order_limit_price

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_leg_request import OrderLegRequest  # noqa: PLC0415

        d = dict(src_dict)
        instrument = cast(Literal["MLEG_OPT"], d.pop("instrument"))
        if instrument != "MLEG_OPT":
            raise ValueError(f"instrument must match const 'MLEG_OPT', got '{instrument}'")

        account_id = d.pop("account_id")

        cl_order_id = d.pop("cl_order_id")

        broker = d.pop("broker")

        order_type = MultiLegOrderRequestOrderType(d.pop("order_type"))

        order_tif = MultiLegOrderRequestOrderTif(d.pop("order_tif"))

        order_qty = d.pop("order_qty")

        legs = []
        _legs = d.pop("legs")
        for legs_item_data in _legs:
            legs_item = OrderLegRequest.from_dict(legs_item_data)

            legs.append(legs_item)

        symbol = d.pop("symbol", UNSET)

        order_limit_price = d.pop("order_limit_price", UNSET)

        multi_leg_order_request = cls(
            instrument=instrument,
            account_id=account_id,
            cl_order_id=cl_order_id,
            broker=broker,
            order_type=order_type,
            order_tif=order_tif,
            order_qty=order_qty,
            legs=legs,
            symbol=symbol,
            order_limit_price=order_limit_price,
        )

        return multi_leg_order_request
