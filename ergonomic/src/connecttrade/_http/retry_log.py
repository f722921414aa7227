"""Retry notices on the SDK's own logger, through stamina's documented instrumentation.

stamina reports every scheduled retry to its on-retry hooks; its default hook logs a bare
``stamina.retry_scheduled`` line on the ``stamina`` logger, which Python prints on stderr
when logging is not configured. The SDK instead logs its retries on
``connecttrade.retries`` at INFO (silent unless the program enables logging), naming the
call's method and path, the attempt about to be made, the wait before it and the failure's
type: never headers, bodies, query strings or secrets.

stamina's hooks are process-wide (``stamina.instrumentation.set_on_retry_hooks``), so the
SDK wraps the hooks in force instead of replacing them. A retry inside an SDK call (marked
by :func:`retrying`) is logged on the SDK's logger and passed on to every wrapped hook but
stamina's stock log hooks (``LoggingOnRetryHook``, ``StructlogOnRetryHook``), so a
program's own hooks and Prometheus counters still see it; every other retry of the program
goes to all the wrapped hooks exactly as before. The wrap is (re)installed when an SDK call
retries, so hooks a program sets later are wrapped in turn.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack
from contextvars import ContextVar
from types import CodeType

from stamina.instrumentation import (
    LoggingOnRetryHook,
    RetryDetails,
    RetryHook,
    StructlogOnRetryHook,
    get_on_retry_hooks,
    set_on_retry_hooks,
)

from connecttrade._exceptions import APIStatusError
from connecttrade._http.calls import HttpCall

__all__ = ["install", "log", "retrying"]

#: Where the SDK's retry notices go (a child of the ``connecttrade`` logger).
log = logging.getLogger("connecttrade.retries")

_CALL: ContextVar[HttpCall | None] = ContextVar("connecttrade_retrying_call", default=None)
_INSTALL_LOCK = threading.Lock()


class _SdkRetryHook:
    """The one on-retry hook installed: SDK retries are logged here, the rest are passed on
    to the hooks that were in force."""

    __slots__ = ("quiet", "wrapped")

    def __init__(self, wrapped: tuple[RetryHook, ...]) -> None:
        self.wrapped = wrapped
        stock = _stock_log_hook_codes()
        #: The wrapped hooks that also hear of SDK retries: all but stamina's log lines.
        self.quiet = tuple(h for h in wrapped if getattr(h, "__code__", None) not in stock)

    def __call__(self, details: RetryDetails) -> AbstractContextManager[None] | None:
        call = _CALL.get()
        if call is None:
            return _pass_on(self.wrapped, details)
        cause = details.caused_by
        status = cause.status_code if isinstance(cause, APIStatusError) else None
        log.info(
            "retrying %s %s: attempt %d in %.2f s after %s%s",
            call.method,
            call.path,
            details.retry_num + 1,
            details.wait_for,
            type(cause).__name__,
            "" if status is None else f" ({status})",
            extra={
                "connecttrade_method": call.method,
                "connecttrade_path": call.path,
                "connecttrade_attempt": details.retry_num + 1,
                "connecttrade_wait": details.wait_for,
                "connecttrade_status": status,
            },
        )
        return _pass_on(self.quiet, details)


def _pass_on(hooks: Iterable[RetryHook], details: RetryDetails) -> AbstractContextManager[None]:
    stack = ExitStack()
    for hook in hooks:
        entered = hook(details)
        if isinstance(entered, AbstractContextManager):
            stack.enter_context(entered)
    # stamina exits the returned manager right before the next attempt.
    return _closing(stack)


@functools.cache
def _stock_log_hook_codes() -> frozenset[CodeType]:
    """The code of the hooks stamina's stock log factories make (each call makes a new
    function, of the same code)."""
    codes: set[CodeType] = set()
    for factory in (LoggingOnRetryHook, StructlogOnRetryHook):
        try:
            hook = factory.hook_factory()
        except ImportError:  # structlog is optional
            continue
        code = getattr(hook, "__code__", None)
        if isinstance(code, CodeType):
            codes.add(code)
    return frozenset(codes)


@contextlib.contextmanager
def _closing(stack: ExitStack) -> Iterator[None]:
    with stack:
        yield


def install() -> None:
    """Wrap stamina's on-retry hooks in force, unless they are wrapped already."""
    with _INSTALL_LOCK:
        hooks = get_on_retry_hooks()
        if any(isinstance(hook, _SdkRetryHook) for hook in hooks):
            return
        set_on_retry_hooks([_SdkRetryHook(hooks)])


@contextlib.contextmanager
def retrying(call: HttpCall) -> Iterator[None]:
    """Mark the retries scheduled inside the block as ``call``'s (for the hook above)."""
    install()
    token = _CALL.set(call)
    try:
        yield
    finally:
        _CALL.reset(token)
