"""What ``fast/http_protocol.py`` relies on in uvicorn is there: this fails the day a
uvicorn release changes it (the server then falls back to stock uvicorn, with a warning)."""

from __future__ import annotations

import asyncio
import inspect
import logging

import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from connecttrade_mock.fast import http_protocol
from connecttrade_mock.fast.http_protocol import (
    UVICORN_INTERNALS,
    TurnBatchingProtocol,
    TurnWriter,
    missing_uvicorn_internals,
    protocol_or_stock,
)


class _Transport(asyncio.Transport):
    """Just enough of a socket transport for a protocol to be made and connected."""

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 1), "sockname": ("127.0.0.1", 2)}.get(name, default)

    def is_closing(self) -> bool:
        return False


def test_the_overridden_methods_exist_with_their_parameters() -> None:
    """uvicorn's HttpToolsProtocol has each method the fast protocol overrides, taking the
    parameters it passes on."""
    for name, parameters in UVICORN_INTERNALS.items():
        method = getattr(HttpToolsProtocol, name)
        assert tuple(inspect.signature(method).parameters) == parameters, name
    assert missing_uvicorn_internals() == []
    assert protocol_or_stock() is TurnBatchingProtocol


def test_a_connected_protocol_keeps_loop_and_transport() -> None:
    """uvicorn's protocol keeps the event loop as ``loop`` and its transport as
    ``transport``: the attributes the fast protocol reads and replaces."""
    config = uvicorn.Config(app=lambda scope, receive, send: None, http="httptools")
    config.load()
    loop = asyncio.new_event_loop()
    try:
        stock = HttpToolsProtocol(
            config=config, server_state=ServerState(), app_state={}, _loop=loop
        )
        transport = _Transport()
        stock.connection_made(transport)
        assert stock.loop is loop
        assert stock.transport is transport
        fast = TurnBatchingProtocol(
            config=config, server_state=ServerState(), app_state={}, _loop=loop
        )
        fast.connection_made(transport)
        writer: object = fast.transport  # typed by uvicorn as the transport it was given
        assert isinstance(writer, TurnWriter)
        assert writer.transport is transport
    finally:
        loop.close()


def test_a_changed_uvicorn_means_stock_uvicorn_and_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Were a method gone or its parameters changed, the server would get uvicorn's own
    protocol (``auto``), and the log would say so once."""
    monkeypatch.setattr(
        http_protocol, "UVICORN_INTERNALS", {"connection_made": ("self", "transport", "extra")}
    )
    monkeypatch.setattr(http_protocol, "_warned", False)
    with caplog.at_level(logging.WARNING, logger="connecttrade_mock"):
        assert protocol_or_stock() == "auto"
        assert protocol_or_stock() == "auto"
    warnings = [r for r in caplog.records if "uvicorn changed" in r.getMessage()]
    assert len(warnings) == 1
