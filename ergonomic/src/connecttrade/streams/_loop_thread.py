"""A private asyncio event loop on a daemon thread, for the sync stream facades.

Sync code (a script, a Jupyter cell, a callback inside someone else's running loop) hands
coroutines to this loop and waits for their results; it never calls ``asyncio.run`` on
the caller's thread, which is what fails inside Jupyter and running loops.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from connecttrade._exceptions import StreamStateError

__all__ = ["LoopThread"]

_T = TypeVar("_T")


class LoopThread:
    """An event loop running forever on its own thread until :meth:`stop`."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self.loop.is_closed()

    def _check_caller(self) -> None:
        if threading.current_thread() is self._thread:
            raise StreamStateError(
                "a blocking stream call was made from the stream's own thread (a listener "
                "callback): it would wait for itself"
            )
        if not self.running:
            raise StreamStateError("the stream is closed")

    def run(self, coro: Coroutine[Any, Any, _T], timeout: float | None = None) -> _T:
        """Run ``coro`` on the loop and wait for it; ``TimeoutError`` cancels it."""
        try:
            self._check_caller()
        except StreamStateError:
            coro.close()
            raise
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            if future.done() and not future.cancelled():
                raise  # the coroutine's own TimeoutError (the same class since 3.11)
            future.cancel()
            raise TimeoutError(f"no result within {timeout:g} s") from None

    def call(self, fn: Callable[[], _T]) -> _T:
        """Run a plain function on the loop's thread (where the stream's state lives)."""

        async def wrapper() -> _T:
            return fn()

        return self.run(wrapper())

    def stop(self) -> None:
        """Stop the loop, join the thread and close the loop (cancelling leftover tasks)."""
        if self.loop.is_closed():
            return

        async def drain() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            asyncio.run_coroutine_threadsafe(drain(), self.loop).result(30)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(30)
        self.loop.close()
