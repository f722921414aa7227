"""How uvicorn serves the mock: one configuration for ``connecttrade-mock serve``,
``MockServer`` and the benchmarks, stock uvicorn unless the speedups are on."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from connecttrade_mock import speedups as speedup_switch

__all__ = ["WS_MAX_SIZE", "server_config"]

WS_MAX_SIZE = 1024 * 1024
"""The largest client WebSocket frame the server reads (larger: closed with 1009)."""


def server_config(app: Any, *, speedups: bool | None = None, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration for the mock: the uvloop event loop (uvicorn's ``auto``
    choice; the package depends on it where it exists, as ``uvicorn[standard]`` does),
    uvicorn's own HTTP protocol (``auto``: httptools where installed, else h11) or, with
    ``speedups`` (default: the app's ``Settings.speedups``), the httptools protocol sending
    what each turn of the loop wrote at its end, one write per connection
    (``fast/http_protocol.py``), WebSockets through the ``websockets`` package (its sans-I/O
    implementation) with a 1 MiB frame limit. The access log is off when the log level
    would hide it anyway: uvicorn works out each line before asking the logger."""
    if speedups is None:
        speedups = _speedups_of(app)
    options.setdefault("access_log", _shows_info(options.get("log_level")))
    return uvicorn.Config(
        app,
        loop="auto",
        http=speedup_switch.http_protocol_class() if speedups else "auto",
        ws="websockets-sansio",
        ws_max_size=WS_MAX_SIZE,
        **options,
    )


def _speedups_of(app: Any) -> bool:
    """Whether the mock ``app`` serves runs with the speedups (False for any other app)."""
    broker = getattr(getattr(app, "state", None), "broker", None)
    return bool(getattr(getattr(broker, "settings", None), "speedups", False))


def _shows_info(level: object) -> bool:
    """Whether uvicorn's ``log_level`` (a name, a number, or unset) lets INFO lines out."""
    if level is None:
        return True
    if isinstance(level, int):
        return level <= logging.INFO
    return str(level).lower() in ("trace", "debug", "info")
