from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.option_side import OptionSide

T = TypeVar("T", bound="OrderLegRequest")


@_attrs_define
class OrderLegRequest:
    """One leg of a multi-leg option order.

    Attributes:
        symbol (str):
        action (OptionSide): Side of a single-leg option order or action of a leg.
        ratio (str): Contracts of this leg per spread.
    """

    symbol: str
    action: OptionSide
    ratio: str

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        action = self.action.value

        ratio = self.ratio

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "symbol": symbol,
                "action": action,
                "ratio": ratio,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        symbol = d.pop("symbol")

        action = OptionSide(d.pop("action"))

        ratio = d.pop("ratio")

        order_leg_request = cls(
            symbol=symbol,
            action=action,
            ratio=ratio,
        )

        return order_leg_request
