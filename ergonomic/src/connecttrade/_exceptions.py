"""Every error the SDK raises, in one module; the package root re-exports them.

Every error the client raises for a call, or a stream raises for good, is a
:class:`ConnectTradeError`::

    ConnectTradeError
    ├── APIError                        the call did not succeed
    │   ├── APIStatusError              the API answered with an error status
    │   │   ├── BadRequestError         400
    │   │   ├── AuthenticationError     401 (bad or rotated secret, missing entitlement)
    │   │   ├── PermissionDeniedError   403
    │   │   ├── NotFoundError           404
    │   │   ├── ConflictError           409 (already exists; account linked to another user)
    │   │   ├── RateLimitError          429 (carries ``retry_after``)
    │   │   └── InternalServerError     500 and above
    │   ├── APIConnectionError          no answer arrived
    │   │   └── APITimeoutError         the call timed out
    │   └── UnexpectedResponseError     a 2xx answer did not have the contract's shape
    ├── InvalidOrder                    an order breaks its rules, before anything is sent
    │                                   (also a ``ValueError``; ``field`` names the field)
    ├── InvalidStrategy                 a multi-leg strategy breaks one of its rules
    │                                   (also a ``ValueError``; ``rule`` names it)
    ├── InvalidOptionSymbol             not an OCC option symbol (also a ``ValueError``)
    ├── InvalidEquitySymbol             not an equity symbol (also a ``ValueError``)
    ├── MissingCredentialsError         a call needs credentials the client was not given
    ├── OrderWaitTimeoutError           an order was not done when the wait ran out
    │                                   (also a ``TimeoutError``)
    ├── StreamError                     a stream cannot go on, or was used wrongly
    │   ├── StreamAuthenticationError   close 4003: bad credentials or a bad token
    │   ├── SessionReplacedError        close 4008: a newer session took over
    │   ├── StreamStateError            a call made in a state that does not allow it
    │   ├── StreamProtocolError         a frame that breaks the protocol (also a ``ValueError``)
    │   ├── SubscriptionRefusedError    the server refused symbols of a subscribe call
    │   └── MarketDataTimeoutError      a one-shot market-data call ran out of time
    │                                   (also a ``TimeoutError``)
    └── GuardError                      the agent guard said no (``connecttrade.agent``)
        └── Refused                     a rule refused; ``rule`` names it
            └── Halted                  execution is halted until a human resets it

A stream stops reconnecting only for ``StreamAuthenticationError`` and
``SessionReplacedError``: every other failure (a drop, a stall, close codes 1011, 4009,
4010) is handled by reconnecting and resynchronising; a refused subscription stops nothing
but itself. The guard's errors live in ``connecttrade.agent`` (they carry its rule checks).

Input that is invalid before anything is sent (a bad option symbol, an order that breaks
its own rules) raises the ``Invalid*`` errors, defined beside the values they check (in
``connecttrade.types``) and re-exported here: they are ``ConnectTradeError`` and
``ValueError`` both. ``ConnectTradeError`` itself lives in ``connecttrade.types`` too, for
the same reason. An unknown account is the server's :class:`NotFoundError` on every call,
placement included.

``cl_order_id`` is set on every error ``orders.place`` raises: the client order id it used.

Messages carry the API's ``message``, the status and the request id, and name close codes
and fields, never request headers, credentials or tokens: those hold the secrets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connecttrade.types.equity_symbol import InvalidEquitySymbol
from connecttrade.types.option_symbol import InvalidOptionSymbol
from connecttrade.types.orders import InvalidOrder
from connecttrade.types.root_error import ConnectTradeError
from connecttrade.types.strategies import InvalidStrategy

if TYPE_CHECKING:
    import httpx

    from connecttrade.types.market_data_events import SubscriptionRefused
    from connecttrade.types.results import Order

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ConnectTradeError",
    "InternalServerError",
    "InvalidEquitySymbol",
    "InvalidOptionSymbol",
    "InvalidOrder",
    "InvalidStrategy",
    "MarketDataTimeoutError",
    "MissingCredentialsError",
    "NotFoundError",
    "OrderWaitTimeoutError",
    "PermissionDeniedError",
    "RateLimitError",
    "SessionReplacedError",
    "StreamAuthenticationError",
    "StreamError",
    "StreamProtocolError",
    "StreamStateError",
    "SubscriptionRefusedError",
    "UnexpectedResponseError",
    "error_for_status",
]


class APIError(ConnectTradeError):
    """A call to the API did not succeed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class APIStatusError(APIError):
    """The API answered with an error status; ``message`` is the body's ``message``."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        response: httpx.Response | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        # Kept for callers who need the body; it is never rendered into the message.
        self.response = response

    def __str__(self) -> str:
        request = f", request {self.request_id}" if self.request_id else ""
        return f"{self.message} (HTTP {self.status_code}{request})"

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (process pools, multiprocessing) by pickling.
        # The default replays ``args`` into __init__, which lacks the keyword fields; the
        # response is dropped because an open httpx.Response does not pickle.
        restore = (type(self), self.message, self.status_code, self.request_id, None)
        return (_restore, restore, _state(self))


class BadRequestError(APIStatusError):
    """400: the request was malformed or its data invalid."""


class AuthenticationError(APIStatusError):
    """401: credentials were missing, wrong or rotated, or the entitlement is missing."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but may not do this."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist."""


class ConflictError(APIStatusError):
    """409: the resource already exists, or the account is linked to another user.

    For a placement refused because its client order id was used before,
    ``existing_order_id`` is the order that holds the id and ``existing_order`` that
    order as read back (``None`` when it could not be found); both are ``None`` for
    other conflicts.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 409,
        request_id: str | None = None,
        response: httpx.Response | None = None,
        existing_order_id: str | None = None,
        existing_order: Order | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, request_id=request_id, response=response)
        self.existing_order_id = existing_order_id
        self.existing_order = existing_order


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` is the server's wait hint in seconds."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        request_id: str | None = None,
        response: httpx.Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, request_id=request_id, response=response)
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:
        restore = (type(self), self.message, self.status_code, self.request_id, self.retry_after)
        return (_restore, restore, _state(self))


class InternalServerError(APIStatusError):
    """500 and above: the failure is on the service's side."""


class APIConnectionError(APIError):
    """No answer arrived: the connection failed or was cut."""

    def __init__(self, message: str = "connection to the Connect Trade API failed") -> None:
        super().__init__(message)


class APITimeoutError(APIConnectionError):
    """The call timed out before an answer arrived."""

    def __init__(self, message: str = "request to the Connect Trade API timed out") -> None:
        super().__init__(message)


def _state(error: APIStatusError) -> dict[str, object]:
    """What pickling keeps beyond the constructor's arguments (never the response)."""
    return {key: value for key, value in vars(error).items() if key != "response"}


def _restore(
    cls: type[APIStatusError],
    message: str,
    status_code: int,
    request_id: str | None,
    retry_after: float | None,
) -> APIStatusError:
    error = cls(message, status_code=status_code, request_id=request_id)
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    return error


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
}


def error_for_status(
    status_code: int,
    message: str,
    request_id: str | None = None,
    response: httpx.Response | None = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """Make the error for an error answer, choosing the subclass by status.

    A status without its own subclass (another 4xx, an unexpected 3xx) gives a plain
    :class:`APIStatusError`. ``retry_after`` is kept only on a :class:`RateLimitError`.
    """
    if status_code == 429:
        return RateLimitError(
            message,
            status_code=status_code,
            request_id=request_id,
            response=response,
            retry_after=retry_after,
        )
    cls = InternalServerError if status_code >= 500 else _BY_STATUS.get(status_code, APIStatusError)
    return cls(message, status_code=status_code, request_id=request_id, response=response)


class MissingCredentialsError(ConnectTradeError):
    """The client lacks credentials a call needs; raised before any request is sent."""


class UnexpectedResponseError(APIError):
    """A successful answer lacked a field or held a value of the wrong type."""


class OrderWaitTimeoutError(ConnectTradeError, TimeoutError):
    """An order was still open when :meth:`OrderHandle.wait` ran out of time.

    ``order`` is the latest state seen; the order keeps working at the broker. ``hint``
    says why it may not have moved (the mock broker's clock is manual), or is ``None``.
    """

    def __init__(self, order: Order, timeout: float, hint: str | None = None) -> None:
        self.order = order
        self.timeout = timeout
        self.hint = hint
        tail = f"; {hint}" if hint else ""
        super().__init__(
            f"order {order.order_id} is still {order.status} after {timeout:g} seconds{tail}"
        )


class StreamError(ConnectTradeError):
    """A stream failed for good, or was asked for something its state does not allow."""

    def __init__(self, message: str, *, close_code: int | None = None) -> None:
        self.message = message
        self.close_code = close_code
        super().__init__(message)


class StreamAuthenticationError(StreamError):
    """The server refused the credentials or token (close code 4003); reconnecting stops."""


class SessionReplacedError(StreamError):
    """A newer session with the same credentials replaced this one (close code 4008)."""


class StreamStateError(StreamError):
    """A call was made in a state that does not allow it (``subscribe`` after ``close``)."""


class StreamProtocolError(StreamError, ValueError):
    """A frame was not what the protocol defines (not JSON, missing or mistyped field)."""


class SubscriptionRefusedError(StreamError):
    """The server refused some (or all) symbols of a ``subscribe_*`` call.

    ``symbols`` are the refused ones, ``refusals`` say why per code (one
    :class:`~connecttrade.SubscriptionRefused` each, also published as events) and
    ``accepted`` are the call's symbols that were subscribed regardless and keep streaming.
    The refused symbols are no longer registered: reconnects do not ask for them again.
    """

    def __init__(
        self,
        channel: str,
        refusals: tuple[SubscriptionRefused, ...],
        accepted: tuple[str, ...],
    ) -> None:
        self.channel = channel
        self.refusals = refusals
        self.symbols: tuple[str, ...] = tuple(s for r in refusals for s in r.symbols)
        self.accepted = accepted
        reasons = "; ".join(f"{', '.join(r.symbols)} ({r.code}: {r.message})" for r in refusals)
        kept = f"; subscribed {', '.join(accepted)}" if accepted else ""
        super().__init__(f"{channel}: refused {reasons}{kept}")


class MarketDataTimeoutError(StreamError, TimeoutError):
    """A one-shot market-data call (``client.market_data...``) got no complete answer
    within its ``timeout``; ``waited_for`` says what was missing. Its session is closed."""

    def __init__(self, waited_for: str, timeout: float | None) -> None:
        self.waited_for = waited_for
        self.timeout = timeout
        within = "" if timeout is None else f" within {timeout:g} s"
        super().__init__(f"market data: no {waited_for}{within}")
