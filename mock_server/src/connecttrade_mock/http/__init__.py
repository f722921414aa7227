"""The REST API over HTTP: the request pipeline, its operations, answers and the connect pages."""

from connecttrade_mock.http.answers import (
    CACHED_READS,
    AnswerCache,
    Stamp,
)
from connecttrade_mock.http.connect_page import (
    connect_routes,
)
from connecttrade_mock.http.faults import (
    Faults,
)
from connecttrade_mock.http.mock_broker import (
    MockBroker,
)
from connecttrade_mock.http.operations import (
    OPERATIONS,
    Call,
    Handler,
)
from connecttrade_mock.http.pagination import (
    CURSOR_PATTERN,
    CursorError,
    Page,
    cursor_at,
    paginate,
)
from connecttrade_mock.http.ratelimit import (
    RateLimiter,
)

__all__ = [
    "CACHED_READS",
    "CURSOR_PATTERN",
    "OPERATIONS",
    "AnswerCache",
    "Call",
    "CursorError",
    "Faults",
    "Handler",
    "MockBroker",
    "Page",
    "RateLimiter",
    "Stamp",
    "connect_routes",
    "cursor_at",
    "paginate",
]
