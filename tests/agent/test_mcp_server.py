"""The MCP server, driven by an MCP client in-process: tools per level, guarded calls,
tool errors instead of crashes, and no secret in any answer.

The guard comes from the agent tests' ``make_env`` (mock broker, fake guard clock at
10:00 New York, quotes from the mock's market).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
from mcp import Client as McpClient

from connecttrade.agent import Level, verify_audit_log
from connecttrade.agent.mcp_server import TOOLS_BY_LEVEL, create_server

from .guard_env import CASH, MARGIN, SECRETS, MakeEnv, policy_for_tests

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    """The MCP client and server run on asyncio."""
    return "asyncio"


class Session:
    """An MCP client session that keeps every text it received, to search for secrets."""

    def __init__(self, client: McpClient) -> None:
        self.client = client
        self.seen: list[str] = []

    async def tool_names(self) -> list[str]:
        listing = await self.client.list_tools()
        self.seen.append(listing.model_dump_json())
        return [tool.name for tool in listing.tools]

    async def call(self, name: str, arguments: dict[str, Any] | None = None) -> tuple[bool, Any]:
        """``(is_error, answer)``: the parsed JSON answer, or the error text."""
        result = await self.client.call_tool(name, arguments or {})
        self.seen.append(result.model_dump_json())
        text = "".join(getattr(block, "text", "") for block in result.content)
        return bool(result.is_error), text if result.is_error else json.loads(text)


@asynccontextmanager
async def session(make_env: MakeEnv, level: str, **env_kwargs: Any) -> AsyncIterator[Session]:
    """A connected client of a fresh server at ``level`` over a guard on the mock."""
    env = make_env(**env_kwargs)
    async with McpClient(create_server(env.guard, level)) as client:
        yield Session(client)


@pytest.mark.parametrize("level", list(Level), ids=[level.value for level in Level])
async def test_each_level_lists_exactly_its_tools(make_env: MakeEnv, level: Level) -> None:
    """A server lists the tools of its level and of the levels below, and no others."""
    async with session(make_env, level.value) as mcp:
        names = await mcp.tool_names()
    assert sorted(names) == sorted(TOOLS_BY_LEVEL[level])
    if level is not Level.EXECUTE:
        assert "confirm_order" not in names
        assert "cancel_order" not in names
    if level is Level.READ:
        assert "prepare_order" not in names


async def test_read_call_returns_allowlisted_data_as_exact_text(make_env: MakeEnv) -> None:
    """get_balances answers for the allowlisted account only, money as decimal strings."""
    async with session(make_env, "read") as mcp:
        is_error, answer = await mcp.call("get_balances")
        refused, message = await mcp.call("get_balances", {"account_id": CASH})
    assert not is_error
    [balance] = answer["balances"]
    assert balance["account_id"] == MARGIN
    assert isinstance(balance["buying_power"], str)
    assert refused
    assert "refused by account_allowlist" in message


async def test_prepare_then_confirm_places_the_order_on_the_mock(make_env: MakeEnv) -> None:
    """prepare_order stages an order and returns a confirmation id and summary; confirm_order
    submits it: the mock fills it, and both calls are in a verifying audit log."""
    env = make_env()
    async with McpClient(create_server(env.guard, "execute")) as client:
        mcp = Session(client)
        failed, staged = await mcp.call(
            "prepare_order", {"symbol": "ZVZZT", "side": "BUY", "quantity": "5"}
        )
        assert not failed, staged
        assert staged["confirmation_id"].startswith("cf_")
        assert "ZVZZT" in staged["summary"]
        assert any("symbol_allowlist" in check for check in staged["checks"])
        assert list(env.client.orders.list(MARGIN, status="all")) == []
        failed, confirmed = await mcp.call(
            "confirm_order", {"confirmation_id": staged["confirmation_id"]}
        )
    assert not failed, confirmed
    assert confirmed["status"] == "submitted"
    order = env.client.orders.get(MARGIN, confirmed["order"]["order_id"])
    assert order.status == "filled"
    assert order.qty == 5
    entries = [json.loads(line) for line in env.audit_text().splitlines()]
    assert [(e["action"], e["decision"]) for e in entries] == [
        ("prepare_order", "allowed"),
        ("confirm_order", "allowed"),
    ]
    assert verify_audit_log(env.audit_path).ok


@pytest.mark.parametrize(
    ("arguments", "rule"),
    [
        ({"symbol": "TSLA", "side": "BUY", "quantity": "1"}, "symbol_allowlist"),
        ({"symbol": "ZVZZT", "side": "BUY", "quantity": "101"}, "max_quantity"),
        ({"symbol": "ZVZZT", "side": "BUY", "quantity": "1", "account_id": CASH}, "account"),
    ],
    ids=["symbol", "quantity", "account"],
)
async def test_refused_prepare_is_a_tool_error_and_is_audited(
    make_env: MakeEnv, arguments: dict[str, Any], rule: str
) -> None:
    """An order the policy forbids comes back as a tool error naming the rule, and the
    refusal is in the audit log."""
    env = make_env()
    async with McpClient(create_server(env.guard, "prepare")) as client:
        is_error, message = await Session(client).call("prepare_order", arguments)
    assert is_error
    assert f"refused by {rule}" in message
    [entry] = [json.loads(line) for line in env.audit_text().splitlines()]
    assert entry["decision"] == "refused"
    assert entry["rule"].startswith(rule)


async def test_replayed_confirmation_is_refused(make_env: MakeEnv) -> None:
    """A confirmation id works once; confirming it again is refused and places nothing."""
    env = make_env()
    async with McpClient(create_server(env.guard, "execute")) as client:
        mcp = Session(client)
        _, staged = await mcp.call(
            "prepare_order", {"symbol": "ZVZZT", "side": "BUY", "quantity": "2"}
        )
        await mcp.call("confirm_order", {"confirmation_id": staged["confirmation_id"]})
        is_error, message = await mcp.call(
            "confirm_order", {"confirmation_id": staged["confirmation_id"]}
        )
    assert is_error
    assert "refused by confirmation_used" in message
    assert len(list(env.client.orders.list(MARGIN, status="all"))) == 1


async def test_wait_for_approval_tool_waits_for_the_human_then_confirm_sends(
    make_env: MakeEnv,
) -> None:
    """confirm_order answers pending_approval; wait_for_approval is a tool error naming the
    timeout while nobody decides, returns the approval once a human gives it (during the
    wait), names a rejection, and refuses a wait longer than the server allows."""
    env = make_env(policy_for_tests(approval_threshold=Decimal(500)))
    sleeper = env.sleep
    desk = env.guard.supervisor("alice")
    big = {"symbol": "ZVZZT", "side": "BUY", "order_type": "LMT", "quantity": "60"}
    async with McpClient(create_server(env.guard, "execute")) as client:
        mcp = Session(client)
        _, first = await mcp.call("prepare_order", {**big, "limit_price": "10"})
        _, second = await mcp.call("prepare_order", {**big, "limit_price": "10.01"})
        for staged in (first, second):
            _, answer = await mcp.call(
                "confirm_order", {"confirmation_id": staged["confirmation_id"]}
            )
            assert answer["status"] == "pending_approval"
        undecided = await mcp.call(
            "wait_for_approval",
            {"confirmation_id": first["confirmation_id"], "timeout_seconds": 0},
        )
        sleeper.at = 2
        sleeper.between = lambda: desk.approve(first["confirmation_id"], note="ok")
        approved = await mcp.call(
            "wait_for_approval", {"confirmation_id": first["confirmation_id"]}
        )
        sent = await mcp.call("confirm_order", {"confirmation_id": first["confirmation_id"]})
        desk.reject(second["confirmation_id"], note="one is enough")
        rejected = await mcp.call(
            "wait_for_approval", {"confirmation_id": second["confirmation_id"]}
        )
        too_long = await mcp.call(
            "wait_for_approval",
            {"confirmation_id": second["confirmation_id"], "timeout_seconds": 3600},
        )
    assert undecided[0]
    assert "approval_wait_timeout" in undecided[1]
    confirm_before = dt.datetime.fromisoformat(approved[1].pop("confirm_before"))
    assert confirm_before > env.clock()  # the window to confirm in is still open
    assert approved == (
        False,
        {
            "confirmation_id": first["confirmation_id"],
            "status": "approved",
            "approved_by": "alice",
            "note": "ok",
        },
    )
    assert sent[1]["status"] == "submitted"
    assert rejected[0]
    assert "refused by approval_rejected: alice rejected" in rejected[1]
    assert too_long[0]
    assert "timeout_seconds" in too_long[1]
    waits = [json.loads(line) for line in env.audit_text().splitlines()]
    assert [e["decision"] for e in waits if e["action"] == "wait_for_approval"] == [
        "pending_approval",
        "allowed",
        "refused",
    ]


@pytest.mark.parametrize("level", ["read", "prepare"])
async def test_execute_tools_cannot_be_called_below_execute(make_env: MakeEnv, level: str) -> None:
    """At read or prepare level confirm_order and cancel_order do not exist: calling them
    is an unknown-tool error and nothing reaches the broker or the guard."""
    env = make_env()
    async with McpClient(create_server(env.guard, level)) as client:
        mcp = Session(client)
        confirm = await mcp.call("confirm_order", {"confirmation_id": "cf_x"})
        cancel = await mcp.call("cancel_order", {"account_id": MARGIN, "order_id": "ord_x"})
    for is_error, message in (confirm, cancel):
        assert is_error
        assert "Unknown tool" in message
    assert not env.audit_path.exists()


async def test_bad_calls_are_tool_errors_and_the_server_keeps_serving(make_env: MakeEnv) -> None:
    """Inexact (float) or missing arguments, an invalid order, a missing quote and a broker
    failure each come back as a tool error; the next call still works."""
    env = make_env(quotes=False)
    async with McpClient(create_server(env.guard, "execute")) as client:
        mcp = Session(client)
        floats = await mcp.call(
            "prepare_order", {"symbol": "ZVZZT", "side": "BUY", "quantity": 1.5}
        )
        missing = await mcp.call("get_order", {"account_id": MARGIN})
        invalid = await mcp.call(
            "prepare_order",
            {"symbol": "ZVZZT", "side": "BUY", "order_type": "LMT", "quantity": "1"},
        )
        no_quote = await mcp.call(
            "prepare_order", {"symbol": "ZVZZT", "side": "BUY", "quantity": "1"}
        )
        env.mock.control.faults(fail_next=1, error_status=500)
        broker = await mcp.call("get_positions")
        after = await mcp.call("get_positions")
    assert floats[0]
    assert "quantity" in floats[1]
    assert missing[0]
    assert "order_id" in missing[1]
    assert invalid[0]
    assert "limit_price" in invalid[1]
    assert no_quote[0]
    assert "refused by market_data" in no_quote[1]
    assert broker[0]
    assert "broker error (InternalServerError)" in broker[1]
    assert after == (False, {"positions": []})


async def test_no_secret_appears_in_any_tool_output(make_env: MakeEnv) -> None:
    """Across listings, reads, a staged and a confirmed order, refusals and errors, no tool
    output and no audit line contains the client or user secret."""
    env = make_env()
    async with McpClient(create_server(env.guard, "execute")) as client:
        mcp = Session(client)
        await mcp.tool_names()
        for name in ("describe_policy", "list_accounts", "get_balances", "get_positions"):
            await mcp.call(name)
        await mcp.call("list_orders", {"status": "all"})
        await mcp.call("get_quote", {"symbol": "ZVZZT"})
        _, staged = await mcp.call(
            "prepare_order", {"symbol": "ZXZZT", "side": "BUY", "quantity": "1"}
        )
        _, confirmed = await mcp.call(
            "confirm_order", {"confirmation_id": staged["confirmation_id"]}
        )
        await mcp.call(
            "get_order", {"account_id": MARGIN, "order_id": confirmed["order"]["order_id"]}
        )
        await mcp.call("cancel_order", {"account_id": MARGIN, "order_id": "ord_unknown"})
        env.mock.control.faults(fail_next=1, error_status=503)
        await mcp.call("get_balances")
    assert confirmed["order"]["status"] == "rejected"
    texts = [*mcp.seen, env.audit_text()]
    assert len(mcp.seen) == 12
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret
