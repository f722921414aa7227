"""The order engine: admission, rejection, matching against the simulated market, the
lifecycle (through ``lifecycle.transition`` only) and booking fills.

Time only moves through ``step(now)``. The HTTP layer calls it before each request and a
background task calls it while the clock runs, so a request handler never sees stale state.
Work that a real broker answers "a moment later" (cancel and replace confirmations, the
parts of a scripted partial fill) happens on the next step, which is why ``DELETE`` answers
``pending_cancel`` and the next read shows ``cancelled``.
"""

from __future__ import annotations

from connecttrade_mock.broker._admission import _Admission
from connecttrade_mock.broker._amending import _Amending
from connecttrade_mock.broker._clockwork import _Clockwork
from connecttrade_mock.broker._matching import _Matching
from connecttrade_mock.broker._reserves import _Reserves

__all__ = ["Engine"]


class Engine(_Clockwork, _Admission, _Reserves, _Amending, _Matching):
    """Owns every state change of orders, positions and cash. Its parts, one concept each:
    time stepping (``_clockwork.py``), admission (``_admission.py``), reserves and money
    (``_reserves.py``), cancel and modify (``_amending.py``), matching and booking
    (``_matching.py``), all changing state through the one lifecycle of
    ``_engine_core.py``."""
