"""The one switch of the speed-only code (``connecttrade_mock.fast``).

``Settings(speedups=True)`` (``connecttrade-mock serve`` and the benchmarks by default;
``MockServer`` and the pytest plugin only when asked) turns all of it on; off, the mock runs
stock uvicorn and the standard library's JSON parse, and answers exactly the same bytes.
Nothing else in the package imports ``connecttrade_mock.fast`` (mock_server/importlinter.ini).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connecttrade_mock.broker.value_maker import ValueMaker
from connecttrade_mock.contract.strict_json import QuickParse
from connecttrade_mock.fast import heap, http_protocol, interning, quick_json

if TYPE_CHECKING:
    import asyncio

    from connecttrade_mock.http.mock_broker import MockBroker

__all__ = ["before_serving", "http_protocol_class", "install"]


def install(broker: MockBroker) -> None:
    """Give ``broker`` the speed-only parts: orjson's parse of request bodies where it
    gives what the standard one gives, shared decimals and names in orders, and the
    collector handed back what was frozen when the state is reset."""
    broker.contract.quick_parse = QuickParse(quick_json.quick_loads, quick_json.UNSURE)
    broker.sim.use_values(ValueMaker(interning.shared_decimal, interning.shared_text))
    if heap.thaw not in broker.reset_hooks:  # installing twice changes nothing
        broker.reset_hooks.append(heap.thaw)


def http_protocol_class() -> type[asyncio.Protocol] | str:
    """uvicorn's ``http`` setting: the turn-batching protocol, or stock ``"auto"`` (with one
    logged warning) when the uvicorn installed lacks what it relies on."""
    return http_protocol.protocol_or_stock()


def before_serving() -> None:
    """Keep the state a server starts with out of full collections, and space full
    collections out while it serves (``fast/heap.py``). Call once, just before serving."""
    heap.freeze_startup_state()
    heap.collect_old_rarely()
