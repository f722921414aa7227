"""The headers each kind of call sends, worked out once per client instead of per request.

httpx normalises every per-request header again on every request before merging it into
the pool's, while headers already on the pool are copied as they are. So a client that
makes its own pool puts ``accept`` and its credentials on the pool (:func:`pool_headers`)
and each call sends only what differs: nothing for a user-level call, the user pair taken
off for a platform-level one, another user's pair for a ``for_user`` client sharing the
pool. A pool passed in by the caller is never changed; calls on it send every header.
"""

from __future__ import annotations

from dataclasses import dataclass

from connecttrade._exceptions import MissingCredentialsError
from connecttrade._http.calls import Auth, HttpCall
from connecttrade._http.settings import Settings

__all__ = ["AuthHeaders", "HeaderPlan", "pool_headers"]

_ACCEPT = {"accept": "application/json"}


@dataclass(frozen=True, slots=True, repr=False)
class HeaderPlan:
    """What one kind of call adds to the pool's headers, and which of them it takes off."""

    #: Headers to send with the request (``None``: the pool's are all it needs). They hold
    #: secrets, so the repr names them only.
    add: dict[str, str] | None
    #: Pool headers this call must not send (the user pair, on a platform-level call).
    drop: tuple[str, ...]

    def __repr__(self) -> str:
        return f"HeaderPlan(add={sorted(self.add or ())}, drop={list(self.drop)})"


def pool_headers(settings: Settings) -> dict[str, str]:
    """The headers a pool made by the client carries: ``accept`` and every credential."""
    auth = Auth.CLIENT if settings.user_id is None else Auth.USER
    return {**_ACCEPT, **settings.headers(auth, "")}


def _wanted(settings: Settings, auth: Auth) -> dict[str, str] | None:
    try:
        return {**_ACCEPT, **settings.headers(auth, "")}
    except MissingCredentialsError:
        return None


class AuthHeaders:
    """The header plan of each :class:`Auth`, for ``settings`` on a pool that carries
    ``pool_settings``' headers (``None``: a pool passed in, carrying none of ours)."""

    __slots__ = ("_plans", "_settings")

    def __init__(self, settings: Settings, pool_settings: Settings | None) -> None:
        on_pool = {} if pool_settings is None else pool_headers(pool_settings)
        self._settings = settings
        self._plans: dict[Auth, HeaderPlan] = {}
        for auth in Auth:
            wanted = _wanted(settings, auth)
            if wanted is None:
                continue  # missing credentials: raised when a call needs them
            add = {key: value for key, value in wanted.items() if on_pool.get(key) != value}
            drop = tuple(key for key in on_pool if key not in wanted)
            self._plans[auth] = HeaderPlan(add or None, drop)

    def plan(self, call: HttpCall) -> HeaderPlan:
        """The plan for ``call``; raises MissingCredentialsError before anything is sent."""
        plan = self._plans.get(call.auth)
        if plan is None:
            # settings.headers raises the error naming the call and the fix.
            self._settings.headers(call.auth, f"{call.method} {call.path}")
            raise AssertionError("unreachable: the credentials were missing a moment ago")
        return plan
