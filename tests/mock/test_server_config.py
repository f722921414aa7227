"""The mock serves on what ``uvicorn[standard]`` serves with: the uvloop event loop and the
httptools HTTP parser, with WebSockets through the websockets package."""

from __future__ import annotations

import sys

import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from connecttrade_mock.app import create_app
from connecttrade_mock.testing import WS_MAX_SIZE, server_config


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not exist on Windows")
def test_the_server_runs_on_uvloop_and_httptools() -> None:
    """``server_config`` (used by ``serve``, MockServer and the benchmarks' bare ceiling)
    resolves to uvloop's event loop and httptools' HTTP protocol."""
    uvloop = pytest.importorskip("uvloop")
    config = server_config(create_app(), host="127.0.0.1", port=0)
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol
    assert config.ws == "websockets-sansio"
    assert config.ws_max_size == WS_MAX_SIZE
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
