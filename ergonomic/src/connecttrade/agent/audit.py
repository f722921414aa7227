"""The append-only, hash-chained JSONL audit log of every guarded call.

One JSON object per line (UTF-8), appended and fsynced per entry, never rewritten::

    {"seq": 1, "time": "2026-03-02T14:30:00+00:00", "actor": "agent", "level": "execute",
     "action": "confirm_order", "inputs": {...}, "decision": "allowed", "rule": null,
     "reason": null, "result": {...}, "prev_hash": "000...0", "hash": "<sha256 hex>"}

``hash`` is the SHA-256 of the canonical JSON (``sort_keys=True``, ``separators=(",",
":")``, ``ensure_ascii=False``) of the entry without its ``hash`` key, and ``prev_hash``
is the previous entry's ``hash`` (64 zeros for the first). :func:`verify_audit_log` walks
the chain and names the first line that was edited, removed, reordered or truncated.

Appends from several processes (the guard, the approvals CLI) are serialised with an
exclusive lock on the file, so the chain stays linear. Decimals are written as strings;
values that look like secrets (:class:`~connecttrade.types.secret.Secret`, keys naming a
secret, token or password) are replaced by ``"[redacted]"`` before anything is written.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Final, Literal, TypeAlias

from connecttrade.types.secret import Secret

__all__ = [
    "GENESIS_HASH",
    "AuditDecision",
    "AuditEntry",
    "AuditLevel",
    "AuditLog",
    "AuditLogError",
    "VerifyResult",
    "entry_hash",
    "iter_entries",
    "redact",
    "verify_audit_log",
]

#: ``prev_hash`` of the first entry.
GENESIS_HASH: Final = "0" * 64
REDACTED: Final = "[redacted]"

AuditLevel: TypeAlias = Literal["read", "prepare", "execute", "human", "system"]
AuditDecision: TypeAlias = Literal[
    "allowed", "refused", "pending_approval", "expired", "halted", "error", "info"
]
_LEVELS: Final = frozenset({"read", "prepare", "execute", "human", "system"})
_DECISIONS: Final = frozenset(
    {"allowed", "refused", "pending_approval", "expired", "halted", "error", "info"}
)
_KEYS: Final = (
    "seq",
    "time",
    "actor",
    "level",
    "action",
    "inputs",
    "decision",
    "rule",
    "reason",
    "result",
    "prev_hash",
    "hash",
)
# Key fragments whose values are never written, whatever their type.
_SECRET_KEY_PARTS: Final = ("secret", "token", "password", "authorization", "api_key")


class AuditLogError(Exception):
    """The audit log cannot be appended to (damaged tail, bad entry, I/O failure)."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log, as written."""

    seq: int
    time: str
    actor: str
    level: AuditLevel
    action: str
    inputs: Mapping[str, Any]
    decision: AuditDecision
    rule: str | None
    reason: str | None
    result: Any
    prev_hash: str
    hash: str

    @property
    def timestamp(self) -> dt.datetime:
        """``time`` as an aware datetime."""
        return dt.datetime.fromisoformat(self.time)

    def to_json(self) -> dict[str, Any]:
        """The entry as the JSON object on its line."""
        return {key: getattr(self, key) for key in _KEYS}


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of :func:`verify_audit_log`: ``ok``, or the first bad line and why."""

    ok: bool
    entries: int
    line: int | None = None
    problem: str | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.entries} entries, hash chain intact"
        return f"BAD line {self.line}: {self.problem}"


def redact(value: object) -> Any:
    """A JSON-ready copy of ``value``: secrets masked, Decimals and times as strings."""
    if isinstance(value, Secret):
        return REDACTED
    if isinstance(value, Mapping):
        return {
            str(key): REDACTED if _is_secret_key(str(key)) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [redact(item) for item in items]
    if isinstance(value, enum.Enum):
        return redact(value.value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        # Floats never carry money here; written as text so no reader parses them inexactly.
        return repr(value)
    return str(value)


def _is_secret_key(key: str) -> bool:
    lowered = key.lower().replace("-", "_")
    return any(part in lowered for part in _SECRET_KEY_PARTS)


def _canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(data: Mapping[str, Any]) -> str:
    """The SHA-256 hex of an entry's canonical JSON without its ``hash`` key."""
    return hashlib.sha256(_canonical({k: v for k, v in data.items() if k != "hash"})).hexdigest()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AuditLog:
    """Appends hash-chained entries to one JSONL file; safe across threads and processes."""

    __slots__ = ("_clock", "_lock", "path")

    def __init__(
        self, path: str | os.PathLike[str], *, clock: Callable[[], dt.datetime] = _utc_now
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"AuditLog({str(self.path)!r})"

    def append(
        self,
        *,
        actor: str,
        level: AuditLevel,
        action: str,
        inputs: Mapping[str, Any],
        decision: AuditDecision,
        rule: str | None = None,
        reason: str | None = None,
        result: Any = None,
    ) -> AuditEntry:
        """Append one entry (secrets redacted), fsync it and return it as written.

        Raises :class:`AuditLogError` if the file's last line is damaged: the chain is
        never extended from a tail that does not verify.
        """
        if level not in _LEVELS:
            raise AuditLogError(f"level: {level!r} is not one of {', '.join(sorted(_LEVELS))}")
        if decision not in _DECISIONS:
            raise AuditLogError(
                f"decision: {decision!r} is not one of {', '.join(sorted(_DECISIONS))}"
            )
        time = self._clock().astimezone(dt.UTC).isoformat()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.path, "a+b") as handle, _file_lock(handle):
            seq, prev_hash = _tail(handle)
            data: dict[str, Any] = {
                "seq": seq + 1,
                "time": time,
                "actor": str(actor),
                "level": level,
                "action": str(action),
                "inputs": redact(inputs),
                "decision": decision,
                "rule": rule,
                "reason": reason,
                "result": redact(result),
                "prev_hash": prev_hash,
            }
            data["hash"] = entry_hash(data)
            line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
            handle.seek(0, os.SEEK_END)
            handle.write(line.encode())
            handle.flush()
            os.fsync(handle.fileno())
        return _entry(data)

    def check(self) -> None:
        """Raise :class:`AuditLogError` if the next :meth:`append` would be refused."""
        if not self.path.exists():
            return
        with self._lock, open(self.path, "rb") as handle, _file_lock(handle):
            _tail(handle)

    @staticmethod
    def read(path: str | os.PathLike[str]) -> list[AuditEntry]:
        """Every entry of the log at ``path`` (an absent file has none).

        Lines are parsed, not verified: run :func:`verify_audit_log` to trust them.
        """
        return list(iter_entries(path))


def iter_entries(path: str | os.PathLike[str]) -> Iterator[AuditEntry]:
    """Iterate the entries of the log at ``path``; raise :class:`AuditLogError` on a bad line."""
    file = Path(path)
    if not file.exists():
        return
    with open(file, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield _entry(json.loads(line))
            except (ValueError, TypeError, KeyError) as exc:
                raise AuditLogError(f"{file}: line {number} is not an audit entry: {exc}") from None


def _entry(data: Mapping[str, Any]) -> AuditEntry:
    if set(data) != set(_KEYS):
        missing = sorted(set(_KEYS) - set(data))
        extra = sorted(set(data) - set(_KEYS))
        raise ValueError(f"keys differ (missing {missing}, unexpected {extra})")
    if type(data["seq"]) is not int or not isinstance(data["hash"], str):
        raise ValueError("seq must be an integer and hash a string")
    if data["level"] not in _LEVELS or data["decision"] not in _DECISIONS:
        raise ValueError("unknown level or decision")
    return AuditEntry(**{key: data[key] for key in _KEYS})


def _tail(handle: IO[bytes]) -> tuple[int, str]:
    """The ``seq`` and ``hash`` of the file's last entry, checked; ``(0, GENESIS)`` if empty."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    if size == 0:
        return 0, GENESIS_HASH
    # Read backwards in blocks until the start of the last line is in view.
    block = 4096
    data = b""
    position = size
    while position > 0:
        step = min(block, position)
        position -= step
        handle.seek(position)
        data = handle.read(step) + data
        if data.count(b"\n") >= 2 or position == 0:
            break
    if not data.endswith(b"\n"):
        raise AuditLogError("the audit log's last line is truncated; refusing to extend it")
    last = data[:-1].rsplit(b"\n", 1)[-1]
    try:
        parsed = json.loads(last)
        entry = _entry(parsed)
    except (ValueError, TypeError, KeyError):
        raise AuditLogError("the audit log's last line is not an audit entry") from None
    if entry_hash(parsed) != entry.hash:
        raise AuditLogError("the audit log's last line does not match its hash")
    return entry.seq, entry.hash


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    class _file_lock:  # noqa: N801 -- used as a context manager, like open()
        def __init__(self, handle: IO[bytes]) -> None:
            self._fd = handle.fileno()

        def __enter__(self) -> None:
            os.lseek(self._fd, 0, os.SEEK_SET)
            msvcrt.locking(self._fd, msvcrt.LK_LOCK, 1)

        def __exit__(self, *exc: object) -> None:
            os.lseek(self._fd, 0, os.SEEK_SET)
            msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    class _file_lock:  # noqa: N801 -- used as a context manager, like open()
        def __init__(self, handle: IO[bytes]) -> None:
            self._fd = handle.fileno()

        def __enter__(self) -> None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

        def __exit__(self, *exc: object) -> None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


def verify_audit_log(path: str | os.PathLike[str]) -> VerifyResult:
    """Check every line's hash and its link to the previous one.

    Detects an edited line (hash mismatch), a removed or reordered line (``seq`` gap or
    ``prev_hash`` break) and a truncated tail (a last line without its newline). Removing
    only the newest lines cannot be detected from the file alone; keep a copy of the last
    hash elsewhere (:meth:`AuditLog.append` returns it) to catch that.
    """
    file = Path(path)
    if not file.exists():
        return VerifyResult(ok=False, entries=0, line=None, problem=f"{file} does not exist")
    raw = file.read_bytes()
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif raw:
        return VerifyResult(
            ok=False,
            entries=len(lines) - 1,
            line=len(lines),
            problem="the last line is truncated (no newline)",
        )
    prev_hash = GENESIS_HASH
    for number, line in enumerate(lines, start=1):
        try:
            parsed = json.loads(line.decode("utf-8"))
            entry = _entry(parsed)
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
            return _bad(number, f"not an audit entry ({exc})")
        if entry.seq != number:
            return _bad(number, f"seq is {entry.seq}, expected {number} (line removed or moved)")
        if entry.prev_hash != prev_hash:
            return _bad(number, "prev_hash does not match the previous line's hash")
        if entry_hash(parsed) != entry.hash:
            return _bad(number, "hash does not match the entry's content (line edited)")
        prev_hash = entry.hash
    return VerifyResult(ok=True, entries=len(lines))


def _bad(number: int, problem: str) -> VerifyResult:
    return VerifyResult(ok=False, entries=number - 1, line=number, problem=problem)
