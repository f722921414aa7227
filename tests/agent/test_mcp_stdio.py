"""The MCP server as its own process over stdio, as an agent framework starts it.

Credentials reach the server through its environment only; the policy allows any time of
day (the subprocess runs on the wall clock) and quotes come from a fixed test feed given
with ``--quotes``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client as McpClient
from mcp import StdioServerParameters

from connecttrade.agent import Level, verify_audit_log
from connecttrade.agent.mcp_server import TOOLS_BY_LEVEL
from connecttrade_mock.pytest_plugin import MockBrokerFixture

from .demo_clients import sdk_client

pytestmark = pytest.mark.anyio

SECRETS = ("demo-secret", "demo-user-secret")

POLICY = """\
accounts = ["acc_demo_margin"]
symbols = ["ZVZZT"]
max_quantity = 100
max_notional = "5000"
sessions = []
"""

QUOTES = """\
import datetime as dt
from decimal import Decimal

from connecttrade.agent import Quote


def make_source():
    def source(symbol):
        return Quote(symbol, Decimal("9.99"), Decimal("10.01"), Decimal("10.00"),
                     dt.datetime.now(dt.UTC))
    return source
"""


@pytest.fixture
def anyio_backend() -> str:
    """The MCP client runs on asyncio."""
    return "asyncio"


def server_env(mock: MockBrokerFixture, tmp_path: Path, *, credentials: bool) -> dict[str, str]:
    """The server process's environment: the mock's URL and, if asked, the demo tenant."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTTRADE_")}
    env["PYTHONPATH"] = str(tmp_path)
    env["CONNECTTRADE_BASE_URL"] = mock.base_url
    if credentials:
        c = mock.credentials
        env |= {
            "CONNECTTRADE_CLIENT_ID": c.client_id,
            "CONNECTTRADE_CLIENT_SECRET": c.client_secret,
            "CONNECTTRADE_USER_ID": c.user_id,
            "CONNECTTRADE_USER_SECRET": c.user_secret,
        }
    return env


def server_args(tmp_path: Path, level: str) -> list[str]:
    """``python -m connecttrade.agent.mcp_server`` arguments with a policy and test quotes."""
    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "fixed_quotes.py").write_text(QUOTES, encoding="utf-8")
    return [
        "-m",
        "connecttrade.agent.mcp_server",
        "--policy",
        str(tmp_path / "policy.toml"),
        "--level",
        level,
        "--state-dir",
        str(tmp_path / "state"),
        "--audit-log",
        str(tmp_path / "audit.jsonl"),
        "--actor",
        "stdio-agent",
        "--quotes",
        "fixed_quotes:make_source",
    ]


async def test_stdio_server_serves_guarded_tools_and_places_an_order(
    mock_broker: MockBrokerFixture, tmp_path: Path
) -> None:
    """Over stdio the execute-level server lists its tools, answers a read, and places an
    order on the mock through prepare and confirm; its audit log verifies and no answer
    carries a secret."""
    params = StdioServerParameters(
        command=sys.executable,
        args=server_args(tmp_path, "execute"),
        env=server_env(mock_broker, tmp_path, credentials=True),
    )
    seen: list[str] = []
    async with McpClient(params, read_timeout_seconds=60) as client:
        listing = await client.list_tools()
        positions = await client.call_tool("get_positions", {})
        staged = await client.call_tool(
            "prepare_order", {"symbol": "ZVZZT", "side": "BUY", "quantity": "3"}
        )
        assert not staged.is_error, staged.content
        confirmation_id = json.loads(staged.content[0].text)["confirmation_id"]  # type: ignore[union-attr]
        confirmed = await client.call_tool("confirm_order", {"confirmation_id": confirmation_id})
        seen += [r.model_dump_json() for r in (listing, positions, staged, confirmed)]
    assert sorted(tool.name for tool in listing.tools) == sorted(TOOLS_BY_LEVEL[Level.EXECUTE])
    assert not positions.is_error
    assert not confirmed.is_error, confirmed.content
    order_id = json.loads(confirmed.content[0].text)["order"]["order_id"]  # type: ignore[union-attr]
    with sdk_client(mock_broker) as sdk:
        assert sdk.orders.get("acc_demo_margin", order_id).status == "filled"
    audit = tmp_path / "audit.jsonl"
    assert verify_audit_log(audit).ok
    actions = [json.loads(line)["action"] for line in audit.read_text().splitlines()]
    assert actions == ["get_positions", "prepare_order", "confirm_order"]
    for secret in SECRETS:
        assert not any(secret in text for text in [*seen, audit.read_text()])


def test_stdio_server_without_credentials_exits_with_a_clear_message(
    mock_broker: MockBrokerFixture, tmp_path: Path
) -> None:
    """Started without credentials in its environment the server serves nothing, exits 2
    and names the variables to set."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *server_args(tmp_path, "read")],
        env=server_env(mock_broker, tmp_path, credentials=False),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "CONNECTTRADE_CLIENT_ID" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("policy", "message"),
    [("accounts = [", "not valid TOML"), ('accounts = ["a"]\n', "is required")],
    ids=["broken-toml", "missing-key"],
)
def test_stdio_server_refuses_a_bad_policy(
    mock_broker: MockBrokerFixture, tmp_path: Path, policy: str, message: str
) -> None:
    """A policy file that does not validate stops the server before it serves, with the
    policy's own error."""
    args = server_args(tmp_path, "read")
    (tmp_path / "policy.toml").write_text(policy, encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args],
        env=server_env(mock_broker, tmp_path, credentials=True),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert message in done.stderr
    for secret in SECRETS:
        assert secret not in done.stderr


def test_quote_factory_must_be_module_colon_name(tmp_path: Path) -> None:
    """``--quotes`` without ``MODULE:FACTORY`` form is a usage error, before any connection."""
    from connecttrade.agent.mcp_server import main

    (tmp_path / "policy.toml").write_text(POLICY, encoding="utf-8")
    status = main(
        [
            "--policy",
            str(tmp_path / "policy.toml"),
            "--level",
            "read",
            "--state-dir",
            str(tmp_path),
            "--quotes",
            "no_colon_here",
        ]
    )
    assert status == 2
