"""The ceiling of the stack: Starlette on uvicorn answering fixed bytes, no work at all.

It answers the three benchmarked calls with the exact bodies the mock gave for them
(captured just before the run), served with the mock's own uvicorn configuration
(``connecttrade_mock.testing.server_config``: uvloop, httptools), so the ceiling runs on
exactly the server settings the mock does. It reads a POST's body, as any endpoint taking
one must.

    python -m bench.bare_app --port 8100 --bodies bodies.json
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from connecttrade_mock.testing import server_config

__all__ = ["bare_app", "main"]


def bare_app(bodies: Mapping[str, str]) -> Starlette:
    """Routes ``GET /positions``, ``GET /orders`` and ``POST /orders`` to fixed answers."""
    positions = bodies["positions"].encode()
    orders = bodies["orders"].encode()
    placed = bodies["placed"].encode()

    async def list_positions(_request: Request) -> Response:
        return Response(positions, media_type="application/json")

    async def orders_endpoint(request: Request) -> Response:
        if request.method == "POST":
            await request.body()
            return Response(placed, status_code=201, media_type="application/json")
        return Response(orders, media_type="application/json")

    return Starlette(
        routes=[
            Route("/positions", list_positions, methods=["GET"]),
            Route("/orders", orders_endpoint, methods=["GET", "POST"]),
        ]
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bodies", type=Path, required=True, help="JSON: the three bodies")
    args = parser.parse_args(argv)
    bodies = json.loads(args.bodies.read_text())
    config = server_config(
        bare_app(bodies), speedups=True, host="127.0.0.1", port=args.port, log_level="warning"
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
