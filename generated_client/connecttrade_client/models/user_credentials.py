from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UserCredentials")


@_attrs_define
class UserCredentials:
    """A user and its secret. The secret is shown only in this answer; store it securely.

    Attributes:
        user_id (str):
        user_secret (str): Send as the `user-secret` header.
        created_at (datetime.datetime):
    """

    user_id: str
    user_secret: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        user_secret = self.user_secret

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user_id": user_id,
                "user_secret": user_secret,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        user_secret = d.pop("user_secret")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        user_credentials = cls(
            user_id=user_id,
            user_secret=user_secret,
            created_at=created_at,
        )

        user_credentials.additional_properties = d
        return user_credentials

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
