from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.connection_request import ConnectionRequest
from ...models.create_connection_request import CreateConnectionRequest
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    *,
    body: CreateConnectionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/connections",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConnectionRequest | Error | None:
    if response.status_code == 200:
        response_200 = ConnectionRequest.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ConnectionRequest | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateConnectionRequest,
) -> Response[ConnectionRequest | Error]:
    """Start linking a brokerage account

     Returns the URL to show the user. After the broker login the browser goes to
    `redirect_url?connection_id=...` or `redirect_url?error=...&error_details=...`. 401 (not entitled,
    as the vendor answers entitlement issues) if `connection_type` is `trade` at a read-only broker (no
    order entry: ask for `readonly`). 409 if the account is already linked to another user of the
    platform.

    Args:
        body (CreateConnectionRequest): Ask for a URL where the user links a brokerage account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectionRequest | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateConnectionRequest,
) -> ConnectionRequest | Error | None:
    """Start linking a brokerage account

     Returns the URL to show the user. After the broker login the browser goes to
    `redirect_url?connection_id=...` or `redirect_url?error=...&error_details=...`. 401 (not entitled,
    as the vendor answers entitlement issues) if `connection_type` is `trade` at a read-only broker (no
    order entry: ask for `readonly`). 409 if the account is already linked to another user of the
    platform.

    Args:
        body (CreateConnectionRequest): Ask for a URL where the user links a brokerage account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectionRequest | Error
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateConnectionRequest,
) -> Response[ConnectionRequest | Error]:
    """Start linking a brokerage account

     Returns the URL to show the user. After the broker login the browser goes to
    `redirect_url?connection_id=...` or `redirect_url?error=...&error_details=...`. 401 (not entitled,
    as the vendor answers entitlement issues) if `connection_type` is `trade` at a read-only broker (no
    order entry: ask for `readonly`). 409 if the account is already linked to another user of the
    platform.

    Args:
        body (CreateConnectionRequest): Ask for a URL where the user links a brokerage account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectionRequest | Error]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateConnectionRequest,
) -> ConnectionRequest | Error | None:
    """Start linking a brokerage account

     Returns the URL to show the user. After the broker login the browser goes to
    `redirect_url?connection_id=...` or `redirect_url?error=...&error_details=...`. 401 (not entitled,
    as the vendor answers entitlement issues) if `connection_type` is `trade` at a read-only broker (no
    order entry: ask for `readonly`). 409 if the account is already linked to another user of the
    platform.

    Args:
        body (CreateConnectionRequest): Ask for a URL where the user links a brokerage account.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectionRequest | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
