"""The audit log: the binding JSONL format, a hash chain that exposes edits, removals,
reordering and truncation, and `connecttrade-agent audit verify` exit statuses."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest

from connecttrade import Secret
from connecttrade.agent import AuditLog, AuditLogError, verify_audit_log
from connecttrade.agent.cli import main


def write_log(path: Path, count: int = 4) -> AuditLog:
    log = AuditLog(path, clock=lambda: dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC))
    for index in range(count):
        log.append(
            actor="agent",
            level="execute",
            action="confirm_order",
            inputs={"index": index, "price": Decimal("10.50")},
            decision="allowed",
            result={"order_id": f"ord_{index}"},
        )
    return log


def test_entries_follow_the_shared_format(tmp_path: Path) -> None:
    """Keys, seq, UTC time, Decimal strings, genesis prev_hash and the canonical hash."""
    path = tmp_path / "audit.jsonl"
    write_log(path, 2)
    first, second = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert list(first) == [
        "seq", "time", "actor", "level", "action", "inputs", "decision", "rule", "reason",
        "result", "prev_hash", "hash",
    ]  # fmt: skip
    assert first["seq"] == 1
    assert first["time"] == "2026-11-20T15:00:00+00:00"
    assert first["inputs"]["price"] == "10.50"
    assert first["prev_hash"] == "0" * 64
    body = {key: value for key, value in first.items() if key != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert first["hash"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert second["prev_hash"] == first["hash"]
    assert [e.seq for e in AuditLog.read(path)] == [1, 2]


def test_secrets_are_redacted_before_writing(tmp_path: Path) -> None:
    """Secret values and keys naming secrets or tokens never reach the file."""
    path = tmp_path / "audit.jsonl"
    AuditLog(path).append(
        actor="agent",
        level="read",
        action="get_positions",
        inputs={
            "wrapped": Secret("hunter2-wrapped"),
            "user-secret": "hunter2-plain",
            "nested": {"access_token": "hunter2-token"},
        },
        decision="allowed",
    )
    text = path.read_text(encoding="utf-8")
    assert "hunter2" not in text
    assert text.count("[redacted]") == 3


def _edit(lines: list[str]) -> list[str]:
    lines[1] = lines[1].replace('"index":1', '"index":7')
    return lines


def _rehash_edit(lines: list[str]) -> list[str]:
    # A forger who recomputes the edited line's own hash still breaks the next link.
    entry = json.loads(lines[1])
    entry["inputs"]["index"] = 7
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    entry["hash"] = hashlib.sha256(canonical.encode()).hexdigest()
    lines[1] = json.dumps(entry, separators=(",", ":"))
    return lines


@pytest.mark.parametrize(
    ("tamper", "bad_line", "problem"),
    [
        pytest.param(_edit, 2, "hash does not match", id="edited"),
        pytest.param(_rehash_edit, 3, "prev_hash", id="edited-and-rehashed"),
        pytest.param(lambda lines: lines[:1] + lines[2:], 2, "seq is 3", id="removed"),
        pytest.param(lambda lines: [lines[1], lines[0], *lines[2:]], 1, "seq is 2", id="reordered"),
        pytest.param(
            lambda lines: [*lines[:3], lines[3][:40]], 4, "not an audit entry", id="cut-line"
        ),
    ],
)
def test_verify_names_the_first_bad_line(
    tmp_path: Path, tamper: object, bad_line: int, problem: str
) -> None:
    """Edits, removals, reorderings and cut lines are each found at the right line."""
    path = tmp_path / "audit.jsonl"
    write_log(path)
    assert callable(tamper)
    lines = tamper(path.read_text(encoding="utf-8").splitlines())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = verify_audit_log(path)
    assert not result.ok
    assert result.line == bad_line
    assert problem in (result.problem or "")


def test_truncated_tail_is_detected_and_not_extended(tmp_path: Path) -> None:
    """A last line without its newline fails verification and blocks further appends."""
    path = tmp_path / "audit.jsonl"
    log = write_log(path)
    path.write_bytes(path.read_bytes()[:-25])
    assert verify_audit_log(path).problem == "the last line is truncated (no newline)"
    with pytest.raises(AuditLogError, match="truncated"):
        log.append(actor="a", level="read", action="x", inputs={}, decision="info")


def test_cli_verify_exit_statuses_in_process_and_as_a_subprocess(tmp_path: Path) -> None:
    """`audit verify` prints OK and exits 0, or names the bad line and exits 1."""
    path = tmp_path / "audit.jsonl"
    write_log(path)
    out = io.StringIO()
    assert main(["audit", "verify", str(path)], out=out) == 0
    assert out.getvalue().startswith("OK: 4 entries")
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(_edit(lines)) + "\n", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "connecttrade.agent.cli", "audit", "verify", str(path)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout.startswith("BAD line 2:")


def test_concurrent_appends_keep_one_chain(tmp_path: Path) -> None:
    """Appends from several threads (and log objects) interleave into one valid chain."""
    path = tmp_path / "audit.jsonl"

    def writer(name: str) -> None:
        log = AuditLog(path)
        for index in range(25):
            log.append(actor=name, level="read", action="x", inputs={"i": index}, decision="info")

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify_audit_log(path)
    assert result.ok, result
    assert result.entries == 100


def test_bad_level_or_decision_is_refused(tmp_path: Path) -> None:
    """Only the shared vocabulary is written."""
    log = AuditLog(tmp_path / "audit.jsonl")
    with pytest.raises(AuditLogError, match="level"):
        log.append(actor="a", level="admin", action="x", inputs={}, decision="info")  # type: ignore[arg-type]
    with pytest.raises(AuditLogError, match="decision"):
        log.append(actor="a", level="read", action="x", inputs={}, decision="maybe")  # type: ignore[arg-type]
