"""The one vocabulary for time: every "live on a date" question in orggraph is answered here.

Dates are ISO strings (``yyyy-mm-dd``), which compare correctly as strings. A node or relationship
carries ``valid_from`` / ``valid_to``, both inclusive, either missing for an open end. Open ends are
written as :data:`OPEN_LO` and :data:`OPEN_HI`, so "live on d" is two string comparisons,
``lo <= d <= hi``: the engine's indexes keep windows in that form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

# Open bounds as strings: "" sorts before every date and "9999-12-31" after every real one.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
OPEN_LO = ""
OPEN_HI = "9999-12-31"


class Window(NamedTuple):
    """A closed interval of ISO dates; :data:`OPEN_LO` / :data:`OPEN_HI` for open ends."""

    lo: str = OPEN_LO
    hi: str = OPEN_HI

    def live(self, on: str) -> bool:
        return self.lo <= on <= self.hi

    def intersect(self, other: Window) -> Window:
        # One of the two when it lies within the other (the common case on a path): no new tuple.
        if other.lo <= self.lo and self.hi <= other.hi:
            return self
        if self.lo <= other.lo and other.hi <= self.hi:
            return other
        return Window(max(self.lo, other.lo), min(self.hi, other.hi))

    @property
    def empty(self) -> bool:
        return self.lo > self.hi


ALWAYS = Window()


def lo_of(props: Mapping[str, Any]) -> str:
    """The start of a record's validity (``valid_from``, or open)."""
    return props.get("valid_from") or OPEN_LO


def hi_of(props: Mapping[str, Any]) -> str:
    """The end of a record's validity (``valid_to``, or open)."""
    return props.get("valid_to") or OPEN_HI


def window_of(props: Mapping[str, Any]) -> Window:
    """A record's validity as a :class:`Window`."""
    return Window(lo_of(props), hi_of(props))


def live(lo: str, hi: str, on: str) -> bool:
    """True when ``on`` falls within ``[lo, hi]`` (bounds already in open-bound form)."""
    return lo <= on <= hi


def is_live(props: Mapping[str, Any], on: str) -> bool:
    """True when a node or relationship is live on ISO date ``on`` (inclusive bounds, open if missing)."""
    return lo_of(props) <= on <= hi_of(props)


def live_or_undated(props: Mapping[str, Any], on: str | None) -> bool:
    """:func:`is_live` when a date is given; everything counts when none is (views without a date)."""
    return on is None or is_live(props, on)


def iso(d: dt.date | str | None) -> str | None:
    """Normalise a date argument to the ISO string the graph stores (None for missing); ValueError if
    it is not a calendar date as ``yyyy-mm-dd``."""
    if d is None or d == "":
        return None
    if isinstance(d, dt.date):
        return d.isoformat()
    text = str(d)
    # Python 3.11's fromisoformat also takes 20200101 and 2020-W01-1: not the one format.
    if not _ISO_DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not a date as yyyy-mm-dd")
    return dt.date.fromisoformat(text).isoformat()


def today() -> str:
    """Today as an ISO string (the default "as of" of a question)."""
    return dt.date.today().isoformat()


def day_before(on: str) -> str:
    """The ISO date one day before ``on``."""
    return (dt.date.fromisoformat(on) - dt.timedelta(days=1)).isoformat()


def day_after(on: str) -> str:
    """The ISO date one day after ``on``."""
    return (dt.date.fromisoformat(on) + dt.timedelta(days=1)).isoformat()


def describe(valid_from: str | None, valid_to: str | None) -> str:
    """A validity in words, for explanations: "2016-04-01 to 2018-03-31", "from 2016-04-01", "undated"."""
    if valid_from and valid_to:
        return f"{valid_from} to {valid_to}"
    if valid_from:
        return f"from {valid_from}"
    if valid_to:
        return f"until {valid_to}"
    return "undated"
