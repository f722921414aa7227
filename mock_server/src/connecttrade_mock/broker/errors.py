"""The one error type the mock's domain raises; the HTTP layer turns it into `{"message"}`."""

from __future__ import annotations

__all__ = ["ApiError"]


class ApiError(Exception):
    """A request the API refuses, with the documented status and a message that names
    what was wrong."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
