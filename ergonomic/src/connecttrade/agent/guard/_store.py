"""The guard's persisted state: one SQLite file in the state directory.

It holds staged confirmations (with their approval state), the orders the guard placed
(what the agent believes), position baselines for reconciliation, and the halt switch.
SQLite gives atomic writes and cross-process locking, so the approvals and halt CLI can
run in another process while the guard works. Every check-and-claim runs inside one
``BEGIN IMMEDIATE`` transaction: two processes cannot both claim a confirmation id or
both fit under the same daily limit.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

__all__ = ["HaltRow", "OrderRow", "StagedRow", "Store"]

FILE_NAME: Final = "guard.sqlite3"

# Statuses of a staged confirmation.
PREPARED: Final = "prepared"
PENDING_APPROVAL: Final = "pending_approval"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
SUBMITTING: Final = "submitting"
SUBMITTED: Final = "submitted"
FAILED: Final = "failed"
REFUSED: Final = "refused"
EXPIRED: Final = "expired"
#: Confirmations that count against the daily limits: sent, or being sent.
COUNTED: Final = (SUBMITTING, SUBMITTED, FAILED)

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staged (
    confirmation_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    account_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    cl_order_id TEXT NOT NULL,
    target_order_id TEXT,
    request_json TEXT NOT NULL,
    summary TEXT NOT NULL,
    notional TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL,
    status_at TEXT NOT NULL,
    trading_day TEXT,
    approval_expires_at TEXT,
    decided_by TEXT,
    note TEXT,
    order_id TEXT
);
CREATE INDEX IF NOT EXISTS staged_day ON staged (trading_day, status);
CREATE TABLE IF NOT EXISTS orders (
    order_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    cl_order_id TEXT NOT NULL,
    request_json TEXT NOT NULL,
    status TEXT NOT NULL,
    filled_qty TEXT NOT NULL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    replace_requested INTEGER NOT NULL DEFAULT 0,
    placed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS baselines (
    account_id TEXT PRIMARY KEY,
    taken_at TEXT NOT NULL,
    positions_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS halt (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    halted INTEGER NOT NULL,
    reason TEXT,
    since TEXT,
    errors INTEGER NOT NULL
);
INSERT OR IGNORE INTO halt (id, halted, reason, since, errors) VALUES (1, 0, NULL, NULL, 0);
"""


@dataclass(frozen=True, slots=True)
class StagedRow:
    """One staged confirmation as stored."""

    confirmation_id: str
    kind: str
    actor: str
    account_id: str
    symbol: str
    cl_order_id: str
    target_order_id: str | None
    request_json: str
    summary: str
    notional: Decimal
    created_at: dt.datetime
    expires_at: dt.datetime
    status: str
    status_at: dt.datetime
    trading_day: str | None
    approval_expires_at: dt.datetime | None
    decided_by: str | None
    note: str | None
    order_id: str | None


@dataclass(frozen=True, slots=True)
class OrderRow:
    """An order the guard placed, as the guard last saw it."""

    order_id: str
    account_id: str
    cl_order_id: str
    request_json: str
    status: str
    filled_qty: Decimal
    cancel_requested: bool
    replace_requested: bool
    placed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class HaltRow:
    """The halt switch and the API error count since the last reset."""

    halted: bool
    reason: str | None
    since: dt.datetime | None
    errors: int


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _staged(row: sqlite3.Row) -> StagedRow:
    data = dict(row)
    data["notional"] = Decimal(data["notional"])
    for key in ("created_at", "expires_at", "status_at", "approval_expires_at"):
        data[key] = _time(data[key])
    return StagedRow(**data)


def _order(row: sqlite3.Row) -> OrderRow:
    data = dict(row)
    data["filled_qty"] = Decimal(data["filled_qty"])
    data["cancel_requested"] = bool(data["cancel_requested"])
    data["replace_requested"] = bool(data["replace_requested"])
    data["placed_at"] = dt.datetime.fromisoformat(data["placed_at"])
    return OrderRow(**data)


class Store:
    """Typed access to the state file; each method is one short transaction."""

    __slots__ = ("path",)

    def __init__(self, state_dir: str | os.PathLike[str]) -> None:
        directory = Path(state_dir)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / FILE_NAME
        # executescript commits on its own, so the schema runs outside a transaction;
        # every statement in it is idempotent.
        db = self._connect()
        try:
            db.executescript(_SCHEMA)
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate (write-locked) transaction, committed unless an exception escapes."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    # -- meta ---------------------------------------------------------------------------

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        with self.transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    # -- staged confirmations ------------------------------------------------------------

    @staticmethod
    def insert_staged(db: sqlite3.Connection, row: StagedRow) -> None:
        db.execute(
            "INSERT INTO staged VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.confirmation_id,
                row.kind,
                row.actor,
                row.account_id,
                row.symbol,
                row.cl_order_id,
                row.target_order_id,
                row.request_json,
                row.summary,
                format(row.notional, "f"),
                row.created_at.isoformat(),
                row.expires_at.isoformat(),
                row.status,
                row.status_at.isoformat(),
                row.trading_day,
                None if row.approval_expires_at is None else row.approval_expires_at.isoformat(),
                row.decided_by,
                row.note,
                row.order_id,
            ),
        )

    @staticmethod
    def get_staged(db: sqlite3.Connection, confirmation_id: str) -> StagedRow | None:
        row = db.execute(
            "SELECT * FROM staged WHERE confirmation_id = ?", (confirmation_id,)
        ).fetchone()
        return None if row is None else _staged(row)

    @staticmethod
    def update_staged(
        db: sqlite3.Connection, confirmation_id: str, now: dt.datetime, **changes: object
    ) -> None:
        values: dict[str, object] = {"status_at": now.isoformat()}
        for key, value in changes.items():
            if isinstance(value, dt.datetime):
                values[key] = value.isoformat()
            elif isinstance(value, Decimal):
                values[key] = format(value, "f")
            else:
                values[key] = value
        assignments = ", ".join(f"{key} = ?" for key in values)
        db.execute(
            f"UPDATE staged SET {assignments} WHERE confirmation_id = ?",  # noqa: S608 - keys are ours
            (*values.values(), confirmation_id),
        )

    @staticmethod
    def day_usage(db: sqlite3.Connection, trading_day: str) -> tuple[int, Decimal]:
        """Orders sent (or being sent) on ``trading_day`` and their estimated notional."""
        rows = db.execute(
            f"SELECT notional FROM staged WHERE trading_day = ? AND status IN "  # noqa: S608
            f"({', '.join('?' for _ in COUNTED)})",
            (trading_day, *COUNTED),
        ).fetchall()
        return len(rows), sum((Decimal(r["notional"]) for r in rows), Decimal(0))

    def staged_with_status(self, *statuses: str) -> list[StagedRow]:
        with self.transaction() as db:
            rows = db.execute(
                f"SELECT * FROM staged WHERE status IN ({', '.join('?' for _ in statuses)}) "  # noqa: S608
                "ORDER BY created_at",
                statuses,
            ).fetchall()
        return [_staged(r) for r in rows]

    def staged(self, confirmation_id: str) -> StagedRow | None:
        with self.transaction() as db:
            return self.get_staged(db, confirmation_id)

    # -- orders the guard placed ---------------------------------------------------------

    @staticmethod
    def insert_order(db: sqlite3.Connection, row: OrderRow) -> None:
        db.execute(
            "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.order_id,
                row.account_id,
                row.cl_order_id,
                row.request_json,
                row.status,
                format(row.filled_qty, "f"),
                int(row.cancel_requested),
                int(row.replace_requested),
                row.placed_at.isoformat(),
            ),
        )

    def orders(self) -> list[OrderRow]:
        with self.transaction() as db:
            rows = db.execute("SELECT * FROM orders ORDER BY placed_at").fetchall()
        return [_order(r) for r in rows]

    def order(self, order_id: str) -> OrderRow | None:
        with self.transaction() as db:
            row = db.execute("SELECT * FROM orders WHERE order_id = ?", (order_id,)).fetchone()
        return None if row is None else _order(row)

    def update_order(self, order_id: str, **changes: object) -> None:
        values = {
            key: format(value, "f") if isinstance(value, Decimal) else value
            for key, value in changes.items()
        }
        assignments = ", ".join(f"{key} = ?" for key in values)
        with self.transaction() as db:
            db.execute(
                f"UPDATE orders SET {assignments} WHERE order_id = ?",  # noqa: S608 - keys are ours
                (*values.values(), order_id),
            )

    # -- baselines -----------------------------------------------------------------------

    def baseline(self, account_id: str) -> tuple[dt.datetime, str] | None:
        with self.transaction() as db:
            row = db.execute(
                "SELECT taken_at, positions_json FROM baselines WHERE account_id = ?",
                (account_id,),
            ).fetchone()
        if row is None:
            return None
        return dt.datetime.fromisoformat(row["taken_at"]), str(row["positions_json"])

    def set_baseline(self, account_id: str, taken_at: dt.datetime, positions_json: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO baselines VALUES (?, ?, ?)",
                (account_id, taken_at.isoformat(), positions_json),
            )

    def clear_baselines(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM baselines")

    # -- halt ----------------------------------------------------------------------------

    @staticmethod
    def get_halt(db: sqlite3.Connection) -> HaltRow:
        row = db.execute("SELECT halted, reason, since, errors FROM halt WHERE id = 1").fetchone()
        return HaltRow(bool(row["halted"]), row["reason"], _time(row["since"]), int(row["errors"]))

    def halt_state(self) -> HaltRow:
        with self.transaction() as db:
            return self.get_halt(db)

    def halt(self, reason: str, now: dt.datetime) -> bool:
        """Halt; return False if it was already halted (the first reason is kept)."""
        with self.transaction() as db:
            if self.get_halt(db).halted:
                return False
            db.execute(
                "UPDATE halt SET halted = 1, reason = ?, since = ? WHERE id = 1",
                (reason, now.isoformat()),
            )
            return True

    def count_error(self) -> int:
        """Add one API error; return the count since the last reset."""
        with self.transaction() as db:
            db.execute("UPDATE halt SET errors = errors + 1 WHERE id = 1")
            return self.get_halt(db).errors

    def reset_halt(self) -> HaltRow:
        """Clear the halt and the error count; return the state before."""
        with self.transaction() as db:
            before = self.get_halt(db)
            db.execute(
                "UPDATE halt SET halted = 0, reason = NULL, since = NULL, errors = 0 WHERE id = 1"
            )
            return before
