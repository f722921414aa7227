"""The SDK reads every server frame asyncapi.json documents, in the document's own types.

Each example of each message the servers send (the channels' ``send`` operations) goes
through the SDK's frame parser: none is unknown to it, and the counters the document
writes as digit strings (``seq``, ``version``, ``last_seq``, ``interval_seconds``,
``levels``) come out as numbers.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from connecttrade.streams._protocol.frames import (
    Heartbeat,
    UnknownFrame,
    Welcome,
    parse_brokerage,
    parse_market_data,
)

DOC: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[3] / "openapi" / "asyncapi.json").read_text()
)
PARSERS = {"brokerage": parse_brokerage, "marketData": parse_market_data}


def _server_examples() -> list[Any]:
    cases = []
    for operation in DOC["operations"].values():
        if operation["action"] != "send":
            continue
        channel = operation["channel"]["$ref"].rsplit("/", 1)[-1]
        for ref in operation["messages"]:
            name = ref["$ref"].rsplit("/", 1)[-1]
            for index, example in enumerate(DOC["components"]["messages"][name]["examples"]):
                cases.append(pytest.param(channel, example["payload"], id=f"{name}-{index}"))
    return cases


@pytest.mark.parametrize(("channel", "payload"), _server_examples())
def test_every_documented_server_frame_is_read(channel: str, payload: dict[str, Any]) -> None:
    frame = PARSERS[channel](json.dumps(payload))
    assert not isinstance(frame, UnknownFrame), payload["type"]
    for key in ("seq", "version"):
        if key in payload:
            assert isinstance(payload[key], str)
            assert getattr(frame, key) == int(payload[key])


def test_welcome_and_heartbeat_counters_are_numbers() -> None:
    welcome = parse_brokerage(
        json.dumps(DOC["components"]["messages"]["BrokerageWelcome"]["examples"][0]["payload"])
    )
    beat = parse_brokerage(
        json.dumps(DOC["components"]["messages"]["BrokerageHeartbeat"]["examples"][0]["payload"])
    )
    assert isinstance(welcome, Welcome)
    assert welcome.auth_timeout_seconds == Decimal(30)
    assert isinstance(beat, Heartbeat)
    assert (beat.interval_seconds, beat.last_seq) == (5, 44)
