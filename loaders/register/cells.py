"""The register template's cell vocabulary: headings, ticks, interest types, direct/indirect, dates
and nil returns. Each reader takes one cell's value (text, or what a spreadsheet holds: a date, a
number, a bool) and returns what it means, or raises :class:`BadValue` saying what was expected.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

from rapidfuzz import fuzz, process

from loaders.matching import fold

# ---- the template's columns ----------------------------------------------------------------------
# field -> the template's own heading, used by the writers and in messages.
TEMPLATE_HEADINGS = {
    "name": "Name",
    "position": "Current position(s) held",
    "declared_interest": "Declared Interest (Name of the organisation and nature of business)",
    "interest_type": "Type of Interest",
    "tick_financial": "Financial Interest",
    "tick_professional": "Non-Financial Professional Interest",
    "tick_personal": "Non-Financial Personal Interest",
    "direct": "Is the interest direct or indirect?",
    "nature": "Nature of Interest",
    "date_from": "From",
    "date_to": "To",
    "mitigation": "Action taken to mitigate risk",
}
TICK_TYPES = {"tick_financial": "financial", "tick_professional": "non_financial_professional",
              "tick_personal": "non_financial_personal"}
# Strongest first: a row ticked twice records the type that matters most for a conflict.
TYPE_RANK = ("financial", "non_financial_professional", "non_financial_personal", "indirect")

TICK_YES = {"x", "✓", "✔", "√", "☑", "☒", "✗", "✘", "ü", "yes", "y", "true", "1", "tick", "ticked", "*"}
TICK_NO = {"", "no", "n", "false", "0", "-", "–", "—", "n/a", "na", "none"}

NIL_TEXTS = {"nil", "none", "nil return", "nil declaration", "none declared", "nothing to declare",
             "no interests", "no interests to declare", "no interest to declare", "no interests declared",
             "no declarations", "no declaration", "no relevant interests", "not applicable", "n/a", "na",
             "nil interests", "nil to declare", "none to declare"}

OPEN_DATES = {"", "ongoing", "on going", "on-going", "present", "current", "currently", "to date",
              "to present", "date", "continuing", "continues", "still current", "n/a", "na", "-", "–",
              "—", "unknown", "not known", "open"}

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9


# How close a word must be to a template word to be read as that word misspelt (ratio, 0-100).
TYPO_SCORE = 80.0
# Words that say an interest is indirect, or direct, inside its text when no column says so.
INDIRECT_TEXT = re.compile(r"\bindirect(?:ly)?\b")
DIRECT_TEXT = re.compile(r"(?<!in)\bdirect(?:ly)?\b")
# "01/01/2014 - 31/03/2016", "2014 to 2016": the two ends of a range in one cell.
RANGE_SPLIT = re.compile(r"\s+(?:-|–|—|to|until|till)\s+|\s*[–—]\s*")


class BadValue(ValueError):
    """A cell that cannot be read; the message says what was expected."""


# ---- reading cells -------------------------------------------------------------------------------
def cell_text(value: Any) -> str:
    """A cell as the text a person reads: dates as ISO, whole numbers without ".0", blank lines dropped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Line breaks inside a cell often separate the organisation from the nature of the interest.
    lines = (" ".join(line.split()) for line in str(value).splitlines())
    return "\n".join(line for line in lines if line)


def parse_tick(value: Any) -> bool:
    if value is True or value is False:
        return value
    text = cell_text(value).lower().rstrip(".")
    if text in TICK_YES:
        return True
    if text in TICK_NO:
        return False
    raise BadValue("expected a tick (X, ✓, Yes) or blank")


def parse_interest_type(value: Any) -> tuple[list[str], bool | None]:
    """The interest types named in a single "Type of Interest" cell, and whether it says indirect."""
    text = fold(cell_text(value).replace("non-", "non "))
    text = re.sub(r"\binterests?\b", " ", text)
    text = " ".join(text.replace("nonfinancial", "non financial").split())
    if not text or text in ("n a", "na", "none", "not applicable"):
        return [], None
    text = _spelled(text, ("financial", "professional", "personal", "indirect", "direct", "pecuniary"))
    found: list[str] = []
    if re.search(r"(?<!non )\bfinancial\b|\bpecuniary\b", text) or text in ("f", "fin"):
        found.append("financial")
    if "professional" in text:
        found.append("non_financial_professional")
    if "personal" in text:
        found.append("non_financial_personal")
    indirect = bool(re.search(r"\bindirect\b", text))
    if not found and not indirect:
        raise BadValue("expected Financial, Non-Financial Professional, Non-Financial Personal or Indirect")
    return found, (False if indirect else None)


def _spelled(text: str, words: tuple[str, ...]) -> str:
    """``text`` with each word of 6 letters or more that is a near miss of one of ``words`` (a typo such
    as "Finanical", "Profesional", "Indriect") spelled as that word."""
    out = []
    for token in text.split():
        if len(token) >= 6 and token not in words:
            best = process.extractOne(token, words, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
            token = best[0] if best else token
        out.append(token)
    return " ".join(out)


def parse_direct(value: Any) -> bool | None:
    text = _spelled(fold(cell_text(value)), ("direct", "indirect", "directly", "indirectly"))
    if not text:
        return None
    if text.startswith("indirect") or text in ("i", "ind"):
        return False
    if text.startswith("direct") or text == "d":
        return True
    raise BadValue("expected Direct or Indirect")


def parse_register_date(value: Any, *, end: bool) -> str | None:
    """An ISO date, or None when open. ``end`` picks the last day of a month/year (a To date)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return _year(int(value), end)
        raise BadValue("expected a date such as 01/04/2015, 1 April 2015, April 2015 or 2015")
    raw = cell_text(value)
    text = raw.lower().strip(" .")
    text = re.sub(r"^(?:from|since|until|till|to|wef|w\.e\.f\.?|c\.?|circa|approx\.?)\s+", "", text)
    text = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text)
    if text in OPEN_DATES:
        return None
    try:
        return _parse_date_text(text, end)
    except ValueError as exc:
        if isinstance(exc, BadValue):
            raise
        raise BadValue(f"expected a real calendar date ({exc})") from None


def parse_date_range(value: Any) -> tuple[str | None, str | None]:
    """Both ends of an interest from one "Date of Interest" cell: "2010 Ongoing", "April 2018 Ongoing",
    "01/01/2014 - 31/03/2016", "2014 to 2016", a single date (the start), or blank."""
    if not isinstance(value, str):
        return parse_register_date(value, end=False), None
    text = " ".join(cell_text(value).split())
    low = text.lower()
    for word in sorted(OPEN_DATES, key=len, reverse=True):
        if len(word) > 2 and low.endswith(" " + word):
            return parse_register_date(text[: -len(word)].strip(" -–—,"), end=False), None
    parts = RANGE_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0].strip():
        return parse_register_date(parts[0], end=False), parse_register_date(parts[1], end=True)
    return parse_register_date(text, end=False), None


def direct_in_text(*texts: str) -> bool | None:
    """Whether an interest's own words say it is indirect (False) or direct (True); None if they do not."""
    words = fold(" ".join(texts))
    if INDIRECT_TEXT.search(words):
        return False
    if DIRECT_TEXT.search(words):
        return True
    return None


def _year(year: int, end: bool) -> str:
    return dt.date(year, 12, 31).isoformat() if end else dt.date(year, 1, 1).isoformat()


def _month(year: int, month: int, end: bool) -> str:
    if not 1 <= month <= 12:
        raise BadValue("expected a month between 1 and 12")
    day = calendar.monthrange(year, month)[1] if end else 1
    return dt.date(year, month, day).isoformat()


def _full_year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 70 else 1900 + n
    return n


def _month_number(name: str) -> int:
    month = MONTHS.get(name.rstrip("."))
    if month is None:
        raise BadValue(f"expected a month name, got {name!r}")
    return month


def _parse_date_text(text: str, end: bool) -> str:
    if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})", text):
        return dt.date(_full_year(m[3]), int(m[2]), int(m[1])).isoformat()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", text):
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    if m := re.fullmatch(r"(\d{1,2})[\s\-]+([a-z]+\.?),?[\s\-]+(\d{4}|\d{2})", text):
        return dt.date(_full_year(m[3]), _month_number(m[2]), int(m[1])).isoformat()
    if m := re.fullmatch(r"([a-z]+\.?)\s+(\d{1,2}),?\s+(\d{4})", text):
        return dt.date(int(m[3]), _month_number(m[1]), int(m[2])).isoformat()
    if m := re.fullmatch(r"([a-z]+\.?)[\s\-,]+(\d{4}|\d{2})", text):
        return _month(_full_year(m[2]), _month_number(m[1]), end)
    if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{4})", text):
        return _month(int(m[2]), int(m[1]), end)
    if m := re.fullmatch(r"(\d{4})[/\-](\d{2})", text):
        first, second = int(m[1]), int(m[2])
        if second == (first + 1) % 100:  # financial year 2015/16: April to March
            return dt.date(first + 1, 3, 31).isoformat() if end else dt.date(first, 4, 1).isoformat()
        return _month(first, second, end)
    if m := re.fullmatch(r"(\d{4})", text):
        return _year(int(m[1]), end)
    raise BadValue("expected a date such as 01/04/2015, 1 April 2015, April 2015, 2015, or "
                   "ongoing/present/blank")


NIL_KEYS = frozenset(fold(t) for t in NIL_TEXTS)


def is_nil(text: str) -> bool:
    """A nil return: "Nil", "None", "Nothing to declare", "N/A" ..."""
    return fold(text) in NIL_KEYS


def header_key(value: str) -> str:
    """A heading as it is compared: no bracketed text, "non-" as "non", folded."""
    text = re.sub(r"\([^)]*\)", " ", value)  # "(s)", "(Name of the organisation ...)"
    return fold(text.replace("non-", "non "))
