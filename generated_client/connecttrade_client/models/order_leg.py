from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.option_side import OptionSide

T = TypeVar("T", bound="OrderLeg")


@_attrs_define
class OrderLeg:
    """A leg of a multi-leg order as the broker holds it.

    Attributes:
        symbol (str):
        action (OptionSide): Side of a single-leg option order or action of a leg.
        ratio (str):
    """

    symbol: str
    action: OptionSide
    ratio: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        symbol = self.symbol

        action = self.action.value

        ratio = self.ratio

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
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

        order_leg = cls(
            symbol=symbol,
            action=action,
            ratio=ratio,
        )

        order_leg.additional_properties = d
        return order_leg

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
