from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Fill")


@_attrs_define
class Fill:
    """One execution.

    Attributes:
        fill_id (str):
        time (datetime.datetime):
        quantity (str): Quantity executed.
        price (str): Execution price (net price per spread for multi-leg orders).
    """

    fill_id: str
    time: datetime.datetime
    quantity: str
    price: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fill_id = self.fill_id

        time = self.time.isoformat()

        quantity = self.quantity

        price = self.price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fill_id": fill_id,
                "time": time,
                "quantity": quantity,
                "price": price,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fill_id = d.pop("fill_id")

        time = datetime.datetime.fromisoformat(d.pop("time"))

        quantity = d.pop("quantity")

        price = d.pop("price")

        fill = cls(
            fill_id=fill_id,
            time=time,
            quantity=quantity,
            price=price,
        )

        fill.additional_properties = d
        return fill

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
