"""What ``Client`` and ``AsyncClient`` share: resolving settings, identity accessors, repr."""

from __future__ import annotations

from typing import Protocol

import httpx

from connecttrade._http.settings import DEFAULT_TIMEOUT, Settings, as_timeout
from connecttrade.types.secret import Secret

__all__ = ["ClientBase", "resolve_client_settings"]


class _HasSettings(Protocol):
    @property
    def settings(self) -> Settings: ...


def resolve_client_settings(
    *,
    base_url: str | None,
    client_id: str | None,
    client_secret: str | Secret | None,
    user_id: str | None,
    user_secret: str | Secret | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int,
    pool_given: bool,
) -> Settings:
    """Arguments (or environment variables) to settings. Our own pool carries the timeout;
    a pool passed in keeps its own unless ``timeout=`` is given, which is then sent with
    every request."""
    explicit = pool_given and timeout is not DEFAULT_TIMEOUT
    return Settings.resolve(
        base_url=base_url,
        client_id=client_id,
        client_secret=client_secret,
        user_id=user_id,
        user_secret=user_secret,
        timeout=as_timeout(timeout) if explicit else None,
        max_retries=max_retries,
    )


class ClientBase:
    """Identity accessors and a secret-free repr, read from the driver's settings."""

    _driver: _HasSettings

    @property
    def base_url(self) -> str:
        """The API's base URL."""
        return self._driver.settings.base_url

    @property
    def client_id(self) -> str:
        """The platform client id."""
        return self._driver.settings.client_id

    @property
    def user_id(self) -> str | None:
        """The end user this client acts for, if any."""
        return self._driver.settings.user_id

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, client_id={self.client_id!r}, "
            f"user_id={self.user_id!r})"
        )
