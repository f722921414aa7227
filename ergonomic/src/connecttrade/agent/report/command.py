"""``connecttrade-agent report``: write a day's report.md and report.html.

```text
connecttrade-agent report --audit-log audit.jsonl --day 2026-03-02 \\
    --tz America/New_York --out reports/2026-03-02
```

Broker credentials come from the environment (``CONNECTTRADE_CLIENT_ID``,
``CONNECTTRADE_CLIENT_SECRET``, ``CONNECTTRADE_USER_ID``, ``CONNECTTRADE_USER_SECRET``,
``CONNECTTRADE_BASE_URL``), never from the command line. Exit status: 0 when the report
was written from an intact audit log and the broker's state; 1 when it was written but
the audit log failed its hash-chain check or the broker could not be read (the report
says which); 2 for a usage error (bad date or zone, missing credentials).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from connecttrade._exceptions import MissingCredentialsError
from connecttrade.agent.report.daily import build_daily_report, resolve_timezone
from connecttrade.rest.client import Client

__all__ = ["report_parser", "run_report_command"]

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_USAGE = 2


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO-8601 time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset")
    return moment


def report_parser(prog: str = "connecttrade-agent report") -> argparse.ArgumentParser:
    """The command's arguments (the CLI may add it as a subcommand's parser)."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Write the daily activity report (report.md, report.html) of an agent.",
    )
    parser.add_argument("--audit-log", required=True, type=Path, help="the guard's audit log")
    parser.add_argument("--day", type=_day, help="the day to report (default: today in --tz)")
    parser.add_argument(
        "--tz", default="America/New_York", help="IANA time zone of the day and its hours"
    )
    parser.add_argument(
        "--account",
        action="append",
        dest="accounts",
        metavar="ACCOUNT_ID",
        help="an account to report (repeatable; default: every account of the user)",
    )
    parser.add_argument("--out", type=Path, default=Path(), help="output directory")
    parser.add_argument(
        "--no-broker", action="store_true", help="report from the audit log only, offline"
    )
    parser.add_argument(
        "--as-of", type=_moment, help="when the report is made, with offset (default: now)"
    )
    return parser


def run_report_command(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (without the program name); return the exit status."""
    parser = report_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help and on usage errors
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        zone = resolve_timezone(args.tz)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    now = args.as_of or dt.datetime.now(dt.UTC)
    day: dt.date = args.day or now.astimezone(zone).date()
    client: Client | None = None
    if not args.no_broker:
        try:
            client = Client()
        except MissingCredentialsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
    try:
        report = build_daily_report(args.audit_log, client, day, args.accounts, zone, now=now)
    finally:
        if client is not None:
            client.close()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(report.markdown, encoding="utf-8")
    (out / "report.html").write_text(report.html, encoding="utf-8")
    print(f"wrote {out / 'report.md'} and {out / 'report.html'}")
    status = EXIT_OK
    if not report.audit_check.ok:
        print(f"attention: audit log check failed: {report.audit_check}", file=sys.stderr)
        status = EXIT_ATTENTION
    if report.broker_error is not None:
        print(f"attention: broker state unavailable: {report.broker_error}", file=sys.stderr)
        status = EXIT_ATTENTION
    return status


if __name__ == "__main__":  # pragma: no cover - the installed entry point is the CLI's
    sys.exit(run_report_command())
