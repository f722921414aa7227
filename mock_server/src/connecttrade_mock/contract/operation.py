"""The spec model: an operation of the contract, its parameters and security, a routed
request and a validated one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "Operation",
    "Parameter",
    "RouteMatch",
    "SecurityKind",
    "ValidRequest",
]


class SecurityKind(StrEnum):
    """Which credentials an operation needs."""

    NONE = "none"  # no credentials (e.g. the mock's control API)
    PLATFORM = "platform"  # client-id and client-secret
    USER = "user"  # client-id, client-secret, user-id and user-secret


@dataclass(frozen=True, slots=True)
class Parameter:
    """A path or query parameter; ``default`` is None unless the schema declares one."""

    name: str
    location: str
    required: bool
    type: str
    default: str | int | float | bool | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the contract, as the HTTP layer needs to know it."""

    operation_id: str
    method: str
    path_template: str
    tags: tuple[str, ...]
    security: SecurityKind
    parameters: tuple[Parameter, ...]
    has_body: bool
    body_required: bool
    success_status: int


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """The operation a request reaches and its decoded path parameters."""

    operation: Operation
    path_params: dict[str, str]


@dataclass(frozen=True, slots=True)
class ValidRequest:
    """A request that passed the contract: typed query (with defaults) and parsed body."""

    path: dict[str, str]
    query: dict[str, object]
    body: dict[str, Any] | None
