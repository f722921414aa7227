"""The message of an error answer, from a JSON body or, failing that, its raw text.

The contract's errors are ``{"message": ...}``, but live clients fall back to the raw
text when an error body is not JSON (a proxy's HTML page, a plain-text 502): the typed
error then carries that text, whitespace collapsed and cut to :data:`MAX_TEXT`
characters, rather than only the status line. Secrets are masked before the text is cut,
so no part of one can survive the cut.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import httpx

__all__ = ["MAX_TEXT", "error_message"]

MAX_TEXT: Final = 200
"""How many characters of a non-JSON error body an error message keeps."""


def error_message(response: httpx.Response, body: object, redact: Callable[[str], str]) -> str:
    """The error's message, secrets masked by ``redact``: ``body["message"]``, else the
    body's text, else the status line."""
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(message, str) and message.strip():
        return redact(message)
    text = " ".join(redact(response.content.decode("utf-8", "replace")).split())
    if text:
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"
    return response.reason_phrase or f"HTTP {response.status_code}"
