"""Every live stream session of one mock, and the levers the control API pulls on them.

The hub opens sessions (one protocol state machine and one outbound queue each), turns
engine events into brokerage updates (rendered once, stamped per session), pushes market
data every ``market_data_interval_ms``, enforces one session per credential pair / per
user (4008) and token revocation (4010), and carries out drops, stalls and delays. It runs
on the server's event loop and never touches a socket: ``stream_endpoints`` does.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from connecttrade_mock.broker.engine import Engine
from connecttrade_mock.broker.engine_event import EngineEvent
from connecttrade_mock.broker.state import Account, Order, Position
from connecttrade_mock.streams.brokerage import BrokerageProtocol, EntityUpdate, topic_of
from connecttrade_mock.streams.contract import CloseCode, StreamContract, StreamKind
from connecttrade_mock.streams.market_data import MarketDataProtocol, PushMemo
from connecttrade_mock.streams.protocol import Reply, StreamProtocol
from connecttrade_mock.streams.session import StreamSession, StreamSettings
from connecttrade_mock.wire.records import balance_json, order_json, position_json, time_text

if TYPE_CHECKING:
    from connecttrade_mock.simulator import Simulator

__all__ = ["StreamHub"]

log = logging.getLogger("connecttrade_mock.streams")

_PREFIX = {StreamKind.BROKERAGE: "bs", StreamKind.MARKET_DATA: "ms"}


class StreamHub:
    """The stream sessions of one mock broker."""

    def __init__(
        self,
        sim: Simulator,
        contract: StreamContract | None = None,
        *,
        validate_frames: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sim = sim
        self.contract = contract or StreamContract.load()
        self.validate_frames = validate_frames
        self.settings = StreamSettings()
        self.sessions: dict[str, StreamSession] = {}
        self._monotonic = monotonic
        self._ids = itertools.count(1)
        self._engine: Engine | None = None

    # -- wiring ----------------------------------------------------------------------------
    def attach(self, engine: Engine) -> None:
        """Listen to ``engine`` (again after a reset, which builds a new engine) while any
        session is open: with none, the engine makes no events for the hub (three per
        placement) only for them to be dropped."""
        if self._engine is not None and self._on_event in self._engine.listeners:
            self._engine.listeners.remove(self._on_event)
        self._engine = engine
        self._listen_while_open()

    def _listen_while_open(self) -> None:
        """Be among the engine's listeners exactly when there is a session."""
        engine = self._engine
        if engine is None:
            return
        listening = self._on_event in engine.listeners
        if self.sessions and not listening:
            engine.listeners.append(self._on_event)
        elif not self.sessions and listening:
            engine.listeners.remove(self._on_event)

    def reset(self) -> None:
        """The mock was reset: every session ends (1012) and the settings are the defaults."""
        for session in list(self.sessions.values()):
            session.end(CloseCode.SERVICE_RESTART, "the mock was reset")
        self.settings = StreamSettings()
        for session in self.sessions.values():
            session.settings = self.settings
        self.attach(self.sim.engine)

    # -- sessions ----------------------------------------------------------------------
    def open(self, kind: StreamKind) -> StreamSession:
        """A new session of ``kind``, welcomed."""
        session_id = f"{_PREFIX[kind]}_{next(self._ids):06d}"
        protocol: StreamProtocol
        if kind is StreamKind.BROKERAGE:
            protocol = BrokerageProtocol(
                session_id, self.contract, self.sim.clock.now, self._check_client
            )
        else:
            protocol = MarketDataProtocol(session_id, self.contract, self.sim)
        session = StreamSession(protocol, self.settings, self._monotonic())
        self.sessions[session_id] = session
        self._listen_while_open()
        back_at = self.sim.outage(kind.value)
        if back_at is not None:  # a scenario's outage: the API is down, come back later
            session.end(CloseCode.SERVICE_RESTART, _outage_reason(back_at))
            return session
        self._offer(session, protocol.welcome(self.settings.auth_timeout_seconds))
        return session

    def enforce_outages(self) -> None:
        """End the sessions of an API a scenario has taken down (1012, try again)."""
        for session in list(self.sessions.values()):
            if session.ending is not None:
                continue
            back_at = self.sim.outage(session.protocol.kind.value)
            if back_at is not None:
                session.end(CloseCode.SERVICE_RESTART, _outage_reason(back_at))

    def close(self, session: StreamSession) -> None:
        """Forget a session whose connection is gone."""
        session.end(None)
        self.sessions.pop(session.session_id, None)
        self._listen_while_open()

    def receive(self, session: StreamSession, data: str | bytes | None) -> None:
        """One client frame: answer it, and replace older sessions of the same principal."""
        protocol = session.protocol
        try:
            reply = protocol.receive(data)
        except Exception:
            log.exception("stream session %s failed on a client frame", session.session_id)
            session.end(CloseCode.SERVER_ERROR, "internal error")
            return
        if reply.authenticated:
            self._replace_older(session, protocol)
        self._deliver(session, reply)

    def _deliver(self, session: StreamSession, reply: Reply) -> None:
        for frame in reply.frames:
            self._offer(session, frame)
        if reply.close is not None:
            session.close_after_queue(reply.close, reply.reason, self._monotonic())

    def _replace_older(self, session: StreamSession, protocol: StreamProtocol) -> None:
        key = protocol.principal_key
        for other in self._of(session.kind):
            if other is not session and other.is_open and other.protocol.principal_key == key:
                other.end(CloseCode.SESSION_REPLACED, "session replaced by a newer one")

    def _offer(self, session: StreamSession, frame: dict[str, Any], seq: int = 0) -> bool:
        if not self._valid(session, frame):
            session.end(CloseCode.SERVER_ERROR, "mock bug: a frame broke the contract")
            return False
        return session.offer(frame, self._monotonic(), seq)

    def _valid(self, session: StreamSession, frame: dict[str, Any]) -> bool:
        if not self.validate_frames:
            return True
        problem = self.contract.outbound_problem(session.kind, frame)
        if problem is not None:
            log.error("mock bug: a %s frame breaks asyncapi.json: %s", frame["type"], problem)
        return problem is None

    def _encode(self, session: StreamSession, frame: dict[str, Any]) -> str | None:
        """The frame's JSON, or None when it breaks the contract."""
        if not self._valid(session, frame):
            return None
        return json.dumps(frame, separators=(",", ":"))

    def _of(self, stream: StreamKind | str) -> Iterator[StreamSession]:
        for session in list(self.sessions.values()):
            if stream in ("all", session.kind):
                yield session

    def _check_client(self, client_id: str, secret: str) -> Any:
        return self.sim.client(client_id, secret)

    # -- brokerage updates -------------------------------------------------------------
    def _on_event(self, event: EngineEvent) -> None:
        """An engine change: one update frame for every subscribed session of the platform."""
        if not self.sessions:
            return  # nobody listens (the hub is attached only while sessions are open)
        try:
            client_id, topic = event.user_key[0], topic_of(event)
            targets = [
                (session, session.protocol)
                for session in self._of(StreamKind.BROKERAGE)
                if session.is_open
                and isinstance(session.protocol, BrokerageProtocol)
                and session.protocol.wants(client_id, topic)
            ]
            if not targets:
                return
            update = EntityUpdate(event, self._render(event), time_text(self.sim.engine.now))
            for session, protocol in targets:
                assert isinstance(protocol, BrokerageProtocol)
                frame, seq = protocol.stamp(update)
                self._offer(session, frame, seq)
        except Exception:  # an engine change must never fail because of a listener
            log.exception("stream update for a %s change failed", event.kind)

    def _render(self, event: EngineEvent) -> dict[str, Any]:
        entity = event.entity
        engine = self.sim.engine
        if isinstance(entity, Order):
            return order_json(entity)
        if isinstance(entity, Position):
            return position_json(entity, engine.last_price(entity))
        assert isinstance(entity, Account)
        return balance_json(entity, engine.balance_figures(entity))

    # -- market data -------------------------------------------------------------------
    def pump(self) -> None:
        """One market-data push: end sessions whose token went, send what changed.

        Sessions wanting the same data share one frame, validated and encoded once, so a
        push costs per distinct subscription rather than per session.
        """
        memo: PushMemo = {}
        encoded: dict[int, tuple[dict[str, Any], str | None]] = {}
        for session in self._of(StreamKind.MARKET_DATA):
            protocol = session.protocol
            if not isinstance(protocol, MarketDataProtocol) or not session.is_open:
                continue
            problem = protocol.token_problem()
            if problem is not None:
                session.end(*problem)
                continue
            try:
                frames = protocol.poll(memo)
            except Exception:
                log.exception("market data push failed for %s", session.session_id)
                session.end(CloseCode.SERVER_ERROR, "internal error")
                continue
            for frame in frames:
                # Keyed by identity; the entry keeps the frame alive so no id is reused.
                if id(frame) not in encoded:
                    encoded[id(frame)] = (frame, self._encode(session, frame))
                text = encoded[id(frame)][1]
                if text is None:
                    session.end(CloseCode.SERVER_ERROR, "mock bug: a frame broke the contract")
                    break
                if not session.offer(frame, self._monotonic(), text=text):
                    break

    async def run_pump(self) -> None:
        """Push market data for ever (a task of the app's lifespan)."""
        while True:
            await asyncio.sleep(self.settings.market_data_interval_ms / 1000)
            try:
                self.sim.sync()
                self.enforce_outages()
                self.pump()
            except Exception:
                log.exception("market data pump failed")

    # -- control API -------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        now = self._monotonic()
        return {
            "sessions": [s.describe(now) for s in self.sessions.values() if s.ending is None],
            "settings": self.settings.as_json(),
        }

    def drop(self, stream: str, code: int, *, abrupt: bool) -> int:
        dropped = 0
        for session in self._of(stream):
            if session.ending is None:
                session.end(code, "dropped by the control API", abrupt=abrupt)
                dropped += 1
        return dropped

    def stall(self, stream: str, seconds: float) -> int:
        now = self._monotonic()
        stalled = 0
        for session in self._of(stream):
            if session.ending is None:
                session.stall(seconds, now)
                stalled += 1
        return stalled

    def set_delay(self, stream: str, milliseconds: int) -> dict[str, Any]:
        for kind in StreamKind:
            if stream in ("all", kind.value):
                self.settings.delay_ms[kind] = milliseconds
        self._wake_all()
        return self.settings.as_json()

    def update_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        settings = self.settings
        if "heartbeat_seconds" in changes:
            settings.heartbeat_seconds = int(changes["heartbeat_seconds"])
        if "queue_limit" in changes:
            settings.queue_limit = int(changes["queue_limit"])
        if "market_data_interval_ms" in changes:
            settings.market_data_interval_ms = int(changes["market_data_interval_ms"])
        if "auth_timeout_seconds" in changes:
            settings.auth_timeout_seconds = float(changes["auth_timeout_seconds"])
        self._wake_all()
        return settings.as_json()

    def _wake_all(self) -> None:
        for session in self.sessions.values():
            session.wakeup.set()


def _outage_reason(back_at: datetime) -> str:
    return f"stream outage (scenario) until {back_at.isoformat()}"
