"""Fixtures of the browser tests: one headless Chromium per session (Debian's package at
/usr/bin/chromium, never a Playwright download), a fresh context per test with the app's
redirect_url answered in the browser, screenshots of each step, and axe-core.

These tests run in `nox -s browser`, which installs Playwright and Chromium. Where
Playwright is not installed (the `tests` session) the folder is not collected.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

    from connecttrade_mock.pytest_plugin import MockBrokerFixture

collect_ignore_glob = [] if importlib.util.find_spec("playwright") else ["test_*.py"]

CHROMIUM = Path(os.environ.get("CONNECTTRADE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(
    os.environ.get(
        "CONNECTTRADE_SCREENSHOTS",
        Path(__file__).resolve().parents[2] / ".nox" / "browser-screenshots",
    )
)
_APP_PAGE = (
    b'<!doctype html><html lang="en"><head><title>The app</title></head>'
    b"<body><main><h1>Back in the app</h1></main></body></html>"
)
_taken: list[Path] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)  # no stale picture from an earlier run


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _taken:
        terminalreporter.write_sep("-", f"{len(_taken)} screenshots of the connect page")
        for path in _taken:
            terminalreporter.write_line(str(path))


class _AppPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(_APP_PAGE)))
        self.end_headers()
        self.wfile.write(_APP_PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The platform's own site on a loopback port: where redirect_url sends the browser
    (a Playwright route would not see the 303's target)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AppPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium; each launch gets a fresh temporary profile (user-data-dir)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `nox -s browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def _context(browser: Browser, javascript: bool) -> BrowserContext:
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport={"width": 1000, "height": 900},
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context with JavaScript on."""
    context = _context(browser, javascript=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def nojs_page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context with JavaScript off."""
    context = _context(browser, javascript=False)
    yield context.new_page()
    context.close()


Shoot = Callable[["Page", str], Path]


@pytest.fixture
def shoot(request: pytest.FixtureRequest, record_property: Callable[[str, object], None]) -> Shoot:
    """Save a full-page screenshot of a step, named in the JUnit report and the summary."""
    folder: Path = SHOTS / str(request.node.name).replace("[", "-").replace("]", "")
    count = 0

    def take(target: Page, step: str) -> Path:
        nonlocal count
        count += 1
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{count:02d}-{step}.png"
        target.screenshot(path=path, full_page=True)
        record_property(f"screenshot-{count:02d}-{step}", str(path))
        _taken.append(path)
        return path

    return take


@cache
def _axe_source() -> str:
    """axe-core as axe-playwright-python vendors it (the pinned wheel in uv.lock)."""
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_problems(target: Page) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page (all rules)."""
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        target.add_script_tag(content=_axe_source())
    results: dict[str, Any] = target.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


@dataclass(frozen=True, slots=True)
class Links:
    """Makes connection requests for the demo user on the session's mock."""

    mock: MockBrokerFixture
    app: str

    @property
    def redirect(self) -> str:
        return f"{self.app}/callback"

    def url(self, broker: str = "TRADESTATION", connection_type: str = "trade") -> str:
        answer = httpx.post(
            f"{self.mock.base_url}/connections",
            headers=self.mock.credentials.headers(),
            json={
                "connection_type": connection_type,
                "broker": broker,
                "redirect_url": self.redirect,
            },
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["connection_request_url"])

    def connections(self) -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{self.mock.base_url}/connections", headers=self.mock.credentials.headers()
        )
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()
        return found

    def account(self, connection_id: str) -> dict[str, Any]:
        answer = httpx.get(
            f"{self.mock.base_url}/accounts",
            headers=self.mock.credentials.headers(),
            params={"connection_id": connection_id},
        )
        assert answer.status_code == 200, answer.text
        (account,) = answer.json()
        result: dict[str, Any] = account
        return result


@pytest.fixture
def links(mock_broker: MockBrokerFixture, app_url: str) -> Links:
    """Connection requests on a freshly reset mock (the demo user has Alpaca and Tradier)."""
    return Links(mock_broker, app_url)
