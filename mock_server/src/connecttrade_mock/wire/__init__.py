"""Records to the contract's JSON shapes, and the JSON encoder of answers."""

from connecttrade_mock.wire.encoding import (
    Rendered,
    dumps,
    plain,
    tight,
)
from connecttrade_mock.wire.records import (
    account_json,
    balance_json,
    connection_json,
    decimal_text,
    order_json,
    position_json,
    rendered_order,
    rendered_position,
    time_text,
    transaction_json,
    user_json,
)

__all__ = [
    "Rendered",
    "account_json",
    "balance_json",
    "connection_json",
    "decimal_text",
    "dumps",
    "order_json",
    "plain",
    "position_json",
    "rendered_order",
    "rendered_position",
    "tight",
    "time_text",
    "transaction_json",
    "user_json",
]
