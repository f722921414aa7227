"""What an agent may do, as a validated value: built in code or loaded from TOML.

```toml
accounts = ["acc_demo_margin"]
symbols = ["AAPL", "BRK.B", "SPY"]     # any dialect; options match by underlying
max_quantity = 100
max_notional = "25000"                   # per order, in the account currency
order_types = ["MKT", "LMT"]
tifs = ["DAY"]
instruments = ["STK", "OPT"]
timezone = "America/New_York"            # the trading day for daily limits
approval_threshold = "10000"             # above this notional a human approves
halt_after_errors = 3
confirmation_ttl_seconds = 120
reconcile_scope = "accounts"             # or "symbols": ignore others' unrelated holdings

[daily_limits]
max_orders = 20
max_notional = "100000"

[[sessions]]
days = ["mon", "tue", "wed", "thu", "fri"]
start = "09:30"
end = "16:00"
timezone = "America/New_York"
```

Every problem raises :class:`PolicyError` naming the key and what is wrong with it.
Unknown keys are errors too: a misspelt limit must not silently mean "no limit".
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, TypeVar, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connecttrade.types.enums import Instrument, OrderType, TimeInForce
from connecttrade.types.equity_symbol import Dialect, EquitySymbol, InvalidEquitySymbol
from connecttrade.types.option_symbol import InvalidOptionSymbol, OptionSymbol

__all__ = ["Policy", "PolicyError", "ReconcileScope", "SessionWindow", "canonical_symbol"]

#: What ``reconcile()`` compares: everything in the policy's accounts, or only what is on
#: the symbol allowlist (options by underlying).
ReconcileScope: TypeAlias = Literal["accounts", "symbols"]

_E = TypeVar("_E", OrderType, TimeInForce, Instrument)

_DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS: Final = frozenset(range(5))
_DEFAULT_TZ: Final = "America/New_York"
_MAX_TTL_SECONDS: Final = 24 * 3600


class PolicyError(ValueError):
    """A policy value is missing or invalid; ``key`` names it (``daily_limits.max_orders``)."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"policy {key}: {problem}")

    def __reduce__(self) -> tuple[type[PolicyError], tuple[str, str]]:
        return type(self), (self.key, self.problem)


def canonical_symbol(text: str) -> str:
    """The form the SDK sends for an equity symbol written in any dialect, else upper case.

    ``"BRK.B"``, ``"BRK B"``, ``"brk/b"`` and ``"BRK/B"`` all give ``"BRK/B"`` (CQS).
    Text that is no equity symbol (a future, a crypto pair) is stripped and upper-cased.
    """
    stripped = text.strip()
    for candidate in (stripped, stripped.upper()):
        for dialect in (Dialect.CQS, Dialect.NASDAQ, Dialect.CMS):
            try:
                return str(EquitySymbol.parse(candidate, dialect))
            except InvalidEquitySymbol:
                continue
    return stripped.upper()


@dataclass(frozen=True, slots=True)
class SessionWindow:
    """Days of the week and a time range, in a time zone, when orders may be sent.

    ``days`` are ``date.weekday()`` numbers (0 = Monday). An ``end`` at or before
    ``start`` makes an overnight window: it opens on one of ``days`` and closes the next
    morning. ``start`` is inclusive and ``end`` exclusive.
    """

    start: dt.time
    end: dt.time
    days: frozenset[int] = _WEEKDAYS
    timezone: str = _DEFAULT_TZ

    def __post_init__(self) -> None:
        if not isinstance(self.start, dt.time) or not isinstance(self.end, dt.time):
            raise PolicyError("sessions", "start and end must be datetime.time values")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise PolicyError("sessions", "start and end are wall-clock times; give timezone")
        if not self.days or not set(self.days) <= set(range(7)):
            raise PolicyError("sessions.days", f"expected weekdays 0-6, got {sorted(self.days)}")
        object.__setattr__(self, "days", frozenset(self.days))
        _zone("sessions.timezone", self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        """The window's time zone."""
        return ZoneInfo(self.timezone)

    def contains(self, moment: dt.datetime) -> bool:
        """True when the aware ``moment`` falls inside the window."""
        local = moment.astimezone(self.zone)
        clock = local.time().replace(tzinfo=None)
        weekday = local.weekday()
        if self.start < self.end:
            return weekday in self.days and self.start <= clock < self.end
        # Overnight: the evening part belongs to today, the morning part to yesterday.
        if clock >= self.start:
            return weekday in self.days
        return clock < self.end and (weekday - 1) % 7 in self.days

    def describe(self) -> str:
        """``mon-fri 09:30-16:00 America/New_York``."""
        days = ",".join(_DAY_NAMES[d] for d in sorted(self.days))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M} {self.timezone}"


def _regular_hours() -> tuple[SessionWindow, ...]:
    return (SessionWindow(dt.time(9, 30), dt.time(16, 0)),)


@dataclass(frozen=True, slots=True)
class Policy:
    """The rules every guarded call is checked against. Construct it to validate it.

    ``accounts``, ``symbols``, ``max_quantity`` and ``max_notional`` have no default: a
    policy that does not say what is allowed allows nothing. Everything else defaults to
    the cautious choice (US regular hours, DAY orders, market and limit orders on stocks,
    halt after 3 API errors, confirmations valid 2 minutes, reconciliation of everything
    in the accounts).

    ``reconcile_scope`` is ``"accounts"`` (the default): every position and open order in
    the policy's accounts must be what the guard expects, so a human trading the same
    account halts the agent. ``"symbols"`` compares only symbols on the allowlist
    (options by their underlying): a human's position or order in anything else is
    ignored, and a mismatch in an allowlisted symbol still halts.
    """

    accounts: frozenset[str]
    symbols: frozenset[str]
    max_quantity: Decimal
    max_notional: Decimal
    order_types: frozenset[OrderType] = frozenset({OrderType.MKT, OrderType.LMT})
    tifs: frozenset[TimeInForce] = frozenset({TimeInForce.DAY})
    instruments: frozenset[Instrument] = frozenset({Instrument.STK})
    sessions: tuple[SessionWindow, ...] = field(default_factory=_regular_hours)
    timezone: str = _DEFAULT_TZ
    daily_max_orders: int | None = None
    daily_max_notional: Decimal | None = None
    approval_threshold: Decimal | None = None
    halt_after_errors: int = 3
    confirmation_ttl: dt.timedelta = dt.timedelta(seconds=120)
    approval_ttl: dt.timedelta = dt.timedelta(hours=1)
    max_quote_age: dt.timedelta = dt.timedelta(seconds=60)
    cancel_external_orders: bool = False
    reconcile_scope: ReconcileScope = "accounts"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "accounts", _ids("accounts", self.accounts))
        set_(self, "symbols", _symbols(self.symbols))
        set_(self, "max_quantity", _positive("max_quantity", self.max_quantity))
        set_(self, "max_notional", _positive("max_notional", self.max_notional))
        set_(self, "order_types", _members("order_types", OrderType, self.order_types))
        set_(self, "tifs", _members("tifs", TimeInForce, self.tifs))
        set_(self, "instruments", _members("instruments", Instrument, self.instruments))
        sessions = tuple(self.sessions)
        if not all(isinstance(s, SessionWindow) for s in sessions):
            raise PolicyError("sessions", "expected SessionWindow values")
        set_(self, "sessions", sessions)
        _zone("timezone", self.timezone)
        if self.daily_max_orders is not None:
            set_(self, "daily_max_orders", _count("daily_limits.max_orders", self.daily_max_orders))
        if self.daily_max_notional is not None:
            set_(
                self,
                "daily_max_notional",
                _positive("daily_limits.max_notional", self.daily_max_notional),
            )
        if self.approval_threshold is not None:
            set_(
                self,
                "approval_threshold",
                _positive("approval_threshold", self.approval_threshold, allow_zero=True),
            )
        set_(self, "halt_after_errors", _count("halt_after_errors", self.halt_after_errors))
        for name in ("confirmation_ttl", "approval_ttl", "max_quote_age"):
            _duration(name, getattr(self, name))
        if not isinstance(self.cancel_external_orders, bool):
            raise PolicyError("cancel_external_orders", "expected true or false")
        if self.reconcile_scope not in get_args(ReconcileScope):
            raise PolicyError(
                "reconcile_scope", f'expected "accounts" or "symbols", got {self.reconcile_scope!r}'
            )
        if Instrument.MLEG_OPT in self.instruments and Instrument.OPT not in self.instruments:
            raise PolicyError("instruments", "MLEG_OPT needs OPT too (legs are options)")

    @property
    def zone(self) -> ZoneInfo:
        """The time zone whose calendar day the daily limits count."""
        return ZoneInfo(self.timezone)

    def trading_day(self, moment: dt.datetime) -> dt.date:
        """The calendar day of ``moment`` in the policy's time zone."""
        return moment.astimezone(self.zone).date()

    def day_bounds(self, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The UTC start and end of the policy-zone day holding ``moment``."""
        day = self.trading_day(moment)
        start = dt.datetime.combine(day, dt.time(0), self.zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), self.zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def allows_symbol(self, underlying: str) -> bool:
        """True when the canonical symbol (or an option's underlying) is on the allowlist."""
        return underlying in self.symbols

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Policy:
        """Load and validate a policy file (numbers with a fraction are read exactly)."""
        file = Path(path)
        try:
            with open(file, "rb") as handle:
                data = tomllib.load(handle, parse_float=Decimal)
        except FileNotFoundError:
            raise PolicyError("file", f"{file} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError("file", f"{file} is not valid TOML: {exc}") from None
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Policy:
        """Validate a policy given as the TOML file's table (keys as documented above)."""
        known = {
            "accounts",
            "symbols",
            "max_quantity",
            "max_notional",
            "order_types",
            "tifs",
            "instruments",
            "sessions",
            "timezone",
            "daily_limits",
            "approval_threshold",
            "halt_after_errors",
            "confirmation_ttl_seconds",
            "approval_ttl_seconds",
            "max_quote_age_seconds",
            "cancel_external_orders",
            "reconcile_scope",
        }
        _no_unknown("", data, known)
        for required in ("accounts", "symbols", "max_quantity", "max_notional"):
            if required not in data:
                raise PolicyError(required, "is required")
        kwargs: dict[str, Any] = {
            "accounts": _string_list("accounts", data["accounts"]),
            "symbols": _string_list("symbols", data["symbols"]),
            "max_quantity": data["max_quantity"],
            "max_notional": data["max_notional"],
        }
        for key in ("order_types", "tifs", "instruments"):
            if key in data:
                kwargs[key] = _string_list(key, data[key])
        if "timezone" in data:
            kwargs["timezone"] = _text("timezone", data["timezone"])
        if "sessions" in data:
            kwargs["sessions"] = _sessions(data["sessions"], kwargs.get("timezone", _DEFAULT_TZ))
        limits = data.get("daily_limits", {})
        if not isinstance(limits, Mapping):
            raise PolicyError("daily_limits", "expected a table")
        _no_unknown("daily_limits.", limits, {"max_orders", "max_notional"})
        if "max_orders" in limits:
            kwargs["daily_max_orders"] = limits["max_orders"]
        if "max_notional" in limits:
            kwargs["daily_max_notional"] = limits["max_notional"]
        for key in (
            "approval_threshold",
            "halt_after_errors",
            "cancel_external_orders",
            "reconcile_scope",
        ):
            if key in data:
                kwargs[key] = data[key]
        for key, name in (
            ("confirmation_ttl_seconds", "confirmation_ttl"),
            ("approval_ttl_seconds", "approval_ttl"),
            ("max_quote_age_seconds", "max_quote_age"),
        ):
            if key in data:
                kwargs[name] = _seconds(key, data[key])
        return cls(**kwargs)

    def describe(self) -> list[str]:
        """The policy as short lines for summaries and the CLI."""
        lines = [
            f"accounts: {', '.join(sorted(self.accounts))}",
            f"symbols: {', '.join(sorted(self.symbols))}",
            f"max quantity {self.max_quantity}, max notional {self.max_notional} per order",
            f"order types {', '.join(sorted(self.order_types))}; "
            f"TIF {', '.join(sorted(self.tifs))}; "
            f"instruments {', '.join(sorted(self.instruments))}",
            "sessions: " + ("; ".join(s.describe() for s in self.sessions) or "any time"),
        ]
        if self.daily_max_orders is not None or self.daily_max_notional is not None:
            lines.append(
                f"daily limits ({self.timezone}): orders {self.daily_max_orders or 'unlimited'},"
                f" notional {self.daily_max_notional or 'unlimited'}"
            )
        if self.approval_threshold is not None:
            lines.append(f"human approval above notional {self.approval_threshold}")
        lines.append(f"halt after {self.halt_after_errors} API errors or any state mismatch")
        if self.reconcile_scope == "symbols":
            lines.append("reconciliation: allowlisted symbols only (others are ignored)")
        else:
            lines.append("reconciliation: every position and open order in the accounts")
        return lines


def _no_unknown(prefix: str, data: Mapping[str, Any], known: Collection[str]) -> None:
    for key in data:
        if key not in known:
            raise PolicyError(f"{prefix}{key}", f"unknown key (known: {', '.join(sorted(known))})")


def _text(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(key, f"expected a non-empty string, got {value!r}")
    return value.strip()


def _string_list(key: str, value: object) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise PolicyError(key, f"expected a list of strings, got {value!r}")
    return [_text(f"{key}[{i}]", item) for i, item in enumerate(value)]


def _ids(key: str, value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyError(key, f"expected a collection of ids, got {value!r}")
    items = frozenset(_text(key, item) for item in value)
    if not items:
        raise PolicyError(key, "must list at least one entry (an empty allowlist allows nothing)")
    return items


def _symbols(value: object) -> frozenset[str]:
    items = _ids("symbols", value)
    canonical: set[str] = set()
    for item in items:
        try:
            OptionSymbol.parse(item)
        except InvalidOptionSymbol:
            pass
        else:
            raise PolicyError(
                "symbols", f"{item!r} is an option contract; list its underlying instead"
            )
        if item == "*":
            raise PolicyError("symbols", "wildcards are not allowed; list each symbol")
        canonical.add(canonical_symbol(item))
    return frozenset(canonical)


def _decimal(key: str, value: object) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, Decimal | int | str):
        raise PolicyError(key, f"expected a number (integer or string), got {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise PolicyError(key, f"{value!r} is not a number") from None
    if not number.is_finite():
        raise PolicyError(key, f"{value!r} is not a finite number")
    return number


def _positive(key: str, value: object, *, allow_zero: bool = False) -> Decimal:
    number = _decimal(key, value)
    if number < 0 or (number == 0 and not allow_zero):
        raise PolicyError(key, f"must be greater than 0, got {number}")
    return number


def _count(key: str, value: object) -> int:
    if type(value) is not int or value < 1:
        raise PolicyError(key, f"expected a whole number >= 1, got {value!r}")
    return value


def _members(key: str, enum: type[_E], value: object) -> frozenset[_E]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyError(key, f"expected a list, got {value!r}")
    members: set[_E] = set()
    for item in value:
        try:
            members.add(enum(item))
        except ValueError:
            names = ", ".join(m.value for m in enum)
            raise PolicyError(key, f"{item!r} is not one of {names}") from None
    if not members:
        raise PolicyError(key, "must list at least one entry")
    return frozenset(members)


def _zone(key: str, name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise PolicyError(key, f"expected an IANA time zone name, got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PolicyError(key, f"{name!r} is not a known IANA time zone") from None


def _duration(key: str, value: object) -> None:
    if not isinstance(value, dt.timedelta):
        raise PolicyError(key, f"expected a timedelta, got {value!r}")
    if not dt.timedelta(0) < value <= dt.timedelta(seconds=_MAX_TTL_SECONDS):
        raise PolicyError(key, f"must be more than 0 and at most 24 hours, got {value}")


def _seconds(key: str, value: object) -> dt.timedelta:
    number = _positive(key, value)
    if number > _MAX_TTL_SECONDS:
        raise PolicyError(key, f"must be at most {_MAX_TTL_SECONDS} seconds, got {number}")
    return dt.timedelta(seconds=float(number))


def _clock_time(key: str, value: object) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if not isinstance(value, str):
        raise PolicyError(key, f"expected HH:MM, got {value!r}")
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        raise PolicyError(key, f"{value!r} is not a time of day (HH:MM)") from None


def _sessions(value: object, default_tz: str) -> tuple[SessionWindow, ...]:
    if not isinstance(value, list):
        raise PolicyError("sessions", "expected an array of tables ([[sessions]])")
    windows = []
    for index, item in enumerate(value):
        key = f"sessions[{index}]"
        if not isinstance(item, Mapping):
            raise PolicyError(key, "expected a table")
        _no_unknown(f"{key}.", item, {"days", "start", "end", "timezone"})
        for required in ("start", "end"):
            if required not in item:
                raise PolicyError(f"{key}.{required}", "is required")
        days = _WEEKDAYS
        if "days" in item:
            names = _string_list(f"{key}.days", item["days"])
            try:
                days = frozenset(_DAY_NAMES.index(name.lower()[:3]) for name in names)
            except ValueError:
                raise PolicyError(
                    f"{key}.days", f"expected day names ({', '.join(_DAY_NAMES)}), got {names}"
                ) from None
        timezone = _text(f"{key}.timezone", item.get("timezone", default_tz))
        _zone(f"{key}.timezone", timezone)
        windows.append(
            SessionWindow(
                start=_clock_time(f"{key}.start", item["start"]),
                end=_clock_time(f"{key}.end", item["end"]),
                days=days,
                timezone=timezone,
            )
        )
    return tuple(windows)
