from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.crypto_order_request import CryptoOrderRequest
from ...models.equity_order_request import EquityOrderRequest
from ...models.error import Error
from ...models.future_order_request import FutureOrderRequest
from ...models.multi_leg_order_request import MultiLegOrderRequest
from ...models.option_order_request import OptionOrderRequest
from ...models.order import Order
from ...types import Response


def _get_kwargs(
    *,
    body: CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest | OptionOrderRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/orders",
    }

    if isinstance(body, EquityOrderRequest):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, OptionOrderRequest):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, MultiLegOrderRequest):
        _kwargs["json"] = body.to_dict()
    elif isinstance(body, FutureOrderRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Order | None:
    if response.status_code == 201:
        response_201 = Order.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Order]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest | OptionOrderRequest,
) -> Response[Error | Order]:
    """Place an order

     The broker's decision is the order's status: an order the broker refuses is answered 201 with status
    `rejected` and a `reject_reason`. 401 when the connection or broker may not trade; 409 when
    `cl_order_id` was already used today on the account; 429 over the per-user order rate.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest
            | OptionOrderRequest): An order, one variant per instrument, told apart by `instrument`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Order]
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
    body: CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest | OptionOrderRequest,
) -> Error | Order | None:
    """Place an order

     The broker's decision is the order's status: an order the broker refuses is answered 201 with status
    `rejected` and a `reject_reason`. 401 when the connection or broker may not trade; 409 when
    `cl_order_id` was already used today on the account; 429 over the per-user order rate.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest
            | OptionOrderRequest): An order, one variant per instrument, told apart by `instrument`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Order
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest | OptionOrderRequest,
) -> Response[Error | Order]:
    """Place an order

     The broker's decision is the order's status: an order the broker refuses is answered 201 with status
    `rejected` and a `reject_reason`. 401 when the connection or broker may not trade; 409 when
    `cl_order_id` was already used today on the account; 429 over the per-user order rate.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest
            | OptionOrderRequest): An order, one variant per instrument, told apart by `instrument`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Order]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest | OptionOrderRequest,
) -> Error | Order | None:
    """Place an order

     The broker's decision is the order's status: an order the broker refuses is answered 201 with status
    `rejected` and a `reject_reason`. 401 when the connection or broker may not trade; 409 when
    `cl_order_id` was already used today on the account; 429 over the per-user order rate.

    Answers 201 here. The vendor's docs list 200 as the success status (medium confidence) and live
    clients take any status below 400 as success: the SDK takes 200 and 201 alike.

    Args:
        body (CryptoOrderRequest | EquityOrderRequest | FutureOrderRequest | MultiLegOrderRequest
            | OptionOrderRequest): An order, one variant per instrument, told apart by `instrument`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Order
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
