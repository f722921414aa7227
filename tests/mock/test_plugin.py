"""The pytest plugin: a test project gets a real loopback mock broker through the
``mock_broker`` fixture."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

PLUGIN = "connecttrade_mock.pytest_plugin"


def plugin_args() -> list[str]:
    """Load the plugin explicitly unless the installed distribution registers it already."""
    installed = any(ep.value == PLUGIN for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", PLUGIN]


def test_mock_broker_fixture_serves_a_real_broker(pytester: pytest.Pytester) -> None:
    """A test using ``mock_broker`` places an order over real HTTP with httpx and sees it
    filled; the control API moves its clock; the next test starts from a reset."""
    pytester.makepyfile(
        test_strategy="""
        import httpx

        def test_order_fills(mock_broker):
            headers = mock_broker.credentials.headers()
            with httpx.Client(base_url=mock_broker.base_url, headers=headers) as http:
                answer = http.post("/orders", json={
                    "account_id": "acc_demo_margin", "broker": "ALPACA",
                    "cl_order_id": "plugin-1", "symbol": "ZVZZT", "side": "BUY",
                    "order_type": "MKT", "order_tif": "DAY", "order_qty": "5",
                })
                assert answer.status_code == 201, answer.text
                order = answer.json()
                assert order["status"] == "filled"
                assert order["filled_qty"] == "5"
                resting = http.post("/orders", json={
                    "account_id": "acc_demo_margin", "broker": "ALPACA",
                    "cl_order_id": "plugin-2", "symbol": "ZAZZT", "side": "BUY",
                    "order_type": "LMT", "order_limit_price": "10.00",
                    "order_tif": "DAY", "order_qty": "1",
                }).json()
                assert resting["status"] == "working"
                mock_broker.control.advance(24 * 3600)
                path = f"/orders/{resting['order_id']}?account_id=acc_demo_margin"
                assert http.get(path).json()["status"] == "expired"
                positions = http.get("/positions").json()
                assert [p["symbol"] for p in positions] == ["ZVZZT"]

        def test_next_test_starts_fresh(mock_broker):
            headers = mock_broker.credentials.headers()
            with httpx.Client(base_url=mock_broker.base_url, headers=headers) as http:
                assert http.get("/positions").json() == []
                orders = http.get("/orders", params={"status": "all"}).json()
                assert orders["orders"] == []
            assert mock_broker.control.state()["seed"] == 42
            assert set(mock_broker.sdk_credentials) == {
                "client_id", "client_secret", "user_id", "user_secret"
            }
        """
    )
    result = pytester.runpytest_subprocess(*plugin_args(), "-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_seed_option_reaches_the_mock(pytester: pytest.Pytester) -> None:
    """``--mock-broker-seed`` sets the seed each test's reset uses."""
    pytester.makepyfile(
        test_seed="""
        def test_seed(mock_broker):
            assert mock_broker.control.state()["seed"] == 1234
        """
    )
    result = pytester.runpytest_subprocess(
        *plugin_args(), "--mock-broker-seed", "1234", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)


def test_speedups_are_off_unless_asked(pytester: pytest.Pytester) -> None:
    """The session's mock runs without the speedups by default; ``--mock-broker-speedups``
    (or the ini option ``mock_broker_speedups``) turns them on."""
    pytester.makepyfile(
        test_speedups="""
        def test_speedups(mock_broker, request):
            wanted = request.config.getoption("--mock-broker-speedups") or False
            assert mock_broker.server.broker.settings.speedups is wanted
        """
    )
    pytester.runpytest_subprocess(*plugin_args(), "-p", "no:cacheprovider").assert_outcomes(
        passed=1
    )
    result = pytester.runpytest_subprocess(
        *plugin_args(), "--mock-broker-speedups", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nmock_broker_speedups = true\n")
    pytester.makepyfile(
        test_speedups="""
        def test_speedups(mock_broker):
            assert mock_broker.server.broker.settings.speedups is True
        """
    )
    pytester.runpytest_subprocess(*plugin_args(), "-p", "no:cacheprovider").assert_outcomes(
        passed=1
    )


def test_start_option_sets_where_every_test_begins(pytester: pytest.Pytester) -> None:
    """``--mock-broker-start`` puts the clock there, and each test's reset returns it there."""
    pytester.makepyfile(
        test_start="""
        import pytest

        @pytest.mark.parametrize("run", [1, 2])
        def test_begins_at_the_start(mock_broker, run):
            state = mock_broker.control.state()
            assert state["now"].startswith("2026-03-06T20:55:00"), state
            assert state["session"] == "regular"
            mock_broker.control.advance(600)
            assert mock_broker.control.state()["session"] == "after_hours"
        """
    )
    result = pytester.runpytest_subprocess(
        *plugin_args(), "--mock-broker-start", "2026-03-06T15:55:00-05:00", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2)


def test_ini_options_set_seed_and_start_and_the_command_line_wins(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``mock_broker_seed`` and ``mock_broker_start`` in the ini file apply; flags override."""
    pytester.makeini(
        """
        [pytest]
        mock_broker_seed = 7
        mock_broker_start = 2026-06-01T09:00:00-04:00
        """
    )
    pytester.makepyfile(
        test_ini="""
        import os

        def test_settings(mock_broker):
            state = mock_broker.control.state()
            assert state["seed"] == int(os.environ["EXPECTED_SEED"])
            assert state["now"].startswith("2026-06-01T13:00:00"), state
            assert state["session"] == "pre_market"
        """
    )
    monkeypatch.setenv("EXPECTED_SEED", "7")
    pytester.runpytest_subprocess(*plugin_args(), "-p", "no:cacheprovider").assert_outcomes(
        passed=1
    )
    monkeypatch.setenv("EXPECTED_SEED", "99")
    result = pytester.runpytest_subprocess(
        *plugin_args(), "--mock-broker-seed", "99", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "start",
    ["2026-03-06T15:55:00", "next tuesday"],
    ids=["no-offset", "not-a-time"],
)
def test_a_bad_start_is_a_usage_error_that_says_what_to_give(
    pytester: pytest.Pytester, start: str
) -> None:
    """A start without an offset (or not a time at all) stops the run with a clear message."""
    pytester.makepyfile(test_any="def test_any(mock_broker):\n    pass\n")
    result = pytester.runpytest_subprocess(
        *plugin_args(), "--mock-broker-start", start, "-p", "no:cacheprovider"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ISO 8601 time with an offset*"])


def test_scenario_option_lays_a_day_over_every_test_and_a_test_may_load_its_own(
    pytester: pytest.Pytester,
) -> None:
    """``mock_broker_scenario`` refuses AMD in every test; ``control.load_scenario`` swaps
    in another for one test only; a broken file is a usage error naming the entry."""
    pytester.makefile(
        ".toml",
        day='[[reject]]\nsymbol = "AMD"\nreason = "AMD is not available to trade at this time"\n',
    )
    pytester.makeini("[pytest]\nmock_broker_scenario = day.toml\n")
    pytester.makepyfile(
        test_day="""
        import httpx

        ORDER = {"account_id": "acc_demo_margin", "broker": "ALPACA", "symbol": "AMD",
                 "side": "BUY", "order_type": "MKT", "order_tif": "DAY", "order_qty": "1"}

        def place(mock_broker, cl_order_id):
            headers = mock_broker.credentials.headers()
            with httpx.Client(base_url=mock_broker.base_url, headers=headers) as http:
                return http.post("/orders", json={**ORDER, "cl_order_id": cl_order_id}).json()

        def test_refused_by_the_scenario(mock_broker):
            order = place(mock_broker, "a")
            assert order["status"] == "rejected"
            assert order["reject_reason"] == "AMD is not available to trade at this time"

        def test_a_test_loads_its_own(mock_broker):
            mock_broker.control.load_scenario('[[gap]]\\nsymbol = "MSFT"\\nat = '
                                              '"2026-01-05T10:00:00-05:00"\\npercent = 1\\n')
            assert place(mock_broker, "b")["status"] == "filled"

        def test_the_next_test_has_the_files_day_again(mock_broker):
            assert place(mock_broker, "c")["status"] == "rejected"
        """
    )
    result = pytester.runpytest_subprocess(
        *plugin_args(), "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    result.assert_outcomes(passed=3)
    pytester.makefile(".toml", day='[[reject]]\nsymbol = "AMD"\n')
    broken = pytester.runpytest_subprocess(*plugin_args(), "-p", "no:cacheprovider")
    assert broken.ret == pytest.ExitCode.USAGE_ERROR
    broken.stderr.fnmatch_lines(["*mock broker scenario*reject #1: reason is required*"])
