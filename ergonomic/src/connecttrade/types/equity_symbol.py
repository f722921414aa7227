"""US equity symbols, modelled as parts and rendered in three suffix dialects.

Sources write the same security differently (``BRK/B``, ``BRK B``, ``BRK.B``), so an
:class:`EquitySymbol` holds the parts — root, share class, preferred series, rights,
warrants, when-issued — and :meth:`EquitySymbol.render` writes any dialect. Connect Trade
speaks CQS, which is what ``str()`` gives.

The suffixes follow Nasdaq's "Ticker Symbol Convention" table
(https://www.nasdaqtrader.com/Trader.aspx?id=CQSSymbolConvention), columns "CQS Suffix",
"CMS Suffix" and "NASDAQ Integrated Platform Suffix" (the dot style used for order entry
over RASH, OUCH and INET FIX, and for ITCH data)::

    security               CQS       CMS         NASDAQ
    class B                BRK/B     BRK B       BRK.B
    preferred              IBMp      IBM PR      IBM-
    preferred series A     IBMpA     IBM PRA     IBM-A
    rights                 IBMr      IBM RT      IBM^
    warrants               IBM/WS    IBM WS      IBM+
    warrants class A       IBM/WS/A  IBM WSA     IBM+A
    when issued            IBMw      IBM WI      IBM#
    class B when issued    BRK/Bw    BRK BWI     BRK.B#

When-issued combines with every other form by appending its suffix (``pAw``, ``RTWI``,
``+#``), as in the table's "Rights when issued" and "Preferred 'A' when issued" rows. The
table's rarer categories (called, when distributed, units, convertible, partial paid) are
not modelled and are rejected rather than misread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from connecttrade.types.root_error import ConnectTradeError

__all__ = ["Dialect", "EquitySymbol", "InvalidEquitySymbol"]

_LETTER_RE = re.compile(r"[A-Z]")
_ROOT_RE = re.compile(r"[A-Z]{1,6}")
_MAX_ROOT_LEN = 6


class Dialect(StrEnum):
    """A suffix convention for equity symbols."""

    CQS = "CQS"  # NYSE Consolidated Quote System: what Connect Trade uses.
    CMS = "CMS"  # NYSE Common Message Switch: a space, then upper-case suffixes.
    NASDAQ = "NASDAQ"  # Nasdaq Integrated Platform: ".B", "-A", "^", "+", "#".


# One pattern per dialect. Every suffix is optional and the groups are named alike, so a
# single function turns any match into parts. Alternatives are tried in order, and the
# patterns are anchored by fullmatch, so "WSWI" in CMS reads as warrants + when-issued.
_PATTERNS: dict[Dialect, re.Pattern[str]] = {
    Dialect.CQS: re.compile(
        r"(?P<root>[A-Z]{1,6})"
        r"(?:(?P<pref>p)(?P<series>[A-Z])?|(?P<rights>r)"
        r"|(?P<warrants>/WS)(?:/(?P<wclass>[A-Z]))?|/(?P<cls>[A-Z]))?"
        r"(?P<wi>w)?"
    ),
    Dialect.CMS: re.compile(
        r"(?P<root>[A-Z]{1,6})"
        r"(?: (?=.)"  # a space is only written before a non-empty suffix
        r"(?:(?P<pref>PR)(?P<series>[A-Z])?|(?P<rights>RT)"
        r"|(?P<warrants>WS)(?P<wclass>[A-Z])?|(?P<cls>[A-Z]))?"
        r"(?P<wi>WI)?)?"
    ),
    Dialect.NASDAQ: re.compile(
        r"(?P<root>[A-Z]{1,6})"
        r"(?:(?P<pref>-)(?P<series>[A-Z])?|(?P<rights>\^)"
        r"|(?P<warrants>\+)(?P<wclass>[A-Z])?|\.(?P<cls>[A-Z]))?"
        r"(?P<wi>\#)?"
    ),
}

_SUFFIX_FORMS: dict[Dialect, str] = {
    Dialect.CQS: "p, pA, r, /WS, /WS/A, /A, each optionally followed by w",
    Dialect.CMS: "' PR', ' PRA', ' RT', ' WS', ' WSA', ' A', each optionally followed by WI",
    Dialect.NASDAQ: "-, -A, ^, +, +A, .A, each optionally followed by #",
}


class InvalidEquitySymbol(ConnectTradeError, ValueError):  # noqa: N818 -- named for what is invalid, like InvalidTransition
    """An equity symbol, or the parts given to build one, cannot be understood."""

    def __init__(self, problem: str, text: str | None = None, dialect: str | None = None) -> None:
        self.problem = problem
        self.text = text
        self.dialect = dialect
        where = "equity symbol parts" if text is None else f"{dialect} equity symbol {text!r}"
        super().__init__(f"invalid {where}: {problem}")

    def __reduce__(
        self,
    ) -> tuple[type[InvalidEquitySymbol], tuple[str, str | None, str | None]]:
        # The default reduction replays ``args`` (the formatted message) into __init__.
        return type(self), (self.problem, self.text, self.dialect)


@dataclass(frozen=True, slots=True)
class EquitySymbol:
    """A US equity symbol as parts; constructing it checks the parts fit together.

    ``share_class`` is the class letter of common shares (``BRK/B``) or, with
    ``warrants``, the warrant class (``/WS/A``). A preferred issue's letter goes in
    ``preferred_series`` instead. Preferred, rights and warrants exclude each other.
    """

    root: str
    share_class: str | None = None
    preferred: bool = False
    preferred_series: str | None = None
    rights: bool = False
    warrants: bool = False
    when_issued: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.root, str) or _ROOT_RE.fullmatch(self.root) is None:
            raise InvalidEquitySymbol(f"bad root: {self.root!r} must be 1-6 letters A-Z")
        for name in ("share_class", "preferred_series"):
            letter = getattr(self, name)
            if letter is not None and (
                not isinstance(letter, str) or _LETTER_RE.fullmatch(letter) is None
            ):
                raise InvalidEquitySymbol(f"bad {name}: {letter!r} must be one letter A-Z")
        for name in ("preferred", "rights", "warrants", "when_issued"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidEquitySymbol(f"bad {name}: {getattr(self, name)!r} is not a bool")
        if self.preferred + self.rights + self.warrants > 1:
            raise InvalidEquitySymbol(
                "bad parts: preferred, rights and warrants are different securities; "
                "set at most one"
            )
        if self.preferred_series is not None and not self.preferred:
            raise InvalidEquitySymbol("bad parts: preferred_series requires preferred=True")
        if self.share_class is not None and (self.preferred or self.rights):
            # No convention writes a class letter on a preferred or a right: a preferred's
            # letter is its series, and rights carry no class.
            raise InvalidEquitySymbol(
                "bad parts: share_class cannot be combined with preferred or rights "
                "(use preferred_series for a preferred issue)"
            )

    @classmethod
    def parse(cls, text: str, dialect: Dialect | str = Dialect.CQS) -> EquitySymbol:
        """Parse ``text`` written in ``dialect``; raise :class:`InvalidEquitySymbol`."""
        dialect = Dialect(dialect)
        if not isinstance(text, str):
            raise InvalidEquitySymbol(f"bad type: expected str, got {type(text).__name__}")
        match = _PATTERNS[dialect].fullmatch(text)
        if match is None:
            raise InvalidEquitySymbol(_diagnose(text, dialect), text, dialect)
        groups = match.groupdict()
        return cls(
            root=groups["root"],
            share_class=groups["cls"] or groups["wclass"],
            preferred=groups["pref"] is not None,
            preferred_series=groups["series"],
            rights=groups["rights"] is not None,
            warrants=groups["warrants"] is not None,
            when_issued=groups["wi"] is not None,
        )

    def render(self, dialect: Dialect | str = Dialect.CQS) -> str:
        """Write the symbol in ``dialect``."""
        dialect = Dialect(dialect)
        cls = self.share_class or ""
        series = self.preferred_series or ""
        if dialect is Dialect.CQS:
            if self.preferred:
                suffix = f"p{series}"
            elif self.rights:
                suffix = "r"
            elif self.warrants:
                suffix = f"/WS/{cls}" if cls else "/WS"
            else:
                suffix = f"/{cls}" if cls else ""
            return f"{self.root}{suffix}{'w' if self.when_issued else ''}"
        if dialect is Dialect.CMS:
            if self.preferred:
                suffix = f"PR{series}"
            elif self.rights:
                suffix = "RT"
            elif self.warrants:
                suffix = f"WS{cls}"
            else:
                suffix = cls
            suffix += "WI" if self.when_issued else ""
            return f"{self.root} {suffix}" if suffix else self.root
        if self.preferred:
            suffix = f"-{series}"
        elif self.rights:
            suffix = "^"
        elif self.warrants:
            suffix = f"+{cls}"
        else:
            suffix = f".{cls}" if cls else ""
        return f"{self.root}{suffix}{'#' if self.when_issued else ''}"

    def __str__(self) -> str:
        return self.render(Dialect.CQS)

    @property
    def is_common(self) -> bool:
        """True for plain common stock: no class, preferred, rights, warrants or when-issued."""
        return self == EquitySymbol(self.root)


def _diagnose(text: str, dialect: Dialect) -> str:
    """Say what is wrong with ``text``, which the dialect's pattern did not match."""
    if not text:
        return "bad root: the symbol is empty"
    root_end = 0
    while root_end < len(text) and "A" <= text[root_end] <= "Z":
        root_end += 1
    if root_end == 0:
        return f"bad root: must start with 1-{_MAX_ROOT_LEN} letters A-Z"
    if root_end > _MAX_ROOT_LEN:
        # No suffix in any dialect starts with a capital letter (CMS puts a space first),
        # so the whole leading run of capitals is the root.
        return f"bad root: {text[:root_end]!r} is longer than {_MAX_ROOT_LEN} letters"
    problem = (
        f"bad suffix: {text[root_end:]!r} is not a {dialect} suffix "
        f"(expected {_SUFFIX_FORMS[dialect]})"
    )
    others = [d for d in Dialect if d is not dialect and _PATTERNS[d].fullmatch(text)]
    if others:
        problem += f"; it is valid in the {others[0]} dialect"
    return problem
