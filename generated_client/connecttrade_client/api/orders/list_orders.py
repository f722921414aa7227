import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.order_page import OrderPage
from ...models.order_side import OrderSide
from ...models.order_status_filter import OrderStatusFilter
from ...models.sort_order import SortOrder
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    account_id: str | Unset = UNSET,
    status: OrderStatusFilter | Unset = UNSET,
    symbols: str | Unset = UNSET,
    side: OrderSide | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    sort: SortOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["account_id"] = account_id

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["symbols"] = symbols

    json_side: str | Unset = UNSET
    if not isinstance(side, Unset):
        json_side = side.value

    params["side"] = json_side

    json_start_time: str | Unset = UNSET
    if not isinstance(start_time, Unset):
        json_start_time = start_time.isoformat()
    params["start_time"] = json_start_time

    json_end_time: str | Unset = UNSET
    if not isinstance(end_time, Unset):
        json_end_time = end_time.isoformat()
    params["end_time"] = json_end_time

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/orders",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | OrderPage | None:
    if response.status_code == 200:
        response_200 = OrderPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | OrderPage]:
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
    status: OrderStatusFilter | Unset = UNSET,
    symbols: str | Unset = UNSET,
    side: OrderSide | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    sort: SortOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Response[Error | OrderPage]:
    """List orders

     Without parameters: today's open orders created since 00:00 UTC. With `cursor`, the other filters
    must match those of the page it came from.

    A page object with `next_cursor`/`prev_cursor`, as the vendor's docs describe; the vendor's cookbook
    iterates over `GET /orders?status=open` as a bare array (medium confidence), so the SDK also reads a
    bare array (or `null`) as one last page.

    Args:
        account_id (str | Unset):
        status (OrderStatusFilter | Unset): `open`: pending, working, partially_filled,
            pending_cancel, pending_replace. `closed`: filled, cancelled, rejected, expired, replaced.
            Or one status.
        symbols (str | Unset):
        side (OrderSide | Unset): Equities, futures and crypto: BUY, SELL, SELL_SHORT,
            BUY_TO_COVER (TradeStation's buy that closes a short). Options: the four *_TO_OPEN/_CLOSE
            sides.
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        sort (SortOrder | Unset): Order of results by creation time.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderPage]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        status=status,
        symbols=symbols,
        side=side,
        start_time=start_time,
        end_time=end_time,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    status: OrderStatusFilter | Unset = UNSET,
    symbols: str | Unset = UNSET,
    side: OrderSide | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    sort: SortOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Error | OrderPage | None:
    """List orders

     Without parameters: today's open orders created since 00:00 UTC. With `cursor`, the other filters
    must match those of the page it came from.

    A page object with `next_cursor`/`prev_cursor`, as the vendor's docs describe; the vendor's cookbook
    iterates over `GET /orders?status=open` as a bare array (medium confidence), so the SDK also reads a
    bare array (or `null`) as one last page.

    Args:
        account_id (str | Unset):
        status (OrderStatusFilter | Unset): `open`: pending, working, partially_filled,
            pending_cancel, pending_replace. `closed`: filled, cancelled, rejected, expired, replaced.
            Or one status.
        symbols (str | Unset):
        side (OrderSide | Unset): Equities, futures and crypto: BUY, SELL, SELL_SHORT,
            BUY_TO_COVER (TradeStation's buy that closes a short). Options: the four *_TO_OPEN/_CLOSE
            sides.
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        sort (SortOrder | Unset): Order of results by creation time.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderPage
    """

    return sync_detailed(
        client=client,
        account_id=account_id,
        status=status,
        symbols=symbols,
        side=side,
        start_time=start_time,
        end_time=end_time,
        sort=sort,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    status: OrderStatusFilter | Unset = UNSET,
    symbols: str | Unset = UNSET,
    side: OrderSide | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    sort: SortOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Response[Error | OrderPage]:
    """List orders

     Without parameters: today's open orders created since 00:00 UTC. With `cursor`, the other filters
    must match those of the page it came from.

    A page object with `next_cursor`/`prev_cursor`, as the vendor's docs describe; the vendor's cookbook
    iterates over `GET /orders?status=open` as a bare array (medium confidence), so the SDK also reads a
    bare array (or `null`) as one last page.

    Args:
        account_id (str | Unset):
        status (OrderStatusFilter | Unset): `open`: pending, working, partially_filled,
            pending_cancel, pending_replace. `closed`: filled, cancelled, rejected, expired, replaced.
            Or one status.
        symbols (str | Unset):
        side (OrderSide | Unset): Equities, futures and crypto: BUY, SELL, SELL_SHORT,
            BUY_TO_COVER (TradeStation's buy that closes a short). Options: the four *_TO_OPEN/_CLOSE
            sides.
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        sort (SortOrder | Unset): Order of results by creation time.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | OrderPage]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        status=status,
        symbols=symbols,
        side=side,
        start_time=start_time,
        end_time=end_time,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    account_id: str | Unset = UNSET,
    status: OrderStatusFilter | Unset = UNSET,
    symbols: str | Unset = UNSET,
    side: OrderSide | Unset = UNSET,
    start_time: datetime.datetime | Unset = UNSET,
    end_time: datetime.datetime | Unset = UNSET,
    sort: SortOrder | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Error | OrderPage | None:
    """List orders

     Without parameters: today's open orders created since 00:00 UTC. With `cursor`, the other filters
    must match those of the page it came from.

    A page object with `next_cursor`/`prev_cursor`, as the vendor's docs describe; the vendor's cookbook
    iterates over `GET /orders?status=open` as a bare array (medium confidence), so the SDK also reads a
    bare array (or `null`) as one last page.

    Args:
        account_id (str | Unset):
        status (OrderStatusFilter | Unset): `open`: pending, working, partially_filled,
            pending_cancel, pending_replace. `closed`: filled, cancelled, rejected, expired, replaced.
            Or one status.
        symbols (str | Unset):
        side (OrderSide | Unset): Equities, futures and crypto: BUY, SELL, SELL_SHORT,
            BUY_TO_COVER (TradeStation's buy that closes a short). Options: the four *_TO_OPEN/_CLOSE
            sides.
        start_time (datetime.datetime | Unset):
        end_time (datetime.datetime | Unset):
        sort (SortOrder | Unset): Order of results by creation time.
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | OrderPage
    """

    return (
        await asyncio_detailed(
            client=client,
            account_id=account_id,
            status=status,
            symbols=symbols,
            side=side,
            start_time=start_time,
            end_time=end_time,
            sort=sort,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
