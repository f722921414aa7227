"""A scenario's stream outage over a real socket: sessions of that API close with 1012 at
its start, new connections are closed with 1012 until it ends, then the API is back."""

from __future__ import annotations

from datetime import timedelta

from mock_api import START
from stream_client import authenticated_brokerage, brokerage_client, stream_server

from connecttrade_mock.scenario import parse_scenario

OUTAGE = parse_scenario(
    'day = "2026-11-18"\n[[stream_outage]]\nstream = "brokerage"\nat = "10:05"\nseconds = 30\n'
)


def test_brokerage_outage_closes_sessions_refuses_new_ones_then_ends() -> None:
    with stream_server(scenario=OUTAGE, clock_start=START + timedelta(minutes=4)) as server:
        control = server.control
        assert control is not None
        with authenticated_brokerage(server) as before:
            control.advance(61)  # 10:05:01: the outage is on
            closed = before.until_closed(timeout=5)
            assert closed.code == 1012
            assert "stream outage" in closed.reason
        with brokerage_client(server) as during:
            refused = during.until_closed(timeout=5)
            assert refused.code == 1012
        control.advance(30)  # 10:05:31: back
        with authenticated_brokerage(server) as after:
            assert after.ws.close_code is None
