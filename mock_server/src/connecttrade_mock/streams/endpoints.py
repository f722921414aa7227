"""The two WebSocket endpoints: a thin layer between Starlette's WebSocket and the hub.

Per connection: one reader task hands every client frame to the hub; one writer task asks
the session what to do next (send, heartbeat, wait out a stall or a delay, close) and does
it. When the session decides how it ends, the writer is cancelled (it may be blocked on a
client that stopped reading) and the connection is closed with the session's code, or,
for an abrupt drop, the endpoint returns without a close frame and the server closes the
TCP connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Final

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from connecttrade_mock.streams.contract import StreamKind
from connecttrade_mock.streams.hub import StreamHub
from connecttrade_mock.streams.session import Close, Send, StreamSession

__all__ = ["BROKERAGE_PATH", "MARKET_DATA_PATH", "stream_routes"]

BROKERAGE_PATH: Final = "/streams/brokerage"
MARKET_DATA_PATH: Final = "/streams/market-data"
CLOSE_TIMEOUT_SECONDS: Final = 10.0
"""How long a close frame may wait behind a client that does not read."""

log = logging.getLogger("connecttrade_mock.streams")


def stream_routes(hub: StreamHub) -> list[WebSocketRoute]:
    def endpoint(kind: StreamKind) -> object:
        async def serve(websocket: WebSocket) -> None:
            await _serve(websocket, hub, kind)

        return serve

    return [
        WebSocketRoute(BROKERAGE_PATH, endpoint(StreamKind.BROKERAGE)),  # type: ignore[arg-type]
        WebSocketRoute(MARKET_DATA_PATH, endpoint(StreamKind.MARKET_DATA)),  # type: ignore[arg-type]
    ]


async def _serve(websocket: WebSocket, hub: StreamHub, kind: StreamKind) -> None:
    await websocket.accept()
    session = hub.open(kind)
    reader = asyncio.create_task(_read(websocket, hub, session))
    writer = asyncio.create_task(_write(websocket, session))
    try:
        await session.ended.wait()
    finally:
        for task in (reader, writer):
            task.cancel()
        for task in (reader, writer):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        hub.close(session)
    ending = session.ending
    if ending is None or ending.code is None or ending.abrupt:
        return  # gone already, or dropped on purpose without a close frame
    with contextlib.suppress(Exception):
        await asyncio.wait_for(
            websocket.close(int(ending.code), ending.reason[:100]), CLOSE_TIMEOUT_SECONDS
        )


async def _read(websocket: WebSocket, hub: StreamHub, session: StreamSession) -> None:
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            hub.receive(session, text if text is not None else message.get("bytes"))
    except Exception:
        log.debug("stream %s: reading failed", session.session_id, exc_info=True)
    session.end(None)


async def _write(websocket: WebSocket, session: StreamSession) -> None:
    try:
        while True:
            now = time.monotonic()
            action = session.next_action(now)
            if isinstance(action, Close):
                return
            if isinstance(action, Send):
                await websocket.send_text(action.text)
                session.sent(action, time.monotonic())
                continue
            session.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(session.wakeup.wait(), action.seconds)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.debug("stream %s: writing failed", session.session_id, exc_info=True)
        session.end(None)
