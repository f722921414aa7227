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
    assert config.http_protocol_class is not None
    assert issubclass(config.http_protocol_class, HttpToolsProtocol)
    assert config.ws == "websockets-sansio"
    assert config.ws_max_size == WS_MAX_SIZE
    factory = config.get_loop_factory()
    assert factory is not None
    loop = factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


@pytest.mark.parametrize(
    ("log_level", "access_log"),
    [(None, True), ("info", True), ("DEBUG", True), (20, True), ("warning", False), (30, False)],
    ids=["unset", "info", "debug-upper", "info-number", "warning", "warning-number"],
)
def test_the_access_log_is_on_only_where_its_lines_would_show(
    log_level: str | int | None, access_log: bool
) -> None:
    """At a level above INFO the server skips access lines it would work out for nothing."""
    options = {} if log_level is None else {"log_level": log_level}
    config = server_config(create_app(), host="127.0.0.1", port=0, **options)
    assert config.access_log is access_log


def test_an_explicit_access_log_choice_is_kept() -> None:
    """A caller asking for the access log gets it whatever the level."""
    config = server_config(create_app(), log_level="warning", access_log=True)
    assert config.access_log is True
