"""An MCP server over the guard: the agent gets tools for one level, and nothing else.

```text
python -m connecttrade.agent.mcp_server --policy policy.toml --level prepare \\
    --audit-log audit.jsonl --state-dir agent-state [--quotes mypkg.feeds:make_source]
```

Tools by level (each level has the tools of the levels below it):

- read: ``describe_policy``, ``list_accounts``, ``get_balances``, ``get_positions``,
  ``list_orders``, ``get_order``, ``get_quote``
- prepare: ``prepare_order`` (returns a confirmation id and a summary for a human)
- execute: ``confirm_order``, ``wait_for_approval`` (blocks until a human decides on an
  order ``confirm_order`` left ``pending_approval``; one audit entry per wait),
  ``cancel_order``

Every tool call goes through :class:`~connecttrade.agent.Guard`'s level object: the same
policy, two-step confirmation, approvals, halt switch and audit log as in-process use.
The server holds only that level object, so no tool can reach the client, the
credentials or a higher level. Broker credentials come from the server's environment
(``CONNECTTRADE_CLIENT_ID`` and friends), never from tool arguments. A refusal, a broker
error or bad arguments come back as a tool error (``isError``) with a message that names
the rule or the problem; the server keeps running. Money and quantities are exchanged as
decimal strings (integers are accepted; floats are refused as inexact).

The REST API has no quote endpoint: give ``--quotes module:factory``, a callable
returning a :data:`~connecttrade.agent.quotes.source.QuoteSource` (e.g. wired to the SDK's
market-data stream). Without one, ``get_quote`` and ``prepare_order`` are refused with
rule ``market_data``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import importlib
import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import Field

from connecttrade._exceptions import ConnectTradeError, MissingCredentialsError
from connecttrade.agent.guard._guard import Guard
from connecttrade.agent.guard.errors import ApprovalWaitTimeoutError, Refused
from connecttrade.agent.guard.levels import Level
from connecttrade.agent.guard.tools import ExecuteTools, PrepareTools, ReadTools
from connecttrade.agent.policy import Policy, PolicyError
from connecttrade.agent.quotes.source import QuoteSource
from connecttrade.rest.client import Client
from connecttrade.types.orders import InvalidOrder, OrderRequest, limit, market, stop, stop_limit
from connecttrade.types.secret import Secret

__all__ = ["TOOLS_BY_LEVEL", "create_server", "main", "to_json"]

_log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: The tools each level's server exposes.
TOOLS_BY_LEVEL: Final[dict[Level, tuple[str, ...]]] = {
    Level.READ: (
        "describe_policy",
        "list_accounts",
        "get_balances",
        "get_positions",
        "list_orders",
        "get_order",
        "get_quote",
    ),
}
TOOLS_BY_LEVEL[Level.PREPARE] = (*TOOLS_BY_LEVEL[Level.READ], "prepare_order")
TOOLS_BY_LEVEL[Level.EXECUTE] = (
    *TOOLS_BY_LEVEL[Level.PREPARE],
    "confirm_order",
    "wait_for_approval",
    "cancel_order",
)
# A tool call holds the agent's request open: keep one wait shorter than a client's patience.
_MAX_APPROVAL_WAIT_SECONDS = 600

_READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=True)
_STAGES = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
_CHANGES = ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=True)
# Waiting for a human reads the guard's own state, and writes its audit entry (and retires
# an approval whose window closed): not read-only, not destructive.
_WAITS = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)

# Exact numbers only: a decimal string ("12.50") or an integer; JSON floats are inexact.
ExactNumber = str | int
AccountArg = Annotated[str, Field(description="An account id from list_accounts")]
OptionalAccountArg = Annotated[
    str | None, Field(description="An account id from list_accounts; omit for all")
]


def to_json(value: object) -> Any:
    """A tool result as JSON: dataclasses as objects, Decimals and times as text.

    A :class:`~connecttrade.types.secret.Secret` anywhere becomes ``"[redacted]"``; a
    result's ``extra`` appears only when the answer held properties the SDK does not know.
    """
    if isinstance(value, Secret):
        return "[redacted]"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # A result's ``extra`` (answer properties the SDK does not know) only when it has any.
        return {
            f.name: to_json(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "extra" or getattr(value, f.name)
        }
    if isinstance(value, Mapping):  # a dict, or a result's read-only ``extra``
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _guarded(call: Callable[[], _T]) -> _T:
    """Run a guard call; turn every failure into a tool error the agent can read."""
    try:
        return call()
    except Refused as exc:
        raise ToolError(f"refused by {exc.rule}: {exc.reason}") from None
    except ApprovalWaitTimeoutError as exc:
        raise ToolError(f"approval_wait_timeout: {exc}; call wait_for_approval again") from None
    except (InvalidOrder, ValueError, TypeError) as exc:
        raise ToolError(f"invalid arguments: {exc}") from None
    except ConnectTradeError as exc:
        # SDK errors name the call and the broker's message, never credentials.
        raise ToolError(f"broker error ({type(exc).__name__}): {exc}") from None
    except Exception:
        _log.exception("tool call failed unexpectedly")
        raise ToolError("internal error in the trading server (see its log)") from None


def _order_request(
    *,
    symbol: str,
    side: str,
    order_type: str,
    quantity: ExactNumber | None,
    notional: ExactNumber | None,
    limit_price: ExactNumber | None,
    stop_price: ExactNumber | None,
    tif: str,
    instrument: str | None,
) -> OrderRequest:
    kind = order_type.strip().upper()
    if kind == "MKT":
        return market(
            symbol, quantity, side=side, notional=notional, tif=tif, instrument=instrument
        )
    if notional is not None:
        raise InvalidOrder("notional", "only market orders may be sized by notional")
    if quantity is None:
        raise InvalidOrder("quantity", "required for LMT, STP and STPLMT orders")
    if kind == "LMT":
        if limit_price is None:
            raise InvalidOrder("limit_price", "required for a LMT order")
        return limit(symbol, quantity, limit_price, side=side, tif=tif, instrument=instrument)
    if kind == "STP":
        if stop_price is None:
            raise InvalidOrder("stop_price", "required for a STP order")
        return stop(symbol, quantity, stop_price, side=side, tif=tif, instrument=instrument)
    if kind == "STPLMT":
        if stop_price is None or limit_price is None:
            raise InvalidOrder("stop_price", "stop_price and limit_price are required for STPLMT")
        return stop_limit(
            symbol,
            quantity,
            stop_price=stop_price,
            limit_price=limit_price,
            side=side,
            tif=tif,
            instrument=instrument,
        )
    raise InvalidOrder("order_type", f"{order_type!r} is not one of MKT, LMT, STP, STPLMT")


def _add_read_tools(server: MCPServer, tools: ReadTools) -> None:
    def describe_policy() -> dict[str, Any]:
        """The rules every call of this agent is checked against, one line each."""
        return {"rules": _guarded(tools.describe_policy), "level": tools.level.value}

    def list_accounts() -> dict[str, Any]:
        """The brokerage accounts this agent may use."""
        return {"accounts": to_json(_guarded(tools.list_accounts))}

    def get_balances(account_id: OptionalAccountArg = None) -> dict[str, Any]:
        """Cash, buying power and margin of one allowed account, or of all of them."""
        return {"balances": to_json(_guarded(lambda: tools.get_balances(account_id)))}

    def get_positions(account_id: OptionalAccountArg = None) -> dict[str, Any]:
        """Open positions of one allowed account, or of all of them."""
        return {"positions": to_json(_guarded(lambda: tools.get_positions(account_id)))}

    def list_orders(
        account_id: OptionalAccountArg = None,
        status: Annotated[
            str, Field(description="open, closed, all, or one order status")
        ] = "open",
    ) -> dict[str, Any]:
        """Today's orders of allowed accounts."""
        return {"orders": to_json(_guarded(lambda: tools.list_orders(account_id, status)))}

    def get_order(account_id: AccountArg, order_id: str) -> dict[str, Any]:
        """One order with its fills."""
        return {"order": to_json(_guarded(lambda: tools.get_order(account_id, order_id)))}

    def get_quote(
        symbol: Annotated[str, Field(description="An allowed symbol (options: OCC symbol)")],
    ) -> dict[str, Any]:
        """The current bid, ask and last price of an allowed symbol."""
        return {"quote": to_json(_guarded(lambda: tools.get_quote(symbol)))}

    for tool in (
        describe_policy,
        list_accounts,
        get_balances,
        get_positions,
        list_orders,
        get_order,
        get_quote,
    ):
        server.add_tool(tool, annotations=_READ_ONLY)


def _add_prepare_tools(server: MCPServer, tools: PrepareTools) -> None:
    def prepare_order(
        *,
        symbol: Annotated[str, Field(description="Ticker (e.g. AAPL) or OCC option symbol")],
        side: Annotated[
            str, Field(description="BUY, SELL, SELL_SHORT, BUY_TO_COVER, BUY_TO_OPEN, ...")
        ],
        order_type: Annotated[str, Field(description="MKT, LMT, STP or STPLMT")] = "MKT",
        quantity: Annotated[
            ExactNumber | None, Field(description="Shares or contracts, as a decimal string")
        ] = None,
        notional: Annotated[
            ExactNumber | None, Field(description="Cash amount instead of a quantity (MKT)")
        ] = None,
        limit_price: Annotated[ExactNumber | None, Field(description="For LMT, STPLMT")] = None,
        stop_price: Annotated[ExactNumber | None, Field(description="For STP, STPLMT")] = None,
        tif: Annotated[str, Field(description="Time in force: DAY, GTC, IOC, FOK, ...")] = "DAY",
        account_id: OptionalAccountArg = None,
        instrument: Annotated[
            str | None, Field(description="STK or OPT; inferred from the symbol if omitted")
        ] = None,
    ) -> dict[str, Any]:
        """Check an order against the policy and stage it. Nothing is sent: a human or an
        execute-level agent submits it with confirm_order(confirmation_id) before it
        expires. Returns the confirmation id and a summary of what would be sent, the
        estimated cost and the rules checked."""

        def stage() -> dict[str, Any]:
            order = _order_request(
                symbol=symbol,
                side=side,
                order_type=order_type,
                quantity=quantity,
                notional=notional,
                limit_price=limit_price,
                stop_price=stop_price,
                tif=tif,
                instrument=instrument,
            )
            staged = tools.prepare_order(order, account_id)
            return {
                "confirmation_id": staged.confirmation_id,
                "summary": staged.summary,
                "expires_at": to_json(staged.expires_at),
                "estimated_notional": to_json(staged.estimated_notional),
                "requires_approval": staged.requires_approval,
                "checks": [str(check) for check in staged.checks],
                "order": to_json(staged.order.to_wire()),
            }

        return _guarded(stage)

    server.add_tool(prepare_order, annotations=_STAGES)


def _add_execute_tools(server: MCPServer, tools: ExecuteTools) -> None:
    def confirm_order(
        confirmation_id: Annotated[str, Field(description="The id prepare_order returned")],
    ) -> dict[str, Any]:
        """Submit a staged order to the broker (once, before it expires). The status is
        "submitted" (see the order, which the broker may still have rejected) or
        "pending_approval" (a human must approve it: call wait_for_approval, then
        confirm_order again)."""
        result = _guarded(lambda: tools.confirm(confirmation_id))
        return {
            "confirmation_id": result.confirmation_id,
            "status": result.status,
            "message": result.message,
            "order": to_json(result.order),
        }

    def wait_for_approval(
        confirmation_id: Annotated[
            str, Field(description="The id confirm_order answered pending_approval for")
        ],
        timeout_seconds: Annotated[
            int,
            Field(
                ge=0,
                le=_MAX_APPROVAL_WAIT_SECONDS,
                description="How long to wait for the human's decision",
            ),
        ] = 60,
    ) -> dict[str, Any]:
        """Wait until a human approves or rejects an order that is pending approval. On
        approval call confirm_order again to send it. A rejection, an expired approval
        window or no decision within timeout_seconds is a tool error saying which."""
        approval = _guarded(lambda: tools.wait_for_approval(confirmation_id, timeout_seconds))
        return {
            "confirmation_id": approval.confirmation_id,
            "status": "approved",
            "approved_by": approval.approved_by,
            "note": approval.note,
            "confirm_before": to_json(approval.expires_at),
        }

    def cancel_order(account_id: AccountArg, order_id: str) -> dict[str, Any]:
        """Ask the broker to cancel an open order this agent placed."""
        return {"order": to_json(_guarded(lambda: tools.cancel_order(account_id, order_id)))}

    server.add_tool(confirm_order, annotations=_CHANGES)
    server.add_tool(wait_for_approval, annotations=_WAITS)
    server.add_tool(cancel_order, annotations=_CHANGES)


def create_server(guard: Guard, level: Level | str, *, name: str = "connecttrade") -> MCPServer:
    """An MCP server with the tools of ``level`` over ``guard`` (see the module docs).

    The server keeps only the guard's level object; the guard itself stays with the
    caller.
    """
    chosen = Level(level)
    tools = guard.tools(chosen)
    server: MCPServer = MCPServer(
        name=name,
        log_level="WARNING",
        instructions=(
            f"Brokerage tools at the {chosen.value} level. Every call is checked against a "
            "policy and written to an audit log. Orders take two steps: prepare_order "
            "returns a confirmation id and a summary; confirm_order submits it before it "
            "expires; when it answers pending_approval, wait_for_approval blocks until a "
            "human decides, then confirm_order again. Amounts are decimal strings."
        ),
    )
    _add_read_tools(server, tools)
    if isinstance(tools, PrepareTools):
        _add_prepare_tools(server, tools)
    if isinstance(tools, ExecuteTools):
        _add_execute_tools(server, tools)
    return server


# ---------------------------------------------------------------------- stdio entry point
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connecttrade-agent mcp",
        description="Serve guarded brokerage tools over MCP (stdio). Broker credentials "
        "are read from CONNECTTRADE_CLIENT_ID, CONNECTTRADE_CLIENT_SECRET, "
        "CONNECTTRADE_USER_ID, CONNECTTRADE_USER_SECRET and CONNECTTRADE_BASE_URL.",
    )
    parser.add_argument("--policy", required=True, type=Path, help="the policy TOML file")
    parser.add_argument(
        "--level", required=True, choices=[level.value for level in Level], help="tools to offer"
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=os.environ.get("CONNECTTRADE_AGENT_STATE_DIR"),
        help="the guard's state (default: $CONNECTTRADE_AGENT_STATE_DIR)",
    )
    parser.add_argument(
        "--audit-log", type=Path, help="the audit log (default: STATE_DIR/audit.jsonl)"
    )
    parser.add_argument("--actor", default="mcp-agent", help="the agent's name in the audit log")
    parser.add_argument(
        "--quotes", metavar="MODULE:FACTORY", help="a callable returning the quote source"
    )
    return parser


def _load_quotes(spec: str) -> QuoteSource:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"--quotes: {spec!r} is not MODULE:FACTORY")
    factory = getattr(importlib.import_module(module_name), attribute)
    source: QuoteSource = factory()
    if not callable(source):
        raise ValueError(f"--quotes: {spec} did not return a callable quote source")
    return source


def main(argv: Sequence[str] | None = None) -> int:
    """Serve MCP over stdin/stdout until the client disconnects; return the exit status.

    Status 2 (with a message on stderr) when the arguments, the policy or the
    credentials are missing or invalid; nothing is served then.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.state_dir is None:
            raise ValueError("give --state-dir or set CONNECTTRADE_AGENT_STATE_DIR")
        policy = Policy.from_toml(args.policy)
        quotes = _load_quotes(args.quotes) if args.quotes else None
        client = Client()
    except (PolicyError, ValueError, OSError, ImportError, AttributeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MissingCredentialsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with client:
        guard = Guard(
            client,
            policy,
            audit_log=args.audit_log or Path(args.state_dir) / "audit.jsonl",
            state_dir=args.state_dir,
            actor=args.actor,
            quotes=quotes,
        )
        create_server(guard, args.level).run("stdio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
