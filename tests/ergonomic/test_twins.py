"""The sync and async twins stay in step: same public names, signatures and docstrings.

Each sync class of the SDK has an async twin written beside it (``Client`` and
``AsyncClient``, ``Orders`` and ``AsyncOrders``, ``MarketData`` and ``AsyncMarketData``, the
two drivers, the two order handles)
and the stream classes have blocking facades. A twin is a hand copy, so this test is what
keeps the copies equal. They may differ only by the rule below, which the twins' module
docstrings repeat:

* a coroutine (``async def``) in the async twin where the sync one is a plain ``def``;
* ``Async`` (and the sync driver's ``Sync``) prefixes in class names, ``AsyncIterator``
  for ``Iterator``, ``aclose`` for ``close`` and ``__aenter__``/``__aexit__`` for
  ``__enter__``/``__exit__``;
* in docstrings, the words of :data:`DOC_WORDS`: ``"an AsyncClient"`` reads ``"a
  Client"``, the word ``async`` is dropped (``async with`` reads ``with``, ``an async
  client`` reads ``a client``), and so is a parenthesised ````(``async for``)````.

The stream facades (``SyncBrokerageStream`` over ``BrokerageStream`` and so on) are not
copies but blocking wrappers that delegate (their calls take timeouts, their docstrings say
what blocks), so only their names are compared: the names each side has alone are pinned
here, so that adding one to a single side is a deliberate act.
"""

from __future__ import annotations

import inspect
import re

import pytest

from connecttrade._http.async_driver import AsyncDriver
from connecttrade._http.sync_driver import SyncDriver
from connecttrade.rest import async_resources, resources
from connecttrade.rest.async_client import AsyncClient
from connecttrade.rest.client import Client
from connecttrade.rest.market_data import AsyncMarketData, MarketData
from connecttrade.rest.order_handle import AsyncOrderHandle, OrderHandle
from connecttrade.streams.account_view import LiveAccountView
from connecttrade.streams.brokerage import BrokerageStream
from connecttrade.streams.market_data import MarketDataStream
from connecttrade.streams.sync import SyncAccountView, SyncBrokerageStream, SyncMarketDataStream

#: Names the async twin spells differently: sync name -> async name.
RENAMED = {"close": "aclose", "__enter__": "__aenter__", "__exit__": "__aexit__"}

#: Docstring words of the async twin and what they read as in the sync one, in order.
DOC_WORDS: tuple[tuple[str, str], ...] = (
    (r" \(``async for``\)", ""),
    (r"\ban AsyncClient\b", "a Client"),
    (r"\basync (?=\w)", ""),
    (r"\baclose\b", "close"),
    (r"\bAsync(?=[A-Z])", ""),
    (r"\bSync(?=Driver)", ""),
)

PAIRS: list[tuple[type, type]] = [
    (Client, AsyncClient),
    (SyncDriver, AsyncDriver),
    (OrderHandle, AsyncOrderHandle),
    (MarketData, AsyncMarketData),
    *[
        (getattr(resources, name), getattr(async_resources, f"Async{name}"))
        for name in resources.__all__
    ],
]

#: Stream facades: (sync, async, names only the sync side has, names only the async side has).
FACADES: list[tuple[type, type, set[str], set[str]]] = [
    (
        SyncBrokerageStream,
        BrokerageStream,
        {"get", "iter"},
        {"events", "last_seq", "send", "stale_after", "start", "topics", "url", "wait_closed"},
    ),
    (
        SyncMarketDataStream,
        MarketDataStream,
        {"get", "iter"},
        {
            "events",
            "send",
            "stale_after",
            "start",
            "token_expires_at",
            "token_renewals",
            "url",
            "wait_closed",
        },
    ),
    (
        SyncAccountView,
        LiveAccountView,
        {"add_stream_listener", "stream_state"},
        {"from_client", "start", "stream"},
    ),
]


def _public(cls: type) -> set[str]:
    names = set(dir(cls)) | set(getattr(cls, "__annotations__", {}))
    return {n for n in names if not n.startswith("_")}


def _unasync(text: str) -> str:
    """An async twin's annotation or signature text, read as the sync twin's."""
    text = re.sub(r"\bAsyncIterator\b", "Iterator", text)
    text = re.sub(r"\bAwaitable\[([^\[\]]*)\]", r"\1", text)
    text = re.sub(r"\bAsync(?=[A-Z])", "", text)
    return re.sub(r"\bSync(?=Driver)", "", text)


def _doc(obj: object, *, is_async: bool) -> str:
    doc = inspect.getdoc(obj) or ""
    if is_async:
        for pattern, replacement in DOC_WORDS:
            doc = re.sub(pattern, replacement, doc)
    return _unasync(" ".join(doc.split()))


def _default(value: object) -> str:
    # time.sleep and asyncio.sleep are twins too: a callable default is known by its name.
    return getattr(value, "__name__", None) or repr(value)


def _signature(member: object) -> str:
    if isinstance(member, property):
        member = member.fget
    if isinstance(member, (classmethod, staticmethod)):
        member = member.__func__
    if not callable(member):
        return type(member).__name__
    signature = inspect.signature(member)
    parameters = [
        p.replace(default=_default(p.default)) if p.default is not p.empty else p
        for p in signature.parameters.values()
    ]
    text = str(signature.replace(parameters=parameters))
    # Both sides: the sync one names SyncDriver where the async one names AsyncDriver.
    return _unasync(text)


def _member(cls: type, name: str) -> object:
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return cls.__annotations__[name]


def _differences(
    sync: type, async_: type, names: set[str], renamed: dict[str, str] = RENAMED
) -> list[str]:
    problems: list[str] = []
    for name in sorted(names):
        twin = renamed.get(name, name)
        ours, theirs = _member(sync, name), _member(async_, twin)
        if isinstance(ours, str) or isinstance(theirs, str):  # an annotated attribute
            if _unasync(str(theirs)) != _unasync(str(ours)):
                problems.append(f"{name}: type {ours!r} vs {theirs!r}")
            continue
        if _signature(ours) != _signature(theirs):
            problems.append(f"{name}: signature {_signature(ours)} vs {_signature(theirs)}")
        if _doc(ours, is_async=False) != _doc(theirs, is_async=True):
            problems.append(f"{name}: docstring differs")
    return problems


def _renamed(names: set[str]) -> set[str]:
    return {RENAMED.get(n, n) for n in names}


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=lambda cls: cls.__name__)
def test_twins_have_the_same_public_names(sync: type, async_: type) -> None:
    """The async twin has exactly the sync class's public names (``aclose`` for ``close``)."""
    assert _renamed(_public(sync)) == _public(async_)


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=lambda cls: cls.__name__)
def test_twins_have_the_same_signatures_and_docstrings(sync: type, async_: type) -> None:
    """Every public member, and the class itself, matches its twin modulo async words."""
    problems = _differences(sync, async_, _public(sync) | {"__init__"})
    if _doc(sync, is_async=False) != _doc(async_, is_async=True):
        problems.append("class docstring differs")
    assert problems == []


@pytest.mark.parametrize(
    ("sync", "async_", "sync_only", "async_only"), FACADES, ids=lambda v: getattr(v, "__name__", "")
)
def test_stream_facades_share_names_and_differ_only_where_pinned(
    sync: type, async_: type, sync_only: set[str], async_only: set[str]
) -> None:
    """A blocking stream facade and its asyncio stream differ only by the pinned names."""
    assert _public(sync) - _public(async_) == sync_only
    assert _public(async_) - _public(sync) == async_only


def _read_as_sync(text: str) -> str:
    return _doc(type("T", (), {"__doc__": text}), is_async=True)


def test_doc_words_only_rewrite_async_phrasing() -> None:
    """The docstring rule maps async phrasing to sync phrasing and leaves other words be."""
    assert _read_as_sync("Make an AsyncClient; use async with.") == "Make a Client; use with."
    assert (
        _read_as_sync("Iterate (``async for``) AsyncIterator values.") == "Iterate Iterator values."
    )
    assert _read_as_sync("Asynchronous, not Async-prefixed.") == "Asynchronous, not Async-prefixed."
