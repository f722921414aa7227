"""The books a server starts with are frozen out of full garbage collections, and handed
back to the collector when a reset replaces them; full collections come less often while
serving, and still come."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from mock_api import settings

from connecttrade_mock.app import MockBroker, create_app
from connecttrade_mock.fast.heap import (
    FULL_COLLECTION_SPACING,
    collect_old_rarely,
    freeze_startup_state,
    thaw,
)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process's heap as it was: nothing left frozen afterwards."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freezing_exempts_every_live_object_and_thawing_returns_them(unfrozen: None) -> None:
    """After freezing, the live objects (a broker's books among them) are out of the
    collector's generations; thawing puts them back."""
    broker = MockBroker(settings())
    # Other threads of the test process (loopback servers) free objects meanwhile, and a
    # freed object leaves the frozen set: the count can only be checked as non-zero.
    assert freeze_startup_state() > 0
    assert not any(o is broker.sim.store for o in gc.get_objects())
    thaw()
    assert gc.get_freeze_count() == 0
    assert any(o is broker.sim.store for o in gc.get_objects())


def test_freezing_collects_garbage_first(unfrozen: None) -> None:
    """Garbage cycles alive at freezing time are collected, not frozen forever."""

    class Node:
        def __init__(self) -> None:
            self.me = self

    Node()  # an unreachable cycle
    freeze_startup_state()
    assert not any(isinstance(o, Node) for o in gc.get_objects())
    thaw()
    assert not any(isinstance(o, Node) for o in gc.get_objects())


def test_a_reset_hands_the_frozen_state_back_to_the_collector(unfrozen: None) -> None:
    """With the speedups on, a broker reset after the state was frozen leaves nothing
    frozen."""
    broker: MockBroker = create_app(settings(speedups=True)).state.broker
    freeze_startup_state()
    broker.reset()
    assert gc.get_freeze_count() == 0


@pytest.fixture
def thresholds() -> Iterator[None]:
    """The test process's collector thresholds as they were afterwards."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_spacing_full_collections_keeps_the_younger_thresholds(thresholds: None) -> None:
    """Only the old generation's threshold changes: young garbage is collected as before."""
    gc.set_threshold(700, 10, 10)
    collect_old_rarely()
    assert gc.get_threshold() == (700, 10, FULL_COLLECTION_SPACING)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_cycle_that_reaches_the_old_generation_is_still_collected(thresholds: None) -> None:
    """With full collections spaced out, a garbage cycle in the old generation is freed by
    the collector on its own once enough objects were made (no explicit collect)."""
    gc.collect()
    # Small thresholds keep the test quick; the spacing is the one the server uses.
    gc.set_threshold(50, 10, 10)
    collect_old_rarely()
    cycle = _Cycle()
    gc.collect(1)  # the cycle survives the younger generations: it is old now
    gone = weakref.ref(cycle)
    del cycle
    kept: list[list[int]] = []
    # Enough live objects for 100 middle collections and for the old generation to grow
    # by a quarter: then a full collection runs by itself.
    while gone() is not None and len(kept) < 1_000_000:
        kept.append([])
    assert gone() is None
