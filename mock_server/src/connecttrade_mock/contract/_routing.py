"""Path templates and JSON pointers: how the contract's paths become patterns and how
``$ref`` pointers are followed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from connecttrade_mock.contract._constants import _FRAGMENT_SAFE


def _escape(token: str) -> str:
    """A JSON pointer token as it appears in a URI fragment (``$ref``)."""
    return quote(token.replace("~", "~0").replace("/", "~1"), safe=_FRAGMENT_SAFE)


def _unescape(token: str) -> str:
    return unquote(token).replace("~1", "/").replace("~0", "~")


def _lookup(document: Mapping[str, Any], pointer: str) -> Any:
    if not pointer.startswith("#"):
        raise ValueError(f"only local references are supported, got {pointer!r}")
    node: Any = document
    for token in pointer[1:].split("/")[1:]:
        key = _unescape(token)
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _template_regex(template: str) -> str:
    parts = re.split(r"{[^{}]+}", template)
    return "([^/]+)".join(re.escape(part) for part in parts)
