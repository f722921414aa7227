"""How a request or an answer fails the contract: each error carries its HTTP status
and a message for the caller."""

from __future__ import annotations

from collections.abc import Sequence

from connecttrade_mock.contract._messages import _echo

__all__ = [
    "ContractError",
    "ContractViolation",
    "MethodNotAllowed",
    "ResponseViolation",
    "RouteNotFound",
]


class ContractError(Exception):
    """Root of this module's errors; ``message`` is safe to show to a client."""

    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RouteNotFound(ContractError):  # noqa: N818 - reads as the HTTP status it maps to
    """No path of the contract matches the request path."""

    status = 404


class MethodNotAllowed(ContractError):  # noqa: N818 - reads as the HTTP status it maps to
    """The path exists but not with this method; ``allowed`` lists the methods it has."""

    status = 405

    def __init__(self, allowed: Sequence[str], *, method: str = "", path: str = "") -> None:
        self.allowed = list(allowed)
        where = f" on {_echo(path)}" if path else ""
        super().__init__(
            f"method {_echo(method)} is not allowed{where}; allowed: {', '.join(self.allowed)}"
        )


class ContractViolation(ContractError):  # noqa: N818 - names what happened, like InvalidTransition
    """The request breaks the contract; ``message`` names the field and the problem."""

    status = 400


class ResponseViolation(ContractError):  # noqa: N818 - names what happened, like InvalidTransition
    """An answer the mock produced does not match the contract."""

    status = 500
