from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.connection_type import ConnectionType

T = TypeVar("T", bound="CreateConnectionRequest")


@_attrs_define
class CreateConnectionRequest:
    """Ask for a URL where the user links a brokerage account.

    Attributes:
        connection_type (ConnectionType): `trade` may place orders; `readonly` may only read.
        broker (str): Broker code in any case (broker codes are case-insensitive), e.g. `alpaca` or `ALPACA`. The
            pattern is the 21 codes of BrokerCode, spelled case-insensitively.
        redirect_url (str): Where the browser goes afterwards, with `?connection_id=...` on success or
            `?error=...&error_details=...` on failure.
    """

    connection_type: ConnectionType
    broker: str
    redirect_url: str

    def to_dict(self) -> dict[str, Any]:
        connection_type = self.connection_type.value

        broker = self.broker

        redirect_url = self.redirect_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "connection_type": connection_type,
                "broker": broker,
                "redirect_url": redirect_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        connection_type = ConnectionType(d.pop("connection_type"))

        broker = d.pop("broker")

        redirect_url = d.pop("redirect_url")

        create_connection_request = cls(
            connection_type=connection_type,
            broker=broker,
            redirect_url=redirect_url,
        )

        return create_connection_request
