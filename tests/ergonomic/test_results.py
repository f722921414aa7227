"""Tests for parsing answers into results: exact decimals, tolerant enums, typed failures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest
from sdk_fakes import USER_SECRET, FakeApi, balance_json, order_json, position_json

from connecttrade import (
    Balance,
    Broker,
    Instrument,
    OrderSide,
    OrderStatus,
    Position,
    Secret,
    UnexpectedResponseError,
)
from connecttrade._wire import parse
from connecttrade._wire.fields import decode_json

ACCOUNT = "acc_demo_margin"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0.1", id="tenth"),
        pytest.param("171.25", id="cents"),
        pytest.param("0.000000001", id="nine-places"),
        pytest.param("123456789012345.123456789", id="fifteen-plus-nine-digits"),
        pytest.param("-12.5", id="negative"),
        pytest.param("2.010", id="trailing-zero-kept"),
    ],
)
def test_decimal_strings_parse_exactly(text: str) -> None:
    """Every numeric string becomes the Decimal with exactly the digits that were sent."""
    order = parse.order(order_json(order_limit_price=text, avg_fill_price=text))
    assert order.limit_price == Decimal(text)
    assert order.avg_fill_price is not None
    assert order.avg_fill_price.as_tuple() == Decimal(text).as_tuple()


def test_unquoted_json_numbers_never_pass_through_float() -> None:
    """A number a broker sends unquoted is decoded as a Decimal, keeping every digit."""
    body = decode_json(b'{"price": 0.123456789, "qty": 3}')
    assert body == {"price": Decimal("0.123456789"), "qty": 3}
    fill = parse.fill(
        decode_json(
            b'{"fill_id": "f", "time": "2026-11-20T15:04:05Z", "quantity": 3, "price": 0.1}'
        )
    )
    assert fill.price == Decimal("0.1")


def test_times_and_dates_are_aware_datetimes() -> None:
    """Date-times parse to timezone-aware datetimes and trade dates to dates."""
    order = parse.order(order_json(created_at="2026-11-20T15:04:04Z"))
    assert order.created_at == dt.datetime(2026, 11, 20, 15, 4, 4, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        pytest.param({"status": "held_for_review"}, "status", "held_for_review", id="status"),
        pytest.param({"broker": "NEWBROKER"}, "broker", "NEWBROKER", id="broker"),
        pytest.param({"side": "SELL_SHORT_EXEMPT"}, "side", "SELL_SHORT_EXEMPT", id="side"),
        pytest.param({"order_tif": "GTD"}, "tif", "GTD", id="tif"),
        pytest.param({"order_type": "TRAIL"}, "order_type", "TRAIL", id="order-type"),
        pytest.param({"instrument": "BOND"}, "instrument", "BOND", id="instrument"),
    ],
)
def test_unknown_enum_values_survive_as_text(
    overrides: dict[str, str], field: str, expected: str
) -> None:
    """A value the contract does not list stays readable instead of failing the call."""
    order = parse.order(order_json(**overrides))
    value = getattr(order, field)
    assert value == expected
    assert type(value) is str


def test_known_enum_values_become_members() -> None:
    """Listed values parse to the SDK's enum members."""
    order = parse.order(order_json())
    assert order.status is OrderStatus.WORKING
    assert order.broker is Broker.ALPACA
    assert order.side is OrderSide.BUY
    assert order.instrument is Instrument.STK


def test_unknown_status_is_not_done() -> None:
    """An order in a status this release does not know counts as still open."""
    assert not parse.order(order_json(status="held_for_review")).is_done


def test_client_survives_an_unknown_status_end_to_end() -> None:
    """orders.get returns an order whose status the SDK has never heard of."""
    api = FakeApi()
    api.orders["ord_9"] = order_json(order_id="ord_9", status="held_for_review")
    with api.client() as client:
        assert client.orders.get(ACCOUNT, "ord_9").status == "held_for_review"


def test_null_pl_fields_are_none() -> None:
    """Nullable P&L fields that a broker leaves out parse to None."""
    position = parse.position(position_json(unrealized_pl=None, daily_pl=None, last_price=None))
    assert (position.unrealized_pl, position.daily_pl, position.last_price) == (None, None, None)


@pytest.mark.parametrize(
    ("parser", "body"),
    [
        pytest.param(parse.position, position_json(version="17"), id="position"),
        pytest.param(parse.balance, balance_json(version="17"), id="balance"),
    ],
)
def test_position_and_balance_versions_parse_to_int(
    parser: Callable[[object], Position | Balance], body: object
) -> None:
    """A position's or balance's version string becomes the int the live view compares."""
    assert parser(body).version == 17


@pytest.mark.parametrize(
    ("parser", "body", "problem"),
    [
        pytest.param(
            parse.position,
            {k: v for k, v in position_json().items() if k != "version"},
            "missing",
            id="position-without-version",
        ),
        pytest.param(parse.position, position_json(version="-1"), "whole", id="position-negative"),
        pytest.param(
            parse.balance,
            {k: v for k, v in balance_json().items() if k != "version"},
            "missing",
            id="balance-without-version",
        ),
        pytest.param(parse.balance, balance_json(version="1.5"), "whole", id="balance-fraction"),
    ],
)
def test_a_bad_position_or_balance_version_raises_a_typed_error(
    parser: Callable[[object], Position | Balance], body: object, problem: str
) -> None:
    """A position or balance without a whole-number version raises UnexpectedResponseError
    naming the version field."""
    with pytest.raises(UnexpectedResponseError, match=f"version.*{problem}|{problem}.*version"):
        parser(body)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param(
            {k: v for k, v in order_json().items() if k != "status"}, "missing", id="gone"
        ),
        pytest.param(order_json(order_qty="ten"), "decimal", id="not-a-number"),
        pytest.param(order_json(order_qty="NaN"), "finite", id="nan"),
        pytest.param(order_json(created_at="yesterday"), "date-time", id="bad-time"),
        pytest.param(order_json(version="v3"), "whole number", id="bad-version"),
        pytest.param(order_json(fills={}), "array", id="fills-not-array"),
        pytest.param([], "object", id="not-an-object"),
    ],
)
def test_malformed_answers_raise_a_typed_error(body: object, problem: str) -> None:
    """A 2xx answer that breaks the contract raises UnexpectedResponseError naming the field."""
    with pytest.raises(UnexpectedResponseError, match=problem):
        parse.order(body)


def test_malformed_answer_message_never_shows_the_value() -> None:
    """The error for a bad secret field names the field, not the value that was sent."""
    with pytest.raises(UnexpectedResponseError) as info:
        parse.user_credentials({"user_id": "u", "user_secret": 12345678, "created_at": "x"})
    assert "12345678" not in str(info.value)


@pytest.mark.parametrize(
    ("parser", "body", "attribute"),
    [
        pytest.param(
            parse.user_credentials,
            {"user_id": "u", "user_secret": USER_SECRET, "created_at": "2026-11-20T15:04:05Z"},
            "user_secret",
            id="user-secret",
        ),
        pytest.param(
            parse.market_data_token,
            {"connection_id": "c", "token": USER_SECRET, "expires_at": "2026-11-20T15:04:05Z"},
            "token",
            id="market-data-token",
        ),
        pytest.param(
            parse.agent_token,
            {
                "access_token": USER_SECRET,
                "token_type": "Bearer",
                "expires_at": "2026-11-20T15:04:05Z",
                "expires_in": "3600",
                "scopes": ["read"],
            },
            "access_token",
            id="agent-token",
        ),
    ],
)
def test_secrets_in_results_are_wrapped(parser: object, body: object, attribute: str) -> None:
    """Secrets handed out by the API arrive as Secret values that do not print."""
    assert callable(parser)
    result = parser(body)
    secret = getattr(result, attribute)
    assert isinstance(secret, Secret)
    assert secret.reveal() == USER_SECRET
    assert USER_SECRET not in repr(result)


def test_results_are_frozen() -> None:
    """Results cannot be changed after parsing."""
    order = parse.order(order_json())
    with pytest.raises(AttributeError):
        order.status = OrderStatus.FILLED  # type: ignore[misc]


def test_non_json_success_is_a_typed_error() -> None:
    """A 2xx answer that is not JSON raises UnexpectedResponseError, not a decode error."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>maintenance</html>")

    api = FakeApi()
    with (
        api.client(http_client=httpx.Client(transport=httpx.MockTransport(handler))) as client,
        pytest.raises(UnexpectedResponseError),
    ):
        client.accounts.list()
