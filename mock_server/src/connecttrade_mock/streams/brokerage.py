"""The Streaming Brokerage Data API's protocol, without a socket.

A platform authenticates with its client credentials and subscribes to topics (orders,
positions, balances); from then on every engine change of any of its users' orders,
positions and balances becomes one update frame carrying the entity in its REST shape, the
entity's ``version`` after the change, and the session's ``seq`` (1, 2, 3... counting only
update frames), both digit strings like the entity's own ``version``. Entities are rendered
by the hub once per change (``render_update``).

Topics are added and removed topic by topic: an unsubscribe removes the topics held and
names the others in one ``not_subscribed`` error; subscribe and unsubscribe are always
answered by one ``subscribed`` listing every topic held.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from connecttrade_mock.broker.engine_event import EngineEvent
from connecttrade_mock.broker.state import Account, Client, Order, Position
from connecttrade_mock.streams.contract import (
    CloseCode,
    ErrorCode,
    FrameError,
    StreamContract,
    StreamKind,
)
from connecttrade_mock.streams.protocol import (
    Reply,
    SessionState,
    StreamProtocol,
    count_text,
    error_frame,
    request_id_of,
)

__all__ = ["TOPICS", "BrokerageProtocol", "EntityUpdate", "topic_of"]

TOPICS: Final = ("orders", "positions", "balances")
"""Every topic, in the order ``subscribed`` lists them."""

_TOPIC_OF_KIND: Final = {"order": "orders", "position": "positions", "balance": "balances"}
_ENTITY_FIELD: Final = {"order": "order", "position": "position", "balance": "balance"}

CheckCredentials = Callable[[str, str], Client | None]


def topic_of(event: EngineEvent) -> str:
    return _TOPIC_OF_KIND[event.kind]


class EntityUpdate:
    """One engine change, rendered once and stamped per session with its ``seq``."""

    __slots__ = ("account_id", "body", "client_id", "kind", "time", "topic", "user_id", "version")

    def __init__(self, event: EngineEvent, body: dict[str, Any], time: str) -> None:
        self.kind = event.kind
        self.topic = topic_of(event)
        self.client_id, self.user_id = event.user_key
        self.account_id = event.account_id
        self.body = body
        self.time = time
        self.version = count_text(_version_of(event.entity))

    def frame(self, seq: int) -> dict[str, Any]:
        return {
            "type": f"{self.kind}_update",
            "seq": count_text(seq),
            "time": self.time,
            "user_id": self.user_id,
            "account_id": self.account_id,
            "version": self.version,
            _ENTITY_FIELD[self.kind]: self.body,
        }


def _version_of(entity: Order | Position | Account) -> int:
    if isinstance(entity, Account):
        return entity.balance_version
    return entity.version


class BrokerageProtocol(StreamProtocol):
    """One brokerage session: authenticate, topics, and the ``seq`` of its updates."""

    kind = StreamKind.BROKERAGE

    def __init__(
        self,
        session_id: str,
        contract: StreamContract,
        clock: Callable[[], datetime],
        check_credentials: CheckCredentials,
    ) -> None:
        super().__init__(session_id, contract, clock)
        self._check_credentials = check_credentials
        self.client_id: str | None = None
        self.topics: set[str] = set()
        self.seq = 0

    @property
    def principal(self) -> str | None:
        return self.client_id

    @property
    def principal_key(self) -> tuple[str, ...] | None:
        return (self.client_id,) if self.client_id else None

    def heartbeat(self, last_seq: int, interval_seconds: int) -> dict[str, Any]:
        return {**super().heartbeat(last_seq, interval_seconds), "last_seq": count_text(last_seq)}

    def wants(self, client_id: str, topic: str) -> bool:
        """Whether a change of ``topic`` for a user of ``client_id`` goes to this session."""
        return (
            self.state is SessionState.AUTHENTICATED
            and client_id == self.client_id
            and topic in self.topics
        )

    def stamp(self, update: EntityUpdate) -> tuple[dict[str, Any], int]:
        """The update as this session sends it, with the session's next ``seq``."""
        self.seq += 1
        return update.frame(self.seq), self.seq

    def _authenticate(self, frame: dict[str, Any]) -> Reply:
        client = self._check_credentials(frame["client_id"], frame["client_secret"])
        if client is None:
            raise FrameError(
                ErrorCode.INVALID_CREDENTIALS,
                "invalid client credentials",
                CloseCode.BAD_CREDENTIALS,
            )
        self.client_id = client.client_id
        self.state = SessionState.AUTHENTICATED
        return Reply(
            [
                {
                    "type": "authenticated",
                    "session_id": self.session_id,
                    "client_id": client.client_id,
                    **request_id_of(frame),
                }
            ]
        )

    def _handle(self, action: str, frame: dict[str, Any]) -> Reply:
        topics = set(frame["topics"])
        answer_to = request_id_of(frame)
        frames: list[dict[str, Any]] = []
        if action == "subscribe":
            self.topics |= topics
        else:
            missing = [t for t in TOPICS if t in topics - self.topics]
            if missing:
                frames.append(
                    error_frame(
                        ErrorCode.NOT_SUBSCRIBED,
                        f"topics: not subscribed to {', '.join(missing)}",
                        topics=missing,
                        **answer_to,
                    )
                )
            self.topics -= topics
        held = [t for t in TOPICS if t in self.topics]
        frames.append({"type": "subscribed", "topics": held, **answer_to})
        return Reply(frames)
