"""The brokerage stream: order, position and balance updates for every user of a platform.

```python
async with connecttrade.BrokerageStream.from_client(ct) as stream:
    async for event in stream:
        if isinstance(event, connecttrade.OrderUpdate):
            print(event.order.order_id, event.order.status)
```

One connection carries all users of the platform client (it authenticates with the client
pair). The stream reconnects by itself after drops, stalls and server errors,
re-authenticates and resubscribes; every return to ``LIVE`` and every
:class:`~connecttrade.types.brokerage_events.SequenceGap` means updates may have been missed, so
state built from the stream must be fetched again (:class:`~connecttrade.LiveAccountView`
does exactly that).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connecttrade._exceptions import StreamStateError
from connecttrade._http.client_base import ClientBase
from connecttrade.streams._core import StreamCore
from connecttrade.streams._protocol.frames import (
    BrokerageFrame,
    Heartbeat,
    Welcome,
    parse_brokerage,
)
from connecttrade.streams._protocol.sequence import SeqCheck, SequenceTracker
from connecttrade.streams._protocol.subscriptions import BROKERAGE_TOPICS, TopicRegistry
from connecttrade.streams._urls import BROKERAGE_PATH, stream_url
from connecttrade.streams.backoff import Backoff
from connecttrade.streams.events import BrokerageEvent
from connecttrade.streams.state import StreamState
from connecttrade.types.brokerage_events import (
    BalanceUpdate,
    ErrorNotice,
    OrderUpdate,
    PositionUpdate,
    SequenceGap,
    TopicsSubscribed,
)
from connecttrade.types.secret import Secret

__all__ = ["BrokerageStream"]


class BrokerageStream(StreamCore[BrokerageFrame, BrokerageEvent]):
    """A self-healing connection to the brokerage stream (async; see ``SyncBrokerageStream``).

    ``topics`` default to all three. ``stale_after`` is the silence (seconds) after which
    the socket counts as dead; by default three heartbeat intervals as the server states
    them. ``backoff`` is the reconnect schedule.
    """

    def __init__(
        self,
        url: str,
        *,
        client_id: str,
        client_secret: str | Secret,
        topics: Iterable[str] = BROKERAGE_TOPICS,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        open_timeout: float = 10.0,
    ) -> None:
        if not client_id:
            raise ValueError("client_id must not be empty")
        super().__init__(url, backoff=backoff, stale_after=stale_after, open_timeout=open_timeout)
        self._client_id = client_id
        self._client_secret = (
            client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        )
        self._topics = TopicRegistry(topics)
        self._seq = SequenceTracker()

    @classmethod
    def from_client(
        cls,
        client: ClientBase,
        *,
        topics: Iterable[str] = BROKERAGE_TOPICS,
        backoff: Backoff | None = None,
        stale_after: float | None = None,
        url: str | None = None,
    ) -> BrokerageStream:
        """A stream with the platform credentials and host of a ``Client``/``AsyncClient``."""
        settings = client._driver.settings
        return cls(
            url or stream_url(settings.base_url, BROKERAGE_PATH),
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            topics=topics,
            backoff=backoff,
            stale_after=stale_after,
        )

    @property
    def topics(self) -> tuple[str, ...]:
        """The topics this stream keeps subscribed."""
        return self._topics.topics

    @property
    def last_seq(self) -> int:
        """The last sequence number of the current session (0 before the first update)."""
        return self._seq.last

    async def subscribe(self, topics: str | Iterable[str]) -> None:
        """Add topics (``orders``, ``positions``, ``balances``); kept across reconnects."""
        self._check_open()
        self._topics.add(topics)
        await self.send({"action": "subscribe", "topics": list(TopicRegistry.check(topics))})

    async def unsubscribe(self, topics: str | Iterable[str]) -> None:
        """Remove topics."""
        self._check_open()
        chosen = self._topics.remove(topics)
        await self.send({"action": "unsubscribe", "topics": list(chosen)})

    def _check_open(self) -> None:
        if self.state is StreamState.CLOSED:
            raise StreamStateError("the stream is closed: create a new one")

    def __repr__(self) -> str:
        return (
            f"BrokerageStream(url={self.url!r}, client_id={self._client_id!r}, state={self.state})"
        )

    # ------------------------------------------------------------------ protocol hooks
    def _parse(self, raw: str | bytes) -> BrokerageFrame:
        return parse_brokerage(raw)

    async def _authenticate_frame(self) -> dict[str, Any]:
        return {
            "action": "authenticate",
            "client_id": self._client_id,
            "client_secret": self._client_secret.reveal(),
        }

    def _resubscribe_frames(self) -> list[dict[str, Any]]:
        return self._topics.frames()

    def _is_ack(self, frame: BrokerageFrame) -> bool:
        return isinstance(frame, TopicsSubscribed | ErrorNotice)

    def _session_started(self, welcome: Welcome) -> None:
        self._seq.reset()

    def _heartbeat(self, frame: Heartbeat) -> list[BrokerageEvent]:
        expected = self._seq.last + 1
        if frame.last_seq is not None and self._seq.heartbeat(frame.last_seq) is SeqCheck.GAP:
            return [SequenceGap(expected=expected, received=frame.last_seq + 1)]
        return []

    def _events(self, frame: BrokerageFrame) -> list[BrokerageEvent]:
        if isinstance(frame, OrderUpdate | PositionUpdate | BalanceUpdate):
            expected = self._seq.last + 1
            check = self._seq.update(frame.seq)
            if check is SeqCheck.REPEAT:
                return []
            if check is SeqCheck.GAP:
                return [SequenceGap(expected=expected, received=frame.seq), frame]
            return [frame]
        if isinstance(frame, TopicsSubscribed | ErrorNotice):
            return [frame]
        return []
