"""The books a server starts with are frozen out of full garbage collections, and handed
back to the collector when a reset replaces them."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from mock_api import settings

from connecttrade_mock.app import MockBroker
from connecttrade_mock.heap import freeze_startup_state, thaw


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
    """A broker reset after the state was frozen leaves nothing frozen."""
    broker = MockBroker(settings())
    freeze_startup_state()
    broker.reset()
    assert gc.get_freeze_count() == 0
