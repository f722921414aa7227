"""The order lifecycle table, tested as data."""

from __future__ import annotations

import itertools

import pytest

from connecttrade_mock.lifecycle import (
    CANCELLABLE,
    OPEN,
    REPLACEABLE,
    TERMINAL,
    TRANSITIONS,
    InvalidTransition,
    OrderEvent,
    OrderStatus,
    cancel_rejected,
    mermaid_diagram,
    replace_rejected,
    transition,
)

ALL_PAIRS = list(itertools.product(OrderStatus, OrderEvent))


@pytest.mark.parametrize(
    ("status", "event"), ALL_PAIRS, ids=[f"{s.value}+{e.value}" for s, e in ALL_PAIRS]
)
def test_every_pair_is_in_the_table_or_raises(status: OrderStatus, event: OrderEvent) -> None:
    """Each (status, event) pair either follows its table row or raises InvalidTransition."""
    if (status, event) in TRANSITIONS:
        assert transition(status, event) is TRANSITIONS[status, event]
    else:
        with pytest.raises(InvalidTransition) as caught:
            transition(status, event)
        assert (caught.value.status, caught.value.event) == (status, event)
        assert status.value in str(caught.value)
        assert event.value in str(caught.value)


def test_the_statuses_are_the_ten_documented_ones() -> None:
    """The normalized statuses are exactly the ten of the API documentation."""
    assert {s.value for s in OrderStatus} == {
        "pending",
        "working",
        "partially_filled",
        "filled",
        "cancelled",
        "rejected",
        "expired",
        "replaced",
        "pending_cancel",
        "pending_replace",
    }


@pytest.mark.parametrize("status", sorted(TERMINAL), ids=str)
def test_terminal_statuses_accept_no_event(status: OrderStatus) -> None:
    """A terminal status has no outgoing row at all."""
    assert not [key for key in TRANSITIONS if key[0] is status]


@pytest.mark.parametrize("status", sorted(OPEN), ids=str)
def test_every_open_status_can_reach_a_terminal_one(status: OrderStatus) -> None:
    """Following the table from any open status eventually reaches a terminal status."""
    seen = {status}
    frontier = [status]
    while frontier:
        current = frontier.pop()
        for (source, _event), target in TRANSITIONS.items():
            if source is current and target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen & TERMINAL


@pytest.mark.parametrize("status", sorted(OPEN), ids=str)
def test_every_open_status_has_a_way_out(status: OrderStatus) -> None:
    """Every open status has at least one row leading somewhere else."""
    assert any(
        source is status and target is not status for (source, _), target in TRANSITIONS.items()
    )


def test_open_and_terminal_partition_the_statuses() -> None:
    """OPEN and TERMINAL are disjoint and together cover every status."""
    assert OPEN.isdisjoint(TERMINAL)
    assert set(OrderStatus) == OPEN | TERMINAL
    assert {
        OrderStatus.FILLED,
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.REPLACED,
    } == TERMINAL


def test_cancellable_and_replaceable_sets() -> None:
    """Cancel is allowed before the ack and while working; replace only once working."""
    assert {OrderStatus.PENDING, OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED} == CANCELLABLE
    assert {OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED} == REPLACEABLE
    assert CANCELLABLE <= OPEN
    assert REPLACEABLE <= OPEN


def test_every_table_row_leads_somewhere_on_the_diagram() -> None:
    """Each row of the table appears as an edge label in the Mermaid diagram."""
    diagram = mermaid_diagram()
    assert diagram.startswith("stateDiagram-v2\n")
    for (source, event), target in TRANSITIONS.items():
        edge = next(
            line
            for line in diagram.splitlines()
            if line.strip().startswith(f"{source.value} --> {target.value}:")
        )
        assert event.value in edge.split(": ", 1)[1].split(", ")
    for status in TERMINAL:
        assert f"{status.value} --> [*]" in diagram


@pytest.mark.parametrize(
    ("pending", "filled_any", "expected"),
    [
        (OrderStatus.PENDING_CANCEL, False, OrderStatus.WORKING),
        (OrderStatus.PENDING_CANCEL, True, OrderStatus.PARTIALLY_FILLED),
        (OrderStatus.PENDING_REPLACE, False, OrderStatus.WORKING),
        (OrderStatus.PENDING_REPLACE, True, OrderStatus.PARTIALLY_FILLED),
    ],
    ids=["cancel-unfilled", "cancel-partial", "replace-unfilled", "replace-partial"],
)
def test_a_refused_request_returns_to_the_prior_state(
    pending: OrderStatus, filled_any: bool, expected: OrderStatus
) -> None:
    """A refused cancel or replace goes back to working or partially_filled by fill state."""
    event = (
        cancel_rejected(filled_any=filled_any)
        if pending is OrderStatus.PENDING_CANCEL
        else replace_rejected(filled_any=filled_any)
    )
    assert transition(pending, event) is expected


@pytest.mark.parametrize(
    "pending", [OrderStatus.PENDING_CANCEL, OrderStatus.PENDING_REPLACE], ids=str
)
def test_a_fill_racing_a_pending_request(pending: OrderStatus) -> None:
    """A partial fill keeps the request pending; a final fill wins the race."""
    assert transition(pending, OrderEvent.PARTIAL_FILL) is pending
    assert transition(pending, OrderEvent.FILL) is OrderStatus.FILLED


def test_a_full_happy_path() -> None:
    """pending -> working -> partially_filled -> filled follows accept and fills."""
    status = OrderStatus.PENDING
    for event in (OrderEvent.ACCEPT, OrderEvent.PARTIAL_FILL, OrderEvent.FILL):
        status = transition(status, event)
    assert status is OrderStatus.FILLED


def test_invalid_transition_is_an_exception() -> None:
    """InvalidTransition is catchable as Exception and names both parts."""
    with pytest.raises(Exception, match="filled cannot take event cancel_request"):
        transition(OrderStatus.FILLED, OrderEvent.CANCEL_REQUEST)
