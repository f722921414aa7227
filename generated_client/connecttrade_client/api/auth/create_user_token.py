from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_user_token_request import CreateUserTokenRequest
from ...models.error import Error
from ...models.user_token import UserToken
from ...types import Response


def _get_kwargs(
    *,
    body: CreateUserTokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/auth/tokens/user",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | UserToken | None:
    if response.status_code == 201:
        response_201 = UserToken.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | UserToken]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateUserTokenRequest,
) -> Response[Error | UserToken]:
    """Issue an agent token

     A one-hour bearer token for agent tools, limited to the scopes asked for.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CreateUserTokenRequest): Scopes for a short-lived agent token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UserToken]
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
    body: CreateUserTokenRequest,
) -> Error | UserToken | None:
    """Issue an agent token

     A one-hour bearer token for agent tools, limited to the scopes asked for.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CreateUserTokenRequest): Scopes for a short-lived agent token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UserToken
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateUserTokenRequest,
) -> Response[Error | UserToken]:
    """Issue an agent token

     A one-hour bearer token for agent tools, limited to the scopes asked for.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CreateUserTokenRequest): Scopes for a short-lived agent token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UserToken]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateUserTokenRequest,
) -> Error | UserToken | None:
    """Issue an agent token

     A one-hour bearer token for agent tools, limited to the scopes asked for.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CreateUserTokenRequest): Scopes for a short-lived agent token.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UserToken
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
