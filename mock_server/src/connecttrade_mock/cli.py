"""``connecttrade-mock``: run the mock broker, or a short demo against it."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from connecttrade_mock.clock import ClockMode, parse_start
from connecttrade_mock.market.replay import BarFileError, ReplayBar, read_bar_file
from connecttrade_mock.scenario import Scenario, ScenarioError, load_scenario
from connecttrade_mock.simulator import Settings

__all__ = [
    "PROFILES",
    "Profile",
    "build_parser",
    "main",
    "scenario_from",
    "settings_from",
    "start_moment",
]

DEFAULT_ORDER_RATE = 10.0
CONTRACT_TEST_ORDER_RATE = 1000.0


@dataclass(frozen=True, slots=True)
class Profile:
    """``serve --profile NAME``: defaults for a purpose; flags given as well still win."""

    protect_demo: bool = False
    order_rate: float = DEFAULT_ORDER_RATE


PROFILES: dict[str, Profile] = {
    # What a contract test (`st run openapi.json ... --checks all`) needs: every operation
    # may be called on the demo identity without locking the run out, and the order rate
    # limit stays out of the way of a tool sending orders as fast as it can.
    "contract-test": Profile(protect_demo=True, order_rate=CONTRACT_TEST_ORDER_RATE),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="connecttrade-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the REST API, both WebSocket streams, connect pages and controls",
        description="Serve the mock broker on one port: the REST API, the WebSocket streams "
        "ws://HOST:PORT/streams/brokerage and ws://HOST:PORT/streams/market-data, the "
        "connect pages, and the control API under /_mock.",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of prices and ids (default: the scenario's, else 42)",
    )
    serve.add_argument("--db", type=Path, default=None, help="keep state in this SQLite file")
    serve.add_argument(
        "--clock",
        choices=[m.value for m in ClockMode],
        default=ClockMode.REAL.value,
        help="real: 1 s per second; fast: 60x; manual: only moves via the control API",
    )
    serve.add_argument(
        "--start",
        type=start_moment,
        default=None,
        help="virtual start time: ISO 8601 with offset, or 'today' (10:00 New York on the "
        "latest weekday; the market then changes with the date); default: the fixed "
        "2026-01-05T10:00:00-05:00, so a seed alone decides the market",
    )
    serve.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="a market day in TOML or YAML: gaps, halts, fast markets, refused symbols, "
        "stream outages, bar files (see connecttrade_mock.scenario)",
    )
    serve.add_argument(
        "--bars",
        action="append",
        default=[],
        metavar="[SYMBOL=]FILE",
        help="replay a symbol's prices from OHLCV bars (CSV, or Parquet with pyarrow); "
        "SYMBOL= when the file has no symbol column; repeatable",
    )
    serve.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=None,
        help="contract-test: the same as --protect-demo --order-rate "
        f"{CONTRACT_TEST_ORDER_RATE:g}, for a schemathesis run of every operation as the "
        "demo user (docs/contract.md)",
    )
    serve.add_argument(
        "--order-rate",
        type=float,
        default=None,
        help=f"order calls per second per user before 429 (default {DEFAULT_ORDER_RATE:g})",
    )
    serve.add_argument(
        "--protect-demo",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the demo user cannot be deleted or have its secret rotated, nor its two "
        "connections be deleted (409); a spare connection and a spare working order, "
        "renewed when used up, are there to delete, cancel and replace instead",
    )
    serve.add_argument(
        "--no-validate-responses",
        action="store_true",
        help="skip checking each answer against the contract (faster)",
    )
    serve.add_argument(
        "--no-answer-cache",
        action="store_true",
        help="work out every read's answer afresh, even when nothing it shows changed",
    )
    serve.add_argument(
        "--speedups",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the speed-only code (turn-batched writes, orjson request parse, shared order "
        "values, collector tuning); --no-speedups serves stock uvicorn, the same answers",
    )
    serve.add_argument("--log-level", default="info")
    return parser


def start_moment(text: str) -> datetime:
    """``--start``: an ISO 8601 time with its offset, or ``today``."""
    try:
        return parse_start(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def scenario_from(path: Path | None, bar_files: Sequence[str]) -> Scenario | None:
    """The scenario of ``--scenario`` with the bars of each ``--bars`` added."""
    scenario = load_scenario(path) if path is not None else None
    bars: list[ReplayBar] = []
    for spec in bar_files:
        symbol, _, file = spec.rpartition("=")
        try:
            bars.extend(read_bar_file(Path(file), symbol or None))
        except BarFileError as exc:
            raise ScenarioError(f"--bars {spec}: {exc}") from exc
    if not bars:
        return scenario
    if scenario is None:
        return Scenario("--bars", bars=tuple(bars))
    return replace(scenario, bars=(*scenario.bars, *bars))


def settings_from(args: argparse.Namespace) -> Settings:
    scenario = scenario_from(args.scenario, args.bars)
    seed = args.seed
    if seed is None:
        seed = scenario.seed if scenario is not None and scenario.seed is not None else 42
    profile = PROFILES[args.profile] if args.profile else Profile()
    return Settings(
        seed=seed,
        scenario=scenario,
        clock_mode=ClockMode(args.clock),
        clock_start=args.start,
        db_path=args.db,
        order_rate_per_second=profile.order_rate if args.order_rate is None else args.order_rate,
        protect_demo=profile.protect_demo if args.protect_demo is None else args.protect_demo,
        validate_responses=not args.no_validate_responses,
        cache_answers=not args.no_answer_cache,
        speedups=args.speedups,
    )


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    import uvicorn  # noqa: PLC0415 - only the serve command needs the server

    from connecttrade_mock import speedups  # noqa: PLC0415
    from connecttrade_mock.app import create_app  # noqa: PLC0415
    from connecttrade_mock.server import server_config  # noqa: PLC0415

    logging.basicConfig(level=args.log_level.upper())
    try:
        settings = settings_from(args)
        app = create_app(settings)
    except ScenarioError as exc:  # a file the user wrote: say what is wrong, no traceback
        raise SystemExit(f"connecttrade-mock: {exc}") from None
    config = server_config(app, host=args.host, port=args.port, log_level=args.log_level)
    if settings.speedups:
        speedups.before_serving()  # the loaded books stay out of full collections
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
