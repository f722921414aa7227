"""``run_report_command``: report.md and report.html on disk, exit statuses, no secrets."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from connecttrade.agent.report.command import run_report_command
from connecttrade_mock.pytest_plugin import MockBrokerFixture

from .agent_report_fakes import write_audit_log

SECRETS = ("demo-secret", "demo-user-secret")


@pytest.fixture
def broker_env(mock_broker: MockBrokerFixture, monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """The demo tenant's credentials in the environment; returns the mock's current time."""
    c = mock_broker.credentials
    monkeypatch.setenv("CONNECTTRADE_BASE_URL", mock_broker.base_url)
    monkeypatch.setenv("CONNECTTRADE_CLIENT_ID", c.client_id)
    monkeypatch.setenv("CONNECTTRADE_CLIENT_SECRET", c.client_secret)
    monkeypatch.setenv("CONNECTTRADE_USER_ID", c.user_id)
    monkeypatch.setenv("CONNECTTRADE_USER_SECRET", c.user_secret)
    return dt.datetime.fromisoformat(mock_broker.control.state()["now"])


def audit_log(path: Path, time: dt.datetime) -> Path:
    """A two-entry audit log at ``time``."""
    write_audit_log(
        path,
        [
            dict(time=time, action="prepare_order", decision="allowed", level="prepare"),
            dict(time=time, action="prepare_order", decision="refused", rule="max_notional"),
        ],
    )
    return path


def test_writes_both_files_from_log_and_broker(
    broker_env: dt.datetime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With credentials in the environment the command writes report.md and report.html for
    the day of ``--as-of`` and exits 0; neither file nor the output holds a secret."""
    log = audit_log(tmp_path / "audit.jsonl", broker_env)
    out = tmp_path / "out" / "today"
    status = run_report_command(
        ["--audit-log", str(log), "--out", str(out), "--as-of", broker_env.isoformat()]
    )
    captured = capsys.readouterr()
    assert status == 0, captured.err
    markdown = (out / "report.md").read_text(encoding="utf-8")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "| 2 | 1 | 0 | 1 |" in markdown  # calls, prepared, confirmed, refused
    assert "acc_demo_margin" in markdown
    assert page.startswith("<!DOCTYPE html>")
    for text in (markdown, page, captured.out, captured.err):
        for secret in SECRETS:
            assert secret not in text


def test_edited_log_writes_the_report_and_exits_1(
    broker_env: dt.datetime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log that fails its hash-chain check still gets its report; the command exits 1 and
    says why."""
    log = audit_log(tmp_path / "audit.jsonl", broker_env)
    first, second = log.read_text(encoding="utf-8").splitlines()
    entry = json.loads(second)
    entry["rule"] = "something_else"
    log.write_text(first + "\n" + json.dumps(entry) + "\n", encoding="utf-8")
    status = run_report_command(
        ["--audit-log", str(log), "--out", str(tmp_path), "--as-of", broker_env.isoformat()]
    )
    assert status == 1
    assert "audit log check failed: BAD line 2" in capsys.readouterr().err
    assert (tmp_path / "report.html").exists()


def test_offline_report_needs_no_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--no-broker`` makes an audit-only report without touching the network."""
    for name in ("CONNECTTRADE_CLIENT_ID", "CONNECTTRADE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    moment = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    log = audit_log(tmp_path / "audit.jsonl", moment)
    status = run_report_command(
        ["--audit-log", str(log), "--out", str(tmp_path), "--no-broker", "--day", "2026-03-02",
         "--tz", "UTC", "--as-of", "2026-03-02T18:00:00+00:00"]
    )  # fmt: skip
    assert status == 0
    assert "audit log only" in (tmp_path / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--day", "2026-02-30"], "not a date"),
        (["--tz", "Nowhere/City"], "not a known IANA time zone"),
        (["--as-of", "2026-03-02T10:00:00"], "no UTC offset"),
        ([], "CONNECTTRADE_CLIENT_ID"),
    ],
    ids=["bad-day", "bad-zone", "naive-as-of", "no-credentials"],
)
def test_usage_errors_exit_2_and_write_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    """A bad date, zone or time, or missing credentials, exits 2 naming the problem."""
    for name in ("CONNECTTRADE_CLIENT_ID", "CONNECTTRADE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "out"
    status = run_report_command(
        ["--audit-log", str(tmp_path / "a.jsonl"), "--out", str(out), *arguments]
    )
    assert status == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` prints the usage and returns 0 instead of exiting the process."""
    assert run_report_command(["--help"]) == 0
    assert "--audit-log" in capsys.readouterr().out
