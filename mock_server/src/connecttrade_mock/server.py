"""How uvicorn serves the mock: one configuration for ``connecttrade-mock serve``,
``MockServer`` and the benchmarks."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from connecttrade_mock.fast.http_protocol import TurnBatchingProtocol

__all__ = ["WS_MAX_SIZE", "server_config"]

WS_MAX_SIZE = 1024 * 1024
"""The largest client WebSocket frame the server reads (larger: closed with 1009)."""


def server_config(app: Any, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the mock: the uvloop event loop (uvicorn's ``auto``
    choice; the package depends on it where it exists, as ``uvicorn[standard]`` does), the
    httptools HTTP parser sending what each turn of the loop wrote at its end, one write per
    connection (``http_protocol.TurnBatchingProtocol``), WebSockets through the ``websockets``
    package (its sans-I/O implementation) with a 1 MiB frame limit. The access log is off
    when the log level would hide it anyway: uvicorn works out each line before asking the
    logger."""
    options.setdefault("access_log", _shows_info(options.get("log_level")))
    return uvicorn.Config(
        app,
        loop="auto",
        http=TurnBatchingProtocol,
        ws="websockets-sansio",
        ws_max_size=WS_MAX_SIZE,
        **options,
    )


def _shows_info(level: object) -> bool:
    """Whether uvicorn's ``log_level`` (a name, a number, or unset) lets INFO lines out."""
    if level is None:
        return True
    if isinstance(level, int):
        return level <= logging.INFO
    return str(level).lower() in ("trace", "debug", "info")
