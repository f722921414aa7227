"""The SDK reads every answer shape the evidence about the live API allows.

Where the vendor's docs, its cookbook and live client code disagree (KNOWN-FACTS.md), the
SDK reads both shapes, so users' code keeps working the day the vendor's own spec replaces
this project's contract: a bare array or a wrapped page for lists (and ``null`` for
``GET /connections``), ``null`` accounts on a connection, 200 or 201 on the POSTs, JSON or
plain-text error bodies, and broker codes newer than this release.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sdk_fakes import (
    BASE_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    NOW,
    USER_ID,
    USER_SECRET,
    balance_json,
    order_json,
    position_json,
)

import connecttrade
from connecttrade import Broker, UnexpectedResponseError

CONNECTION = {
    "connection_id": "conn_1",
    "broker": "ALPACA",
    "connection_type": "trade",
    "created_at": NOW,
    "accounts": [{"account_id": "acc_1", "account_number": "PA1", "institution_name": "Alpaca"}],
}


def _client(answer: Callable[[httpx.Request], httpx.Response]) -> connecttrade.Client:
    pool = httpx.Client(transport=httpx.MockTransport(answer))
    return connecttrade.Client(
        base_url=BASE_URL,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        user_id=USER_ID,
        user_secret=USER_SECRET,
        http_client=pool,
        max_retries=0,
    )


def _answering(status: int, body: object = None, *, text: str | None = None) -> connecttrade.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(status, text=text, headers={"content-type": "text/plain"})
        # Encoded here: httpx's json=None would send no body at all, not JSON null.
        content = json.dumps(body, separators=(",", ":")).encode()
        return httpx.Response(status, content=content, headers={"content-type": "application/json"})

    return _client(answer)


LIST_CALLS: dict[str, tuple[Callable[[connecttrade.Client], list[Any]], str, dict[str, Any]]] = {
    "connections": (lambda c: c.connections.list(), "connections", CONNECTION),
    "balances": (lambda c: c.balances.list(), "balances", balance_json()),
    "positions": (lambda c: c.positions.list(), "positions", position_json()),
    "orders": (lambda c: list(c.orders.list(status="open")), "orders", order_json()),
}


@pytest.mark.parametrize("name", LIST_CALLS)
@pytest.mark.parametrize("shape", ["bare-array", "wrapped-page"])
def test_a_list_answer_is_read_as_a_bare_array_or_a_wrapped_page(name: str, shape: str) -> None:
    """The vendor's cookbook iterates GET /balances, /positions and /orders?status=open as
    bare arrays while the docs speak of pages: both shapes give the same items."""
    call, key, item = LIST_CALLS[name]
    body: object = [item] if shape == "bare-array" else {key: [item], "next_cursor": None}
    items = call(_answering(200, body))
    assert len(items) == 1
    assert items[0].extra == {}


@pytest.mark.parametrize("name", LIST_CALLS)
def test_a_null_list_answer_is_an_empty_list(name: str) -> None:
    """Live clients read GET /connections as an array that may be null: no items."""
    call, _, _ = LIST_CALLS[name]
    assert call(_answering(200, None)) == []


@pytest.mark.parametrize("name", LIST_CALLS)
@pytest.mark.parametrize("text", ["", "<html>maintenance</html>"], ids=["empty", "html"])
def test_a_list_answer_that_is_not_json_is_an_error_not_an_empty_list(name: str, text: str) -> None:
    """JSON null is an empty list; an empty or HTML body on a 200 is not."""
    call, key, _ = LIST_CALLS[name]
    with pytest.raises(UnexpectedResponseError, match=rf"^{key}: the answer is not JSON$"):
        call(_answering(200, text=text))


@pytest.mark.parametrize("name", ["connections", "balances", "positions"])
def test_a_wrapped_page_naming_a_next_page_is_an_error_not_a_short_list(name: str) -> None:
    """These calls take no cursor: a page that says more follows is reported, naming the
    list, rather than returned short."""
    call, key, item = LIST_CALLS[name]
    with pytest.raises(UnexpectedResponseError, match=rf"^{key}: .*next_cursor"):
        call(_answering(200, {key: [item], "next_cursor": "c2"}))


def test_a_list_answer_of_another_shape_names_the_list() -> None:
    with pytest.raises(UnexpectedResponseError, match=r"^positions: expected a JSON array"):
        _answering(200, {"items": []}).positions.list()


def test_a_connection_with_null_accounts_has_no_accounts() -> None:
    """Live clients read a connection's `accounts` as possibly null."""
    (connection,) = _answering(200, [{**CONNECTION, "accounts": None}]).connections.list()
    assert connection.accounts == ()
    assert connection.connection_id == "conn_1"


def test_a_connection_without_its_accounts_key_is_still_an_error_naming_it() -> None:
    body = {key: value for key, value in CONNECTION.items() if key != "accounts"}
    with pytest.raises(UnexpectedResponseError, match=r"ConnectionResponse\.accounts"):
        _answering(200, [body]).connections.list()


POSTS: dict[str, tuple[Callable[[connecttrade.Client], Any], object]] = {
    "create-user": (
        lambda c: c.users.create("u-1"),
        {"user_id": "u-1", "user_secret": "s3cr3t-once", "created_at": NOW},
    ),
    "create-connection": (
        lambda c: c.connections.create("ALPACA", "https://app.test/done"),
        {"connection_request_url": "https://connect.test/r/1", "expires_at": NOW},
    ),
    "place-order": (
        lambda c: c.orders.place(
            connecttrade.limit("AAPL", 10, "171.25", side="BUY"),
            account_id="acc_demo_margin",
            broker="ALPACA",
        ),
        order_json(),
    ),
}


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("status", [200, 201])
def test_a_post_succeeds_on_200_or_201(name: str, status: int) -> None:
    """The docs list 200 as the success status; this contract answers 201 on the three
    creating POSTs: either is a success."""
    call, body = POSTS[name]
    assert call(_answering(status, body)) is not None


def test_create_user_falls_back_to_the_id_it_sent() -> None:
    """Live clients read only `user_secret` from POST /users and fall back to the id they
    sent when `user_id` is absent."""
    credentials = _answering(201, {"user_secret": "s3cr3t-once", "created_at": NOW}).users.create(
        "u-7"
    )
    assert credentials.user_id == "u-7"
    assert credentials.user_secret.reveal() == "s3cr3t-once"


def test_a_json_error_body_gives_its_message() -> None:
    with pytest.raises(connecttrade.NotFoundError) as caught:
        _answering(404, {"message": "no account acc_9"}).positions.list(account_id="acc_9")
    assert caught.value.message == "no account acc_9"


def test_a_plain_text_error_body_is_the_errors_message() -> None:
    """A non-JSON error body (a gateway's text) is read as text into the typed error."""
    client = _answering(502, text="Bad gateway: upstream broker timed out\n")
    with pytest.raises(connecttrade.InternalServerError) as caught:
        client.balances.list()
    assert caught.value.status_code == 502
    assert caught.value.message == "Bad gateway: upstream broker timed out"


def test_a_long_text_error_body_is_cut_and_its_whitespace_collapsed() -> None:
    page = "<html>\n  <body>" + "Service unavailable. " * 40 + "</body></html>"
    with pytest.raises(connecttrade.InternalServerError) as caught:
        _answering(503, text=page).balances.list()
    message = caught.value.message
    assert len(message) == 200
    assert message.startswith("<html> <body>Service unavailable.")
    assert message.endswith("\u2026")


def test_a_secret_in_a_text_error_body_is_masked_before_the_cut() -> None:
    """Masking happens on the whole text, so no piece of a secret survives truncation."""
    text = "x" * 190 + USER_SECRET + " more"
    with pytest.raises(connecttrade.BadRequestError) as caught:
        _answering(400, text=text).balances.list()
    assert USER_SECRET[:5] not in caught.value.message
    assert caught.value.message.startswith("x" * 190 + "****")


def test_a_json_error_without_a_message_shows_its_text() -> None:
    with pytest.raises(connecttrade.BadRequestError) as caught:
        _answering(400, {"error": "symbol_unknown"}).balances.list()
    assert caught.value.message == '{"error":"symbol_unknown"}'


def test_an_empty_error_body_falls_back_to_the_status_line() -> None:
    with pytest.raises(connecttrade.InternalServerError) as caught:
        _answering(500, text="").balances.list()
    assert caught.value.message == "Internal Server Error"


def test_a_broker_code_newer_than_this_release_stays_readable() -> None:
    """New brokers are added monthly: a code this release does not know is kept as text."""
    (connection,) = _answering(200, [{**CONNECTION, "broker": "NEWBROKER"}]).connections.list()
    (balance,) = _answering(200, [balance_json(broker="NEWBROKER")]).balances.list()
    assert connection.broker == balance.broker == "NEWBROKER"
    assert not isinstance(connection.broker, Broker)
    (known,) = _answering(200, [CONNECTION]).connections.list()
    assert known.broker is Broker.ALPACA


def test_a_settled_409_carries_the_same_masked_message_as_a_raised_error() -> None:
    """A status the operation resolves itself (a placement's 409) reads its message the way
    raised errors do: a text body kept, secrets masked."""
    from connecttrade._http.calls import Auth, HttpCall, Retry
    from connecttrade._http.protocol import interpret
    from connecttrade._http.settings import Settings
    from connecttrade.types.secret import Secret

    settings = Settings(
        BASE_URL, CLIENT_ID, Secret(CLIENT_SECRET), USER_ID, Secret(USER_SECRET), None, 0
    )
    call = HttpCall("POST", "/orders", Auth.USER, Retry.UNSENT, settled=frozenset({409}))
    answer = httpx.Response(409, text=f"duplicate cl_order_id for {USER_SECRET}")
    result = interpret(call, answer, 1, settings)
    assert result.status_code == 409
    assert result.message == "duplicate cl_order_id for ****"
    assert interpret(call, httpx.Response(201, json={}), 1, settings).message == ""
