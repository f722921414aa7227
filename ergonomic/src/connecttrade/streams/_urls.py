"""Where the two streams live, derived from the REST base URL."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from connecttrade._http.settings import DEFAULT_BASE_URL

__all__ = ["BROKERAGE_PATH", "MARKET_DATA_PATH", "stream_url"]

BROKERAGE_PATH = "/streams/brokerage"
MARKET_DATA_PATH = "/streams/market-data"

# The vendor's own hosts (openapi/asyncapi.json, servers).
_PRODUCTION = {
    BROKERAGE_PATH: "wss://stream.connecttrade.com",
    MARKET_DATA_PATH: "wss://mdstream.connecttrade.com",
}


def stream_url(base_url: str, path: str) -> str:
    """The stream's URL: the vendor's host for the production API, else the same host
    and port as the REST API (``http`` becomes ``ws``) with ``path`` appended."""
    base = base_url.rstrip("/")
    if base == DEFAULT_BASE_URL:
        return _PRODUCTION[path]
    parts = urlsplit(base)
    scheme = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}.get(parts.scheme)
    if scheme is None:
        raise ValueError(f"base_url must be an http(s) URL, got scheme {parts.scheme!r}")
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + path, "", ""))
