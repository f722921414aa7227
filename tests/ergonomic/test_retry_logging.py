"""Retry notices: on the ``connecttrade.retries`` logger with method, path, attempt and wait,
free of secrets, silent unless logging is enabled, and leaving the program's own stamina
instrumentation as it was."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import stamina
from sdk_fakes import CLIENT_SECRET, USER_SECRET, FakeApi

from connecttrade import market

HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def _instant_retries() -> Iterator[None]:
    """Backoffs are zero (stamina's testing mode) while each client's own limit still holds."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield


def _notices(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "connecttrade.retries"]


def test_each_retry_is_one_notice_naming_method_path_attempt_and_wait(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A GET failing with 503, then a refused connection, logs two INFO notices: attempts
    2 and 3 of GET /accounts, their waits and what failed; stamina logs nothing itself."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=503, body={"message": "down"})
    api.fail("GET", "/accounts", error=httpx.ConnectError("refused"))
    with caplog.at_level(logging.INFO), api.client() as client:
        client.accounts.list()
    first, second = _notices(caplog)
    assert [r.levelno for r in (first, second)] == [logging.INFO, logging.INFO]
    assert [r.__dict__["connecttrade_attempt"] for r in (first, second)] == [2, 3]
    for record in (first, second):
        assert record.__dict__["connecttrade_method"] == "GET"
        assert record.__dict__["connecttrade_path"] == "/accounts"
        assert record.__dict__["connecttrade_wait"] >= 0
    assert first.__dict__["connecttrade_status"] == 503
    assert second.__dict__["connecttrade_status"] is None
    assert first.getMessage().startswith("retrying GET /accounts: attempt 2 in ")
    assert first.getMessage().endswith("after InternalServerError (503)")
    assert "after APIConnectionError" in second.getMessage()
    assert not [r for r in caplog.records if r.name.startswith("stamina")]


def test_async_retries_are_noticed_the_same_way(caplog: pytest.LogCaptureFixture) -> None:
    """An async placement whose answer was lost logs one notice for POST /orders, attempt 2."""
    api = FakeApi()
    api.fail("POST", "/orders", error=httpx.ReadTimeout("lost"), after=True)

    async def place() -> None:
        async with api.async_client() as client:
            await client.orders.place(market("AAPL", 1, side="BUY"), account_id="acc_demo_margin")

    with caplog.at_level(logging.INFO):
        asyncio.run(place())
    (notice,) = _notices(caplog)
    assert notice.getMessage().startswith("retrying POST /orders: attempt 2 in ")
    assert "after APITimeoutError" in notice.getMessage()


def test_notices_hold_no_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """A failure whose message and URL carry secrets leaves none in the notice's text,
    arguments or extra fields."""
    api = FakeApi()
    api.fail("GET", "/accounts", status=503, body={"message": f"oops {CLIENT_SECRET}"})
    api.fail("GET", "/accounts", error=httpx.ConnectError(f"refused {USER_SECRET}"))
    with caplog.at_level(logging.DEBUG), api.client() as client:
        client.accounts.list()
    notices = _notices(caplog)
    assert len(notices) == 2
    for record in notices:
        text = " ".join([record.getMessage(), repr(record.args), repr(record.__dict__)])
        assert CLIENT_SECRET not in text
        assert USER_SECRET not in text


def test_a_programs_own_hooks_keep_seeing_every_retry(caplog: pytest.LogCaptureFixture) -> None:
    """A hook the program set sees the SDK's retries and its own; the program's own retries
    never go to the SDK's logger."""
    seen: list[str] = []

    def record(details: stamina.instrumentation.RetryDetails) -> None:
        seen.append(details.name)

    stamina.instrumentation.set_on_retry_hooks([record])
    caplog.set_level(logging.INFO)
    try:
        api = FakeApi()
        api.fail("GET", "/accounts", status=503, body={"message": "down"})
        with api.client() as client:
            client.accounts.list()
        attempts = 0
        for attempt in stamina.retry_context(on=ValueError, attempts=2):
            with attempt:
                attempts += 1
                if attempts == 1:
                    raise ValueError("the program's own flaky step")
    finally:
        stamina.instrumentation.set_on_retry_hooks(None)
    assert len(seen) == 2
    assert len(_notices(caplog)) == 1  # the SDK's retry only


# Run in a fresh interpreter: pytest's own log capture would hide what Python prints when
# logging is left unconfigured, which is what a user's script gets.
_SCRIPT = textwrap.dedent(
    """
    import stamina
    from sdk_fakes import FakeApi

    with stamina.set_testing(True, attempts=10):
        api = FakeApi()
        api.fail("GET", "/accounts", status=503, body={"message": "down"})
        with api.client() as client:
            client.accounts.list()
        print("sdk-done", flush=True)
        tries = 0
        for attempt in stamina.retry_context(on=ValueError, attempts=2):
            with attempt:
                tries += 1
                if tries == 1:
                    raise ValueError("the program's own flaky step")
    """
)


def test_retries_are_silent_unless_logging_is_enabled() -> None:
    """With logging unconfigured, an SDK retry prints nothing (no bare
    ``stamina.retry_scheduled`` line), while the program's own stamina retries print as
    stamina always did."""
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    done = subprocess.run(  # noqa: S603 -- our own interpreter and script
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, check=True
    )
    before, _, after = done.stdout.partition("sdk-done")
    assert before.strip() == ""
    assert after.strip() == ""
    assert done.stderr.count("stamina.retry_scheduled") == 1  # the program's own retry
    assert "connecttrade" not in done.stderr
    assert "/accounts" not in done.stderr
