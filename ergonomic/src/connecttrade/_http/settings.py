"""A client's fixed configuration: base URL, credentials (env fallbacks), timeout, retries."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

import httpx

from connecttrade._exceptions import MissingCredentialsError
from connecttrade._http.calls import Auth
from connecttrade.types.secret import Secret

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "Settings", "as_timeout"]

DEFAULT_BASE_URL = "https://api.connecttrade.com"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

_ENV = {
    "base_url": "CONNECTTRADE_BASE_URL",
    "client_id": "CONNECTTRADE_CLIENT_ID",
    "client_secret": "CONNECTTRADE_CLIENT_SECRET",
    "user_id": "CONNECTTRADE_USER_ID",
    "user_secret": "CONNECTTRADE_USER_SECRET",
}


def as_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """A caller's timeout as an ``httpx.Timeout`` (``None`` waits forever)."""
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


def _pick(name: str, given: str | None, env: Mapping[str, str]) -> str | None:
    value = given if given is not None else env.get(_ENV[name])
    return value or None


def _secret(value: str | Secret | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value
    return Secret(value) if value else None


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a driver needs to know to send a call; secrets stay wrapped."""

    base_url: str
    client_id: str
    client_secret: Secret
    user_id: str | None
    user_secret: Secret | None
    #: Sent with every request; ``None`` leaves the timeout to the ``httpx`` pool.
    timeout: httpx.Timeout | None
    max_retries: int

    @classmethod
    def resolve(
        cls,
        *,
        base_url: str | None,
        client_id: str | None,
        client_secret: str | Secret | None,
        user_id: str | None,
        user_secret: str | Secret | None,
        timeout: httpx.Timeout | None,
        max_retries: int,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Take each value as given, else from its ``CONNECTTRADE_*`` variable.

        ``timeout=None`` here means "per-request timeout not set": the pool's applies.
        """
        env = os.environ if env is None else env
        if isinstance(client_secret, str):
            client_secret = client_secret or None
        if isinstance(user_secret, str):
            user_secret = user_secret or None
        resolved_client_id = _pick("client_id", client_id, env)
        resolved_client_secret = _secret(
            client_secret if client_secret is not None else env.get(_ENV["client_secret"])
        )
        if resolved_client_id is None or resolved_client_secret is None:
            raise MissingCredentialsError(
                "the client pair is required: pass client_id= and client_secret=, or set "
                "CONNECTTRADE_CLIENT_ID and CONNECTTRADE_CLIENT_SECRET"
            )
        resolved_user_id = _pick("user_id", user_id, env)
        resolved_user_secret = _secret(
            user_secret if user_secret is not None else env.get(_ENV["user_secret"])
        )
        if (resolved_user_id is None) != (resolved_user_secret is None):
            raise MissingCredentialsError(
                "user credentials come in pairs: give both user_id and user_secret "
                "(or CONNECTTRADE_USER_ID and CONNECTTRADE_USER_SECRET), or neither"
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be a whole number >= 0, got {max_retries!r}")
        url = _pick("base_url", base_url, env) or DEFAULT_BASE_URL
        return cls(
            base_url=url.rstrip("/"),
            client_id=resolved_client_id,
            client_secret=resolved_client_secret,
            user_id=resolved_user_id,
            user_secret=resolved_user_secret,
            timeout=timeout,
            max_retries=max_retries,
        )

    def for_user(self, user_id: str, user_secret: str | Secret) -> Settings:
        """The same settings acting for another end user."""
        secret = _secret(user_secret)
        if not user_id or secret is None:
            raise MissingCredentialsError("for_user needs a non-empty user_id and user_secret")
        return replace(self, user_id=user_id, user_secret=secret)

    def headers(self, auth: Auth, what: str) -> dict[str, str]:
        """The auth headers of one call; raises before sending when the user pair is missing."""
        headers = {"client-id": self.client_id, "client-secret": self.client_secret.reveal()}
        if auth is Auth.USER:
            if self.user_id is None or self.user_secret is None:
                raise MissingCredentialsError(
                    f"{what} acts for an end user: create the client with user_id= and "
                    "user_secret= (or CONNECTTRADE_USER_ID and CONNECTTRADE_USER_SECRET), "
                    "or use client.for_user(user_id, user_secret)"
                )
            headers["user-id"] = self.user_id
            headers["user-secret"] = self.user_secret.reveal()
        return headers

    def redact(self, text: str) -> str:
        """``text`` with every secret this client holds masked (for messages from outside)."""
        for secret in (self.client_secret, self.user_secret):
            if secret is not None:
                text = text.replace(secret.reveal(), "****")
        return text
