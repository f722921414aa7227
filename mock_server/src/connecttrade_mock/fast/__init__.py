"""Code that exists only for speed; ``connecttrade_mock.speedups`` is the one switch
that uses it."""

from connecttrade_mock.fast.heap import (
    FULL_COLLECTION_SPACING,
    collect_old_rarely,
    freeze_startup_state,
    thaw,
)
from connecttrade_mock.fast.http_protocol import (
    UVICORN_INTERNALS,
    WRITE_AT_ONCE,
    Outbox,
    TurnBatchingProtocol,
    TurnWriter,
    missing_uvicorn_internals,
    protocol_or_stock,
)
from connecttrade_mock.fast.interning import (
    DECIMALS_KEPT,
    shared_decimal,
    shared_text,
)
from connecttrade_mock.fast.quick_json import (
    QUICK_DEPTH,
    UNSURE,
    quick_loads,
)

__all__ = [
    "DECIMALS_KEPT",
    "FULL_COLLECTION_SPACING",
    "QUICK_DEPTH",
    "UNSURE",
    "UVICORN_INTERNALS",
    "WRITE_AT_ONCE",
    "Outbox",
    "TurnBatchingProtocol",
    "TurnWriter",
    "collect_old_rarely",
    "freeze_startup_state",
    "missing_uvicorn_internals",
    "protocol_or_stock",
    "quick_loads",
    "shared_decimal",
    "shared_text",
    "thaw",
]
