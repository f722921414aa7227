from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balance import Balance
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    account_id: str | Unset = UNSET,
    connection_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["account_id"] = account_id

    params["connection_id"] = connection_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/balances",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | list[Balance] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Balance.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | list[Balance]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    connection_id: str | Unset = UNSET,
) -> Response[Error | list[Balance]]:
    """List balances

     A bare JSON array: the vendor's cookbook iterates over this answer directly (medium confidence). The
    SDK also reads `null` (no items) and a page object (`{"balances": [...]}`) without a `next_cursor`.

    Args:
        account_id (str | Unset):
        connection_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Balance]]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        connection_id=connection_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    connection_id: str | Unset = UNSET,
) -> Error | list[Balance] | None:
    """List balances

     A bare JSON array: the vendor's cookbook iterates over this answer directly (medium confidence). The
    SDK also reads `null` (no items) and a page object (`{"balances": [...]}`) without a `next_cursor`.

    Args:
        account_id (str | Unset):
        connection_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Balance]
    """

    return sync_detailed(
        client=client,
        account_id=account_id,
        connection_id=connection_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    connection_id: str | Unset = UNSET,
) -> Response[Error | list[Balance]]:
    """List balances

     A bare JSON array: the vendor's cookbook iterates over this answer directly (medium confidence). The
    SDK also reads `null` (no items) and a page object (`{"balances": [...]}`) without a `next_cursor`.

    Args:
        account_id (str | Unset):
        connection_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | list[Balance]]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        connection_id=connection_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    connection_id: str | Unset = UNSET,
) -> Error | list[Balance] | None:
    """List balances

     A bare JSON array: the vendor's cookbook iterates over this answer directly (medium confidence). The
    SDK also reads `null` (no items) and a page object (`{"balances": [...]}`) without a `next_cursor`.

    Args:
        account_id (str | Unset):
        connection_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | list[Balance]
    """

    return (
        await asyncio_detailed(
            client=client,
            account_id=account_id,
            connection_id=connection_id,
        )
    ).parsed
