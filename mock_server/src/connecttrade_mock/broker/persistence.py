"""SQLite persistence (``--db PATH``): every record as JSON, plus the engine's meta state.

Writes are batched: the store collects changed records and ``Database.flush`` writes them
in one transaction after each request and each engine step, so a crash loses at most the
request in flight, never half of one.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import types
import typing
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from connecttrade_mock.broker.state import (
    Account,
    Client,
    Connection,
    ConnectionRequest,
    Order,
    Position,
    Record,
    Store,
    Transaction,
    User,
    record_id,
)
from connecttrade_mock.lifecycle import OrderStatus

__all__ = ["Database"]

RECORD_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (Client, User, ConnectionRequest, Connection, Account, Order, Position, Transaction)
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin in (list, tuple):
        (item, *_) = typing.get_args(tp)
        items = [_decode(item, v) for v in value]
        return items if origin is list else tuple(items)
    if tp is Decimal:
        return Decimal(value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if tp is date:
        return date.fromisoformat(value)
    if tp is OrderStatus:
        return OrderStatus(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        return tp(**{name: _decode(hints[name], v) for name, v in value.items()})
    return value


class Database:
    """One SQLite file holding the whole state."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    def is_empty(self) -> bool:
        return self._conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None

    def load(self, store: Store) -> dict[str, Any]:
        """Fill ``store`` with every saved record; return the saved meta values."""
        rows = self._conn.execute("SELECT kind, body FROM records").fetchall()
        records: list[Record] = [
            _decode(RECORD_TYPES[kind], json.loads(body)) for kind, body in rows
        ]
        # Orders and transactions go in by sequence so the per-account lists stay ordered.
        records.sort(key=lambda r: getattr(r, "seq", 0))
        for record in records:
            store.add(record)
        store.dirty.clear()
        meta = {
            key: json.loads(value)
            for key, value in self._conn.execute("SELECT key, value FROM meta").fetchall()
        }
        store.restart_seq(int(meta.get("seq", 0)))
        return meta

    def flush(self, store: Store, meta: dict[str, Any]) -> None:
        """Write what changed since the last flush, and the meta state, atomically."""
        if not store.dirty and not store.deleted and not meta:
            return
        with self._conn:
            self._conn.execute("BEGIN")
            self._conn.executemany(
                "INSERT OR REPLACE INTO records (kind, id, body) VALUES (?, ?, ?)",
                [
                    (type(r).__name__, record_id(r), json.dumps(_encode(r)))
                    for r in store.dirty.values()
                ],
            )
            self._conn.executemany(
                "DELETE FROM records WHERE kind = ? AND id = ?", list(store.deleted)
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in meta.items()],
            )
        store.dirty.clear()
        store.deleted.clear()

    def clear(self) -> None:
        with self._conn:
            self._conn.execute("BEGIN")
            self._conn.execute("DELETE FROM records")
            self._conn.execute("DELETE FROM meta")

    def close(self) -> None:
        self._conn.close()
