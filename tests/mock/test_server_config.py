"""The mock serves on what ``uvicorn[standard]`` serves with: the uvloop event loop and the
httptools HTTP parser (uvicorn's own protocol class unless the speedups are on), with
WebSockets through the websockets package."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from connecttrade_mock.app import create_app
from connecttrade_mock.cli import build_parser, settings_from
from connecttrade_mock.fast.http_protocol import TurnBatchingProtocol
from connecttrade_mock.simulator import Settings
from connecttrade_mock.testing import WS_MAX_SIZE, server_config


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not exist on Windows")
def test_the_server_runs_on_uvloop_and_httptools() -> None:
    """``server_config`` (used by ``serve``, MockServer and the benchmarks' bare ceiling)
    resolves to uvloop's event loop and httptools' HTTP protocol."""
    uvloop = pytest.importorskip("uvloop")
    config = server_config(create_app(), host="127.0.0.1", port=0)
    config.load()
    assert config.http_protocol_class is HttpToolsProtocol  # stock: no speedups by default
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
    options: dict[str, Any] = {} if log_level is None else {"log_level": log_level}
    config = server_config(create_app(), host="127.0.0.1", port=0, **options)
    assert config.access_log is access_log


def test_an_explicit_access_log_choice_is_kept() -> None:
    """A caller asking for the access log gets it whatever the level."""
    config = server_config(create_app(), log_level="warning", access_log=True)
    assert config.access_log is True


def test_the_speedups_setting_picks_the_turn_batching_protocol() -> None:
    """An app made with ``Settings(speedups=True)`` is served with the turn-batching
    protocol; an explicit ``speedups=`` argument overrides the app's setting."""
    fast_app = create_app(Settings(speedups=True))
    assert server_config(fast_app).http == TurnBatchingProtocol
    assert server_config(fast_app, speedups=False).http == "auto"
    assert server_config(create_app()).http == "auto"
    assert server_config(create_app(), speedups=True).http == TurnBatchingProtocol


def test_serve_runs_with_the_speedups_unless_told_not_to() -> None:
    """``connecttrade-mock serve`` turns the speedups on by default; ``--no-speedups``
    serves stock uvicorn; the testing helpers' default is off."""
    assert settings_from(build_parser().parse_args(["serve"])).speedups is True
    assert settings_from(build_parser().parse_args(["serve", "--no-speedups"])).speedups is False
    assert Settings().speedups is False
