from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.order import Order
from ...types import UNSET, Response


def _get_kwargs(
    order_id: str,
    *,
    account_id: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["account_id"] = account_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/orders/{order_id}".format(
            order_id=quote(str(order_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | Order | None:
    if response.status_code == 200:
        response_200 = Order.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | Order]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    account_id: str,
) -> Response[Error | Order]:
    """Get an order

     One order of the user, by its id, with the account it belongs to. Not a path under
    `/accounts/{account_id}/orders/{order_id}`: there `DELETE` is the vendor's cancel, which leaves the
    order readable (cancelled), so reading it from the same URI would break the REST meaning of DELETE
    that HTTP tools check (schemathesis' use_after_free). The vendor documents no single-order read;
    `GET /orders` lists the same orders.

    Args:
        order_id (str):
        account_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Order]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        account_id=account_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    order_id: str,
    *,
    client: AuthenticatedClient,
    account_id: str,
) -> Error | Order | None:
    """Get an order

     One order of the user, by its id, with the account it belongs to. Not a path under
    `/accounts/{account_id}/orders/{order_id}`: there `DELETE` is the vendor's cancel, which leaves the
    order readable (cancelled), so reading it from the same URI would break the REST meaning of DELETE
    that HTTP tools check (schemathesis' use_after_free). The vendor documents no single-order read;
    `GET /orders` lists the same orders.

    Args:
        order_id (str):
        account_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Order
    """

    return sync_detailed(
        order_id=order_id,
        client=client,
        account_id=account_id,
    ).parsed


async def asyncio_detailed(
    order_id: str,
    *,
    client: AuthenticatedClient,
    account_id: str,
) -> Response[Error | Order]:
    """Get an order

     One order of the user, by its id, with the account it belongs to. Not a path under
    `/accounts/{account_id}/orders/{order_id}`: there `DELETE` is the vendor's cancel, which leaves the
    order readable (cancelled), so reading it from the same URI would break the REST meaning of DELETE
    that HTTP tools check (schemathesis' use_after_free). The vendor documents no single-order read;
    `GET /orders` lists the same orders.

    Args:
        order_id (str):
        account_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Order]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        account_id=account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    order_id: str,
    *,
    client: AuthenticatedClient,
    account_id: str,
) -> Error | Order | None:
    """Get an order

     One order of the user, by its id, with the account it belongs to. Not a path under
    `/accounts/{account_id}/orders/{order_id}`: there `DELETE` is the vendor's cancel, which leaves the
    order readable (cancelled), so reading it from the same URI would break the REST meaning of DELETE
    that HTTP tools check (schemathesis' use_after_free). The vendor documents no single-order read;
    `GET /orders` lists the same orders.

    Args:
        order_id (str):
        account_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Order
    """

    return (
        await asyncio_detailed(
            order_id=order_id,
            client=client,
            account_id=account_id,
        )
    ).parsed
