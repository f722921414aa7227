"""The mock's whole world: clock, market, records, engine and (optionally) the database.

``Simulator`` is what the HTTP app, the control API, the CLI and the pytest plugin share.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from connecttrade_mock.broker.engine import Engine
from connecttrade_mock.broker.ids import IdFactory
from connecttrade_mock.broker.persistence import Database
from connecttrade_mock.broker.state import Account, Client, Connection, Store, User
from connecttrade_mock.broker.value_maker import ValueMaker
from connecttrade_mock.clock import ClockMode, Session, VirtualClock
from connecttrade_mock.lifecycle import OrderStatus
from connecttrade_mock.market.instrument import OptionContract
from connecttrade_mock.market.market import Market
from connecttrade_mock.market.quote import Quote
from connecttrade_mock.scenario import Scenario, lay_over

__all__ = ["DEMO", "MarketAdapter", "Settings", "Simulator"]


@dataclass(frozen=True, slots=True)
class DemoTenant:
    """The tenant that exists on start (documented in the README)."""

    client_id: str = "demo-client"
    client_secret: str = "demo-secret"  # noqa: S105 - the documented demo tenant
    user_id: str = "demo-user"
    user_secret: str = "demo-user-secret"  # noqa: S105 - the documented demo tenant
    margin_account_id: str = "acc_demo_margin"
    cash_account_id: str = "acc_demo_cash"
    margin_connection_id: str = "conn_demo_alpaca"
    cash_connection_id: str = "conn_demo_tradier"
    # With Settings.protect_demo: a read-only login with no accounts, there to be deleted
    # (each deletion links a new one, `conn_demo_spare_<id>`), so a run that calls every
    # operation finds a connection it may delete without losing the two above.
    spare_connection_id: str = "conn_demo_spare"
    spare_broker: str = "SCHWAB"
    # With Settings.protect_demo: the margin account always has a working order to cancel
    # or replace (a GTC buy of a scenario symbol that never fills); see keep_spare_order.
    spare_order_symbol: str = "ZAZZT"
    spare_order_limit: str = "9.90"
    margin_funding: Decimal = Decimal("1000000.00")
    cash_funding: Decimal = Decimal("250000.00")


DEMO = DemoTenant()

# Open orders on their way out: a cancel or a replace of them is pending.
_LEAVING = frozenset({OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE})


@dataclass(frozen=True, slots=True)
class Settings:
    """How a mock is started (CLI flags and plugin options)."""

    seed: int = 42
    clock_mode: ClockMode = ClockMode.REAL
    clock_start: datetime | None = None
    db_path: Path | None = None
    order_rate_per_second: float = 10.0
    # The demo user and its two connections refuse deletion and secret rotation (409), so a
    # tool that calls every operation (a contract test) cannot lock itself out; see
    # http/demo_tenant.py and `serve --profile contract-test`.
    protect_demo: bool = False
    validate_responses: bool = True
    # Give a read's encoded answer again while nothing it shows changed (http/answers.py).
    cache_answers: bool = True
    # The speed-only code of connecttrade_mock.fast (connecttrade_mock.speedups): off by
    # default, on for `connecttrade-mock serve` and the benchmarks. Answers are the same.
    speedups: bool = False
    # A market day laid over the seeded walk (connecttrade_mock.scenario), kept on reset.
    scenario: Scenario | None = None


class MarketAdapter:
    """The engine's view of the market simulator (see ``broker.market_port.MarketPort``)."""

    def __init__(self, market: Market) -> None:
        self.market = market

    @property
    def revision(self) -> int:
        return self.market.revision

    def is_known(self, symbol: str) -> bool:
        return self.market.is_known(symbol)

    def quote(self, symbol: str, at: datetime) -> Quote:
        return self.market.quote(symbol, at)

    def quoted_per_second(self, symbol: str) -> bool:
        return self.market.quoted_per_second(symbol)

    def circuit_band(self, symbol: str, at: datetime) -> tuple[Decimal, Decimal]:
        return self.market.circuit_band(symbol, at)

    def reference_price(self, symbol: str, at: datetime) -> Decimal:
        return self.market.reference_price(symbol, at)

    def multiplier(self, symbol: str) -> Decimal:
        instrument = self.market.instrument_of(symbol)
        return instrument.multiplier if instrument is not None else Decimal(1)

    def underlying_of(self, option_symbol: str) -> str | None:
        contract = OptionContract.parse(option_symbol)
        return contract.root if contract is not None else None

    def strike_of(self, option_symbol: str) -> Decimal | None:
        contract = OptionContract.parse(option_symbol)
        return contract.strike if contract is not None else None

    def expiry_of(self, option_symbol: str) -> date | None:
        contract = OptionContract.parse(option_symbol)
        return contract.expiry if contract is not None else None

    def halted(self, symbol: str, at: datetime) -> bool:
        return self.market.halted(symbol, at)

    def unlisted_reason(self, symbol: str, at: datetime) -> str | None:
        return self.market.unlisted_reason(symbol, at)


class Simulator:
    """Owns the state of one mock broker and everything that changes it."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        # How the engine makes an order's values; kept across resets (see use_values).
        self.values = ValueMaker()
        self.db = Database(self.settings.db_path) if self.settings.db_path else None
        self._build(self.settings.seed, self.settings.clock_start)
        if self.db is not None and not self.db.is_empty():
            self._restore()
        else:
            self._bootstrap()
            self.flush()

    def _build(self, seed: int, start: datetime | None) -> None:
        self.seed = seed
        scenario = self.settings.scenario
        if start is None and scenario is not None:
            start = scenario.start
        self.clock = VirtualClock(self.settings.clock_mode, start=start)
        self.market = Market(seed, self.clock)
        if scenario is not None:
            lay_over(scenario, self.market)
        self.store = Store(keeps_changes=self.db is not None)  # only a database reads them
        self.ids = IdFactory(seed)
        self.engine = Engine(
            self.store,
            MarketAdapter(self.market),
            self.ids,
            lambda: self.clock.forced_session,
            self.values,
        )
        if scenario is not None:
            self.engine.refusal = scenario.refusal
        self.engine.step(self.clock.now())

    def outage(self, stream: str) -> datetime | None:
        """When the scenario's outage of ``stream`` (brokerage, market-data) ends, if one
        is on now."""
        scenario = self.settings.scenario
        if scenario is None:
            return None
        found = scenario.outage(stream, self.clock.now())
        return found.end if found is not None else None

    def _bootstrap(self) -> None:
        """Create the demo tenant: one platform, one user, two funded paper accounts."""
        now = self.clock.now()
        self.store.add(Client(DEMO.client_id, DEMO.client_secret))
        self.store.add(User(DEMO.client_id, DEMO.user_id, DEMO.user_secret, now))
        for connection_id, broker, account_id, kind, funding, number in (
            (
                DEMO.margin_connection_id,
                "ALPACA",
                DEMO.margin_account_id,
                "margin",
                DEMO.margin_funding,
                "PA-DEMO-0001",
            ),
            (
                DEMO.cash_connection_id,
                "TRADIER",
                DEMO.cash_account_id,
                "cash",
                DEMO.cash_funding,
                "VA-DEMO-0002",
            ),
        ):
            self.store.add(
                Connection(
                    connection_id,
                    DEMO.client_id,
                    DEMO.user_id,
                    broker,
                    "trade",
                    f"{DEMO.user_id}@{broker.lower()}",
                    now,
                )
            )
            account = Account(
                account_id=account_id,
                connection_id=connection_id,
                client_id=DEMO.client_id,
                user_id=DEMO.user_id,
                account_number=number,
                broker=broker,
                account_type=kind,
                is_paper=True,
                can_trade=True,
                cash=Decimal(0),
            )
            self.store.add(account)
            self.engine.deposit(account, funding, "Initial paper funding")
        if self.settings.protect_demo:
            self.link_spare_connection(DEMO.spare_connection_id)
            self.keep_spare_order()

    def link_spare_connection(self, connection_id: str | None = None) -> Connection:
        """Link a disposable connection for the demo user (see ``DemoTenant``); a new id
        unless ``connection_id`` is given."""
        spare = Connection(
            connection_id or self.ids.new(DEMO.spare_connection_id),
            DEMO.client_id,
            DEMO.user_id,
            DEMO.spare_broker,
            "readonly",
            f"{DEMO.user_id}@{DEMO.spare_broker.lower()}",
            self.clock.now(),
        )
        self.store.add(spare)
        return spare

    def keep_spare_order(self) -> None:
        """Place a working order on the demo margin account unless one is there to cancel
        or replace already (see ``DemoTenant``)."""
        # A pending replacement counts: it works once the broker confirms the replace.
        open_orders = self.store.open_orders_of(DEMO.margin_account_id)
        if any(o.status not in _LEAVING for o in open_orders):
            return
        self.engine.place(
            (DEMO.client_id, DEMO.user_id),
            {
                "account_id": DEMO.margin_account_id,
                "broker": "ALPACA",
                "cl_order_id": self.ids.new("spare"),
                "symbol": DEMO.spare_order_symbol,
                "side": "BUY",
                "order_type": "LMT",
                "order_limit_price": DEMO.spare_order_limit,
                "order_tif": "GTC",
                "order_qty": "1",
            },
        )

    # ------------------------------------------------------------------ persistence
    def _meta(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "seq": self.store.next_seq(),
            "now": self.clock.now().isoformat(),
            # The market's walk is anchored at the clock's start: a restart must keep it.
            "start": self.clock.start.isoformat(),
            "ids": self.ids.state(),
        }

    def flush(self) -> None:
        """Write what changed to the database, if there is one."""
        if self.db is not None and (self.store.dirty or self.store.deleted):
            self.db.flush(self.store, self._meta())

    def _restore(self) -> None:
        assert self.db is not None
        store = Store()
        meta = self.db.load(store)
        resume_at = datetime.fromisoformat(meta["now"])
        self._build(int(meta["seed"]), datetime.fromisoformat(meta.get("start", meta["now"])))
        self.clock.advance_to(resume_at)
        self.store = store
        self.engine.use_store(store)
        self.ids.restore(_as_tuple(meta["ids"]))
        self.engine.step(self.clock.now())

    # ------------------------------------------------------------------ control
    def sync(self) -> None:
        """Bring the engine up to the clock (every request and tick starts here)."""
        self.engine.step(self.clock.now())

    def reset(self, seed: int | None = None) -> None:
        """Forget everything and start again from the demo tenant."""
        if self.db is not None:
            self.db.clear()
        self._build(self.settings.seed if seed is None else seed, self.settings.clock_start)
        self._bootstrap()
        self.flush()

    def use_values(self, values: ValueMaker) -> None:
        """Make orders' values with ``values`` from now on, across resets too."""
        self.values = values
        self.engine.values = values

    def advance(self, seconds: float) -> datetime:
        now = self.clock.advance(timedelta(seconds=seconds))
        self.sync()
        self.flush()
        return now

    def force_session(self, session: Session | None) -> None:
        self.clock.force_session(session)
        self.sync()

    # ------------------------------------------------------------------ auth
    def client(self, client_id: str | None, secret: str | None) -> Client | None:
        if not client_id or not secret:
            return None
        client = self.store.clients.get(client_id)
        if client is None or not hmac.compare_digest(client.secret, secret):
            return None
        return client

    def user(self, client: Client, user_id: str | None, secret: str | None) -> User | None:
        if not user_id or not secret:
            return None
        user = self.store.users.get((client.client_id, user_id))
        if user is None or not hmac.compare_digest(user.secret, secret):
            return None
        return user


def _as_tuple(value: Any) -> Any:
    """JSON turned the RNG state's tuples into lists; ``setstate`` needs them back."""
    if isinstance(value, list):
        return tuple(_as_tuple(v) for v in value)
    return value
