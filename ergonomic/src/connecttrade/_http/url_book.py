"""The absolute URL of each path a client calls, parsed once.

httpx parses a URL given as text on every request, which costs more than the rest of
building the request together; an ``httpx.URL`` passes through as it is. The text parsed
is exactly what httpx would have parsed, so the request sent is the same.
"""

from __future__ import annotations

import httpx

__all__ = ["UrlBook"]

# Paths with ids in them (one order, one account) are many: the book is dropped whole when
# it holds this many, a plain bound that keeps the common paths parsed.
_KEPT = 512


class UrlBook:
    """Parsed URLs of ``base_url`` joined with each path asked for.

    With ``parse=False`` (a pool that is not httpx's own, such as Starlette's test client,
    which takes only its own URL type) the joined text is given instead.
    """

    __slots__ = ("_base_url", "_parse", "_parsed")

    def __init__(self, base_url: str, *, parse: bool = True) -> None:
        self._base_url = base_url
        self._parse = parse
        self._parsed: dict[str, httpx.URL] = {}

    def url(self, path: str) -> httpx.URL | str:
        """``httpx.URL(base_url + path)``, remembered (or the text, when not parsing)."""
        if not self._parse:
            return self._base_url + path
        parsed = self._parsed.get(path)
        if parsed is None:
            parsed = httpx.URL(self._base_url + path)
            if len(self._parsed) >= _KEPT:
                self._parsed.clear()
            self._parsed[path] = parsed
        return parsed
