"""``connecttrade-agent``: the human's commands for a guarded agent.

```text
connecttrade-agent approvals list            [--state-dir DIR]
connecttrade-agent approvals approve ID      [--note TEXT]
connecttrade-agent approvals reject ID       [--note TEXT]
connecttrade-agent halt status
connecttrade-agent halt reset                [--note TEXT]
connecttrade-agent halt now REASON
connecttrade-agent audit verify PATH
connecttrade-agent report --audit-log PATH --day DATE --out DIR   (see report --help)
connecttrade-agent mcp --policy PATH --level LEVEL ...             (needs connecttrade[mcp])
```

The state directory defaults to ``$CONNECTTRADE_AGENT_STATE_DIR``; the audit log to the
one the guard recorded there (``--audit-log`` overrides). The human's name defaults to
``$USER`` (``--human`` overrides). Exit status: 0 on success, 1 when the audit log does
not verify or an action is refused, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from connecttrade.agent.audit import verify_audit_log
from connecttrade.agent.guard.supervision import Supervisor, SupervisorError
from connecttrade.agent.report.command import run_report_command

__all__ = ["main"]

_STATE_ENV = "CONNECTTRADE_AGENT_STATE_DIR"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connecttrade-agent", description="Supervise a guarded trading agent."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--state-dir", default=os.environ.get(_STATE_ENV))
    common.add_argument("--audit-log", default=None)
    common.add_argument("--human", default=None, help="your name in the audit log")
    groups = parser.add_subparsers(dest="group", required=True)

    approvals = groups.add_parser("approvals", help="orders waiting for a human decision")
    approval_cmds = approvals.add_subparsers(dest="command", required=True)
    approval_cmds.add_parser("list", parents=[common], help="list pending orders")
    for name in ("approve", "reject"):
        sub = approval_cmds.add_parser(name, parents=[common], help=f"{name} a pending order")
        sub.add_argument("confirmation_id")
        sub.add_argument("--note", default=None)

    halt = groups.add_parser("halt", help="the execution halt switch")
    halt_cmds = halt.add_subparsers(dest="command", required=True)
    halt_cmds.add_parser("status", parents=[common], help="is execution halted?")
    reset = halt_cmds.add_parser("reset", parents=[common], help="resume execution")
    reset.add_argument("--note", default=None)
    now = halt_cmds.add_parser("now", parents=[common], help="halt execution immediately")
    now.add_argument("reason")

    audit = groups.add_parser("audit", help="the audit log")
    audit_cmds = audit.add_subparsers(dest="command", required=True)
    verify = audit_cmds.add_parser("verify", help="check the hash chain")
    verify.add_argument("path")

    # Listed for --help; their own parsers take the arguments (see main).
    groups.add_parser("report", help="write a day's activity report (Markdown and HTML)")
    groups.add_parser("mcp", help="serve the guarded tools over MCP on stdio")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command; return the exit status."""
    stdout = out or sys.stdout
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["report"]:
        return run_report_command(arguments[1:])
    if arguments[:1] == ["mcp"]:
        # Imported here: the MCP server needs the optional `mcp` extra.
        from connecttrade.agent import mcp_server  # noqa: PLC0415

        return mcp_server.main(arguments[1:])
    try:
        args = _parser().parse_args(arguments)
    except SystemExit as exc:
        return int(exc.code or 0) if isinstance(exc.code, int) else 2
    if args.group == "audit":
        result = verify_audit_log(args.path)
        print(result, file=stdout)
        return 0 if result.ok else 1
    if not args.state_dir:
        print(f"error: give --state-dir or set {_STATE_ENV}", file=stdout)
        return 2
    try:
        desk = Supervisor(args.state_dir, audit_log=args.audit_log, human=args.human)
        return _run(desk, args, stdout)
    except SupervisorError as exc:
        print(f"error: {exc}", file=stdout)
        return 1


def _run(desk: Supervisor, args: argparse.Namespace, stdout: TextIO) -> int:
    if args.group == "approvals":
        if args.command == "list":
            pending = desk.pending()
            if not pending:
                print("no orders are waiting for approval", file=stdout)
            for item in pending:
                print(
                    f"{item.confirmation_id}  {item.actor}  {item.account_id}  {item.symbol}  "
                    f"notional {item.estimated_notional}  until {item.expires_at.isoformat()}",
                    file=stdout,
                )
                for line in item.summary.splitlines():
                    print(f"    {line}", file=stdout)
            return 0
        if args.command == "approve":
            desk.approve(args.confirmation_id, note=args.note)
        else:
            desk.reject(args.confirmation_id, note=args.note)
        print(f"{args.confirmation_id}: {args.command}d by {desk.human}", file=stdout)
        return 0
    if args.command == "status":
        status = desk.halt_status()
        print(status, file=stdout)
        return 0
    if args.command == "now":
        print(desk.halt(args.reason), file=stdout)
        return 0
    print(desk.reset_halt(note=args.note), file=stdout)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
