"""Register of interests in the NHS England template (CSV or XLSX): one ``Declaration`` per row.

Template columns: Name; Current position(s) held; Declared Interest (Name of the organisation and
nature of business); Type of Interest (one column, or three tick columns Financial / Non-Financial
Professional / Non-Financial Personal); Is the interest direct or indirect?; Nature of Interest;
Date of Interest From; To; Action taken to mitigate risk.

Reading (real registers are messy):

- The header is found in the first 40 rows of the file (or of each worksheet): title rows above it
  are skipped. Header wording, case, spacing and punctuation vary; a two-row header (the template's
  "Type of Interest" over its three tick columns, "Date of Interest" over From and To, as merged
  cells or as blanks in a CSV) is read as one. A repeated header further down, and a section
  heading row ("Governing Body Members" alone in a row), are skipped and noted. Every worksheet with
  a register header is read; with several, messages and sources name the sheet (``file[sheet]``).
- Ticks: ``X``, ``✓``, ``✔``, ``√``, ``Yes``, ``Y``, ``True``, ``1`` (blank, ``No``, ``-`` = no
  tick). Several ticks on one row record the strongest type (financial, then non-financial
  professional, then personal) and say so in the notes.
- Dates are UK order: ``01/04/2015``, ``1 April 2015``, ``April 2015``, ``04/2015``, ``2015``,
  ``2015/16`` (financial year), ISO, or a real spreadsheet date. A From date of month or year
  precision means its first day, a To date its last day. ``ongoing``, ``present``, ``current``,
  ``to date``, ``unknown`` or blank mean open.
- ``Nil`` / ``None`` / ``Nothing to declare`` rows are nil returns: a Declaration with
  ``nil_return`` true, ``DECLARED`` from the person, no ``CONCERNS`` and no ``resolution``.
- A row with a blank name but an interest continues the person above (a name cell merged down or
  left blank for that person's further interests).

Matching (indexes are built once per file):

- People: by normalised name against ``Person`` nodes. Titles (Dr, Mr, Mrs, Ms, Miss, Mx, Prof,
  Professor, Sir, Dame, Cllr, Rev, ...), post-nominals (MBE, FRCGP, MBChB, ...), bracketed text,
  case, accents and punctuation are ignored, and "Surname, Forename" is turned round. Without an
  exact match, the name with middle initials dropped and then first + last name are tried. Several
  persons → not guessed: the declaration is kept without ``DECLARED`` and listed as unresolved with
  the candidates. No person → a ``Person`` is created (stub, id ``PERSON-`` + hash of the
  normalised name, so reloads and later registers reuse it) and named in the notes.
- Organisations: an ODS code in the text wins (practice ``A12345``, trust ``RXX``/``RXXNN``, CCG
  ``09D``, PCN ``U12345``; any organisation id in the graph counts) if that code is an
  organisation in the graph. Otherwise the text is split into phrases (at dashes, commas,
  brackets, and after "at"/"of"/"in"/"for"...), normalised (case, punctuation, ``&``/and, the,
  Ltd/Limited/LLP/PLC/CIC) and compared with organisation names by ``rapidfuzz.fuzz.ratio``. An
  equal normalised name is ``exact``; otherwise the best score must reach ``ctx.fuzzy_threshold``
  (default 90) and beat any other organisation by more than ``AMBIGUITY_MARGIN`` (5) points, else
  the declaration is unresolved (kept, no ``CONCERNS``) and listed with its candidates and scores.
  Every fuzzy match is named in the notes with its score.

Declaration ids are ``DECL-`` + a hash of (person's normalised name, declared text, interest type,
direct, nature, dates): the same register loaded twice changes nothing.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from loaders.base import FileRejected, LoadContext, ParsedFile, Rejection, Unresolved, head_lines, read_text
from orggraph.graph import OrgGraph
from orggraph.models import Record, RecordError, node, rel
from orggraph.schema import SCHEMA

KIND = "register"
DESCRIPTION = "Register of interests, NHS England template (CSV or XLSX; one or two header rows)"

HEADER_SEARCH_ROWS = 40
AMBIGUITY_MARGIN = 5.0
# Below-threshold candidates worth showing a person who has to resolve a declaration by hand.
CANDIDATE_FLOOR = 60.0
XLSX_SUFFIXES = (".xlsx", ".xlsm")

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

TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "cllr",
          "councillor", "rev", "revd", "reverend", "lord", "lady", "hon", "rt", "dr.", "doctor"}
POST_NOMINALS = {
    "obe", "mbe", "cbe", "kbe", "dbe", "frcgp", "mrcgp", "frcp", "mrcp", "frcs", "mrcs", "frcpsych",
    "mrcpsych", "frcog", "mrcog", "frcpch", "mrcpch", "frcr", "frca", "mbbs", "mbchb", "mbbch", "bmbs",
    "bchir", "mb", "bs", "chb", "bch", "bm", "bsc", "msc", "ma", "mba", "mphil", "phd", "md", "dm",
    "rgn", "rn", "rmn", "dph", "fph", "ffph", "mfph", "dl", "jp", "qc", "kc", "dch", "drcog", "dffp",
    "dfsrh", "fca", "aca", "acca", "cipfa", "cpfa", "fcca", "mcipd", "fcipd", "llb", "ba", "beng",
    "hons", "pgce", "pgcert", "dipl", "dip", "mpharm", "frpharms", "mrpharms", "fhea", "fmedsci",
}
ORG_NOISE = {"ltd", "limited", "llp", "plc", "the", "and", "cic", "llc", "inc"}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# ODS code shapes; a code only counts if it is an organisation already in the graph.
ODS_CODE = re.compile(r"\b(?:[A-Z]\d{5}|R[A-Z0-9]{2,4}|\d{2}[A-Z]|U\d{5})\b")
ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z0-9]")
PHRASE_SPLIT = re.compile(r"\s+[-–—]+\s*|\s*[-–—]+\s+|[,;:()\[\]/|\n]+")
ROLE_WORDS = re.compile(r"\b(?:at|of|in|for|with|by|to|from|within)\b")


class BadValue(ValueError):
    """A cell that cannot be read; the message says what was expected."""


# ---- normalising ---------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Lower case, accents removed, "&" as "and", punctuation as spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _header_key(value: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", value)  # "(s)", "(Name of the organisation ...)"
    return _fold(text.replace("non-", "non "))


def person_key(name: str) -> str:
    """The name as it is compared: no titles, post-nominals, brackets, case or punctuation."""
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", name)
    if "," in text:
        left, right = text.split(",", 1)
        right_tokens = [t for t in _fold(right).split() if t not in POST_NOMINALS and t not in TITLES]
        # "Smith, Jane" -> "Jane Smith"; "Jane Smith, MBE" -> "Jane Smith".
        text = f"{' '.join(right_tokens)} {left}" if right_tokens else left
    tokens = _fold(text).split()
    while tokens and tokens[0] in TITLES:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in POST_NOMINALS:
        tokens.pop()
    return " ".join(tokens)


def _without_initials(key: str) -> str:
    tokens = key.split()
    if len(tokens) <= 2:
        return key
    return " ".join([tokens[0]] + [t for t in tokens[1:-1] if len(t) > 1] + [tokens[-1]])


def _first_last(key: str) -> str:
    tokens = key.split()
    return f"{tokens[0]} {tokens[-1]}" if len(tokens) >= 2 else key


def org_key(name: str) -> str:
    """An organisation name as it is compared: case, punctuation, "the", "&"/and, Ltd/LLP/PLC dropped."""
    return " ".join(t for t in _fold(name).split() if t not in ORG_NOISE)


def _short_hash(*parts: Any) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12].upper()


# ---- reading cells -------------------------------------------------------------------------------
def _text(value: Any) -> str:
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
    text = _text(value).lower().rstrip(".")
    if text in TICK_YES:
        return True
    if text in TICK_NO:
        return False
    raise BadValue("expected a tick (X, ✓, Yes) or blank")


def parse_interest_type(value: Any) -> tuple[list[str], bool | None]:
    """The interest types named in a single "Type of Interest" cell, and whether it says indirect."""
    text = _fold(_text(value).replace("non-", "non "))
    text = re.sub(r"\binterests?\b", " ", text)
    text = " ".join(text.replace("nonfinancial", "non financial").split())
    if not text or text in ("n a", "na", "none", "not applicable"):
        return [], None
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


def parse_direct(value: Any) -> bool | None:
    text = _fold(_text(value))
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
    raw = _text(value)
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


NIL_KEYS = frozenset(_fold(t) for t in NIL_TEXTS)


def is_nil(text: str) -> bool:
    """A nil return: "Nil", "None", "Nothing to declare", "N/A" ..."""
    return _fold(text) in NIL_KEYS


# ---- the sheet as a grid -------------------------------------------------------------------------
@dataclass
class Sheet:
    """One table of cells: rows as (row number as a person sees it, cell values)."""

    name: str | None
    rows: list[tuple[int, list[Any]]]
    # Merged ranges as (min_row, min_col, max_row, max_col), 1-based, xlsx only.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _csv_sheet(path: Path) -> Sheet:
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[Any]]] = []
    start = 1
    try:
        for record in reader:
            # A quoted cell may span lines: report the line the record starts on.
            rows.append((start, list(record)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileRejected(path.name, f"not a readable CSV file ({exc})", start) from None
    return Sheet(None, rows)


def _xlsx_sheets(path: Path) -> list[Sheet]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, data_only=True)  # cached values of formulas
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise FileRejected(path.name, f"not a readable XLSX workbook ({exc})") from None
    sheets = []
    for ws in wb.worksheets:
        rows = [(cells[0].row, [c.value for c in cells]) for cells in ws.iter_rows() if cells]
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        sheets.append(Sheet(ws.title, rows, merges))
    wb.close()
    return sheets


def _read_sheets(path: Path) -> list[Sheet]:
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _xlsx_sheets(path)
    if path.suffix.lower() == ".xls":
        raise FileRejected(path.name, "old Excel .xls files cannot be read; save it as .xlsx or .csv")
    return [_csv_sheet(path)]


# ---- the header ----------------------------------------------------------------------------------
SUB_LABELS = {
    "financial": "tick_financial", "pecuniary": "tick_financial",
    "non financial professional": "tick_professional", "professional": "tick_professional",
    "non financial personal": "tick_personal", "personal": "tick_personal",
    "from": "date_from", "start": "date_from", "start date": "date_from", "date from": "date_from",
    "to": "date_to", "end": "date_to", "end date": "date_to", "date to": "date_to", "until": "date_to",
    "direct": "tick_direct", "indirect": "tick_indirect",
}


def _strip_interest_word(key: str) -> str:
    return " ".join(t for t in key.split() if t not in ("interest", "interests"))


def classify_heading(top: str, sub: str = "") -> str | None:
    """The template field a column heading stands for (``top`` over ``sub`` in a two-row header)."""
    top_k, sub_k = _header_key(top), _header_key(sub)
    sub_bare = _strip_interest_word(sub_k)
    combined = f"{top_k} {sub_k}".strip()
    if not combined:
        return None
    if sub_bare in SUB_LABELS and (not top_k or "type" in top_k or "date" in top_k or "interest" in top_k
                                   or "direct" in top_k):
        return SUB_LABELS[sub_bare]
    words = set(combined.split())
    bare = _strip_interest_word(combined)
    if bare in SUB_LABELS and SUB_LABELS[bare].startswith("tick_") and bare not in ("direct", "indirect"):
        return SUB_LABELS[bare]  # a one-row header with tick columns "Financial Interest", ...
    if "declared" in words or "declaration" in combined or "organisation" in words or "description" in words \
            or ("details" in words and "interest" in words) or combined == "interest":
        return "declared_interest"
    if "type" in words or "category" in words:
        return "interest_type"
    if "direct" in words or "indirect" in words:
        return "direct"
    if "nature" in words:
        return "nature"
    if any(w.startswith("mitigat") for w in words) or "action" in words or "actions" in words:
        return "mitigation"
    if "position" in words or "positions" in words or "role" in words or "job" in words \
            or "capacity" in words:
        return "position"
    if words & {"from", "start", "started", "commenced", "begin"}:
        return "date_from"
    if words & {"to", "end", "ended", "until", "ceased"}:
        return "date_to"
    if "name" in words or "declarer" in words or "member" in words:
        return "name"
    return None


@dataclass
class Header:
    row: int  # the last header row (data starts below it)
    first_row: int
    columns: dict[str, int]  # field -> 0-based column index
    headings: dict[str, str]  # field -> the heading as written (for messages)
    duplicates: list[str] = field(default_factory=list)


def _row_fields(cells: Sequence[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, value in enumerate(cells):
        f = classify_heading(_text(value))
        if f and f not in out:
            out[f] = i
    return out


def _is_sub_header(cells: Sequence[Any]) -> bool:
    texts = [_strip_interest_word(_header_key(_text(v))) for v in cells if _text(v)]
    return bool(texts) and all(t in SUB_LABELS for t in texts)


def _fill_merged_header(sheet: Sheet, grid: dict[int, list[str]]) -> None:
    """Spread a heading merged across columns ("Type of Interest" over three) along its own row.

    A heading merged down over both header rows stays in the top row only: the sub-row cell under it
    is blank, as in a CSV export.
    """
    for r1, c1, _r2, c2 in sheet.merges:
        cells = grid.get(r1)
        if cells is None or c1 - 1 >= len(cells):
            continue
        value = cells[c1 - 1]
        for c in range(c1 + 1, c2 + 1):
            if c - 1 < len(cells) and not cells[c - 1]:
                cells[c - 1] = value


def find_header(sheet: Sheet) -> Header | None:
    rows = sheet.rows[:HEADER_SEARCH_ROWS + 1]
    for idx, (rownum, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = _row_fields(cells)
        if "name" not in fields or not ({"declared_interest", "nature"} & set(fields)) or len(fields) < 3:
            continue
        top = [_text(v) for v in cells]
        sub: list[str] = []
        last = rownum
        if idx + 1 < len(rows) and rows[idx + 1][0] == rownum + 1 and _is_sub_header(rows[idx + 1][1]):
            sub = [_text(v) for v in rows[idx + 1][1]]
            last = rownum + 1
            grid = {rownum: top, rownum + 1: sub}
            _fill_merged_header(sheet, grid)
            top, sub = grid[rownum], grid[rownum + 1]
        width = max(len(top), len(sub))
        top += [""] * (width - len(top))
        sub += [""] * (width - len(sub))
        # A group heading ("Type of Interest", "Date of Interest") stands over the blank cells to
        # its right that have a sub-heading (CSV exports of merged cells leave them blank).
        group = ""
        for i in range(width):
            if top[i]:
                group = top[i] if sub[i] else ""
            elif sub[i] and group:
                top[i] = group
        columns: dict[str, int] = {}
        headings: dict[str, str] = {}
        duplicates: list[str] = []
        for i in range(width):
            f = classify_heading(top[i], sub[i])
            if f is None:
                continue
            heading = f"{top[i]}: {sub[i]}" if top[i] and sub[i] and top[i] != sub[i] else (top[i] or sub[i])
            heading = " ".join(heading.split())
            if f in columns:
                duplicates.append(heading)
                continue
            columns[f] = i
            headings[f] = heading
        return Header(last, rownum, columns, headings, duplicates)
    return None


# ---- matching ------------------------------------------------------------------------------------
class PersonIndex:
    """Person nodes by normalised name, built once per file."""

    def __init__(self, graph: OrgGraph):
        self.names: dict[str, str] = {}
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.no_initials: dict[str, set[str]] = defaultdict(set)
        self.first_last: dict[str, set[str]] = defaultdict(set)
        for pid, data in graph.nodes("Person"):
            name = str(data.get("name") or "")
            if key := person_key(name):
                self.add(pid, name, key)

    def add(self, pid: str, name: str, key: str) -> None:
        self.names[pid] = name
        self.exact[key].add(pid)
        self.no_initials[_without_initials(key)].add(pid)
        self.first_last[_first_last(key)].add(pid)

    def match(self, key: str) -> tuple[list[str], str]:
        """Person ids for a normalised name, and how they were found (exact first, looser after)."""
        for index, lookup, how in ((self.exact, key, "name"),
                                   (self.no_initials, _without_initials(key), "name without middle initials"),
                                   (self.first_last, _first_last(key), "first and last name")):
            ids = index.get(lookup)
            if ids:
                return sorted(ids), how
        return [], ""


@dataclass
class OrgMatch:
    ids: list[str]
    resolution: str  # ods_code | exact | fuzzy | unresolved
    score: float | None
    candidates: list[dict[str, Any]]
    reason: str = ""  # why unresolved: "ambiguous" or "no match"


class OrgIndex:
    """Organisation nodes by id and by normalised name, built once per file."""

    def __init__(self, graph: OrgGraph, threshold: float):
        self.threshold = threshold
        self.info: dict[str, tuple[str, str]] = {}  # id -> (label, name)
        self.by_key: dict[str, list[str]] = defaultdict(list)
        for label in sorted(SCHEMA.organisation_labels):
            for oid, data in graph.nodes(label):
                name = str(data.get("name") or "")
                self.info[oid] = (label, name)
                key = org_key(name)
                if key:
                    self.by_key[key].append(oid)
        self.keys = list(self.by_key)
        self._cache: dict[str, OrgMatch] = {}

    def candidate(self, oid: str, score: float) -> dict[str, Any]:
        label, name = self.info[oid]
        return {"kind": "organisation", "id": oid, "label": label, "name": name, "score": round(score, 1)}

    def codes_in(self, text: str) -> list[str]:
        """Organisation ids written in the text: ODS-shaped codes first, then any other graph id."""
        found: list[str] = []
        for m in ODS_CODE.finditer(text):
            if m.group() in self.info and m.group() not in found:
                found.append(m.group())
        for m in ID_TOKEN.finditer(text):
            token = m.group()
            if token.isalpha():
                continue  # a word, not a code
            for candidate in (token, token.upper()):
                if candidate in self.info and candidate not in found:
                    found.append(candidate)
                    break
        return found

    def resolve(self, text: str) -> OrgMatch:
        if text not in self._cache:
            self._cache[text] = self._resolve(text)
        return self._cache[text]

    def _scores(self, phrases: list[str], cutoff: float, limit: int) -> list[tuple[float, str]]:
        """(best score, normalised organisation name) over every phrase, best first."""
        best: dict[str, float] = {}
        for phrase in phrases:
            for key, score, _ in process.extract(phrase, self.keys, scorer=fuzz.ratio, limit=limit,
                                                 score_cutoff=cutoff):
                best[key] = max(score, best.get(key, 0.0))
        return sorted(((s, k) for k, s in best.items()), key=lambda sk: (-sk[0], sk[1]))

    def _resolve(self, text: str) -> OrgMatch:
        codes = self.codes_in(text)
        if codes:
            return OrgMatch(codes, "ods_code", 100.0, [self.candidate(c, 100.0) for c in codes])
        phrases = org_phrases(text)
        ranked = self._scores(phrases, self.threshold - AMBIGUITY_MARGIN, 5)
        if not ranked or ranked[0][0] < self.threshold:
            near = ranked or self._scores(phrases, CANDIDATE_FLOOR, 3)
            cands = [self.candidate(oid, s) for s, key in near for oid in self.by_key[key]][:5]
            return OrgMatch([], "unresolved", round(near[0][0], 1) if near else None, cands, "no match")
        top_score = ranked[0][0]
        if top_score >= 100.0:
            # Equal names: several distinct organisations named in the text are all concerned; one
            # name shared by several organisations (two "Beech House Surgery") cannot be told apart.
            exact = [key for s, key in ranked if s >= 100.0]
            ids = [oid for key in exact for oid in self.by_key[key]]
            cands = [self.candidate(oid, 100.0) for oid in ids]
            if any(len(self.by_key[key]) > 1 for key in exact):
                return OrgMatch([], "unresolved", 100.0, cands, "ambiguous")
            return OrgMatch(ids, "exact", 100.0, cands)
        close = [(s, key) for s, key in ranked if s >= top_score - AMBIGUITY_MARGIN]
        ids = [oid for _, key in close for oid in self.by_key[key]]
        cands = [self.candidate(oid, s) for s, key in ranked for oid in self.by_key[key]][:5]
        if len(ids) > 1:
            return OrgMatch([], "unresolved", round(top_score, 1), cands, "ambiguous")
        return OrgMatch(ids, "fuzzy", round(top_score, 1), cands[:1])


def org_phrases(text: str) -> list[str]:
    """Normalised phrases of a declared interest that may name an organisation.

    "Partner at Beech House Surgery - GP services" gives the whole text, "partner at beech house
    surgery", "beech house surgery" (after "at") and "gp services".
    """
    out: list[str] = []

    def add(p: str, min_tokens: int = 1) -> None:
        key = org_key(p)
        if key and len(key) >= 4 and len(key.split()) >= min_tokens and key not in out:
            out.append(key)

    add(text)
    for segment in PHRASE_SPLIT.split(text):
        add(segment)
        folded = _fold(segment)
        # The organisation usually follows the role: "director of X", "trustee at X".
        for m in ROLE_WORDS.finditer(folded):
            add(folded[m.end():], min_tokens=2)
    return out


# ---- parsing -------------------------------------------------------------------------------------
def sniff(path: Path, head: list[str]) -> bool:
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _xlsx_looks_like_register(path)
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        head = head_lines(path, HEADER_SEARCH_ROWS)  # title rows may push the header down
    if not head:
        return False
    text = "\n".join(head).lower()
    if ":id" in text or ":start_id" in text or ":label" in text:
        return False  # a graph CSV, even one full of declarations
    return _looks_like_register_text(text)


def _looks_like_register_text(text: str) -> bool:
    text = " ".join(text.replace("-", " ").split())
    return any(k in text for k in ("declared interest", "interest declared", "nature of interest",
                                   "type of interest", "declaration of interest", "declarations of interest",
                                   "register of interest"))


def _xlsx_looks_like_register(path: Path) -> bool:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - not a workbook we can open: not ours
        return False
    try:
        for ws in wb.worksheets:
            for cells in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True):
                row = [_text(v) for v in cells]
                if "name" in _row_fields(row) and _looks_like_register_text(" ".join(row).lower()):
                    return True
    finally:
        wb.close()
    return False


SECTION_WORDS = {"members", "member", "governing", "body", "committee", "committees", "staff", "employees",
                 "employee", "officers", "directors", "team", "section", "part", "practices", "lay",
                 "executive", "executives", "clinical", "leads", "board", "management"}


def _is_section_heading(cells: Sequence[Any]) -> bool:
    """A row with one short cell of group words ("Governing Body Members") that names no person."""
    filled = [_text(c) for c in cells if _text(c)]
    if len(filled) != 1 or len(filled[0]) > 60:
        return False
    words = _fold(filled[0]).split()
    return bool(words) and sum(w in SECTION_WORDS for w in words) >= max(1, len(words) - 1)


@dataclass
class _Row:
    """One data row's cells by field."""

    cells: dict[str, Any]

    def text(self, f: str) -> str:
        return _text(self.cells.get(f))


def _declaration_name(person: str, text: str) -> str:
    name = f"{person}: {text}".replace("\n", " / ")
    return name if len(name) <= 120 else name[:117] + "..."


class _RegisterParser:
    def __init__(self, path: Path, ctx: LoadContext):
        self.path = path
        self.ctx = ctx
        self.out = ParsedFile(path, KIND)
        self.people = PersonIndex(ctx.graph)
        self.orgs = OrgIndex(ctx.graph, ctx.fuzzy_threshold)
        self.created: dict[str, str] = {}  # person id -> name, persons created by this file
        self.fuzzy_notes: list[str] = []
        self.multi_tick_notes: list[str] = []
        self.resolutions: dict[str, int] = defaultdict(int)
        self.continued = 0
        self.repeated_headers = 0
        self.section_headings: list[str] = []
        self.decl_rows: dict[str, int] = {}
        self.duplicate_notes: list[str] = []

    # Sources and messages name the sheet when a workbook holds several register sheets.
    def where(self, sheet: Sheet, multi: bool) -> str:
        return f"{self.path.name}[{sheet.name}]" if multi and sheet.name else self.path.name

    def parse(self) -> ParsedFile:
        sheets = _read_sheets(self.path)
        found = [(s, h) for s in sheets if (h := find_header(s)) is not None]
        if not found:
            raise FileRejected(self.path.name, "no register header found in the first "
                               f"{HEADER_SEARCH_ROWS} rows: expected a row with Name and Declared Interest "
                               "(or Nature of Interest) columns and at least one more template column")
        multi = len(found) > 1
        skipped = [s.name for s in sheets if s not in [f[0] for f in found] and any(
            any(_text(c) for c in cells) for _, cells in s.rows)]
        if skipped:
            self.out.report.notes.append(f"sheets without a register header skipped: {', '.join(map(str, skipped))}")
        total = sum(len(s.rows) for s, _ in found)
        done = 0
        for sheet, header in found:
            where = self.where(sheet, multi)
            if header.duplicates:
                self.out.report.notes.append(
                    f"{where}: columns {', '.join(header.duplicates)} repeat a column already read; ignored")
            self.parse_sheet(sheet, header, where)
            done += len(sheet.rows)
            self.ctx.tick(done, total)
        self.finish_notes()
        return self.out

    def parse_sheet(self, sheet: Sheet, header: Header, where: str) -> None:
        vertical = [(r1, c1, r2) for r1, c1, r2, _c2 in sheet.merges if r2 > r1 > header.row]
        merged_from: dict[tuple[int, int], tuple[int, int]] = {}
        for r1, c1, r2 in vertical:
            for r in range(r1 + 1, r2 + 1):
                merged_from[(r, c1)] = (r1, c1)
        values = {rownum: cells for rownum, cells in sheet.rows}
        previous: _Row | None = None
        for rownum, cells in sheet.rows:
            if rownum <= header.row:
                continue
            if not any(_text(c) for c in cells):
                continue
            row_cells: dict[str, Any] = {}
            for f, i in header.columns.items():
                value = cells[i] if i < len(cells) else None
                origin = merged_from.get((rownum, i + 1))
                if origin is not None and not _text(value):
                    src = values.get(origin[0], [])
                    value = src[origin[1] - 1] if origin[1] - 1 < len(src) else None
                row_cells[f] = value
            row = _Row(row_cells)
            if classify_heading(row.text("name")) == "name" and classify_heading(
                    row.text("declared_interest") or row.text("nature")) in ("declared_interest", "nature"):
                self.repeated_headers += 1  # a header repeated on each printed page
                continue
            if _is_section_heading(cells):
                self.section_headings.append(f"{rownum} ({_text(next(c for c in cells if _text(c)))!r})")
                continue
            if not row.text("name") and previous is not None and any(
                    row.text(f) for f in ("declared_interest", "nature")):
                # A further interest of the person above (name cell merged down or left blank).
                row.cells["name"] = previous.cells.get("name")
                if not row.text("position"):
                    row.cells["position"] = previous.cells.get("position")
                self.continued += 1
            with self.out.row(rownum) as recs:
                try:
                    recs.extend(self.parse_row(row, header, rownum, where))
                except _CellError as err:
                    raise RecordError(header.headings.get(err.field, TEMPLATE_HEADINGS.get(err.field, err.field)),
                                      err.value, err.reason) from None
            if row.text("name"):
                previous = row
        # Rejections and unresolved rows are filed under this sheet's name.
        items: list[Rejection | Unresolved] = [*self.out.report.rejected, *self.out.report.unresolved]
        for item in items:
            if item.file == self.path.name:
                item.file = where

    def parse_row(self, row: _Row, header: Header, rownum: int, where: str) -> list[Record]:
        name = row.text("name")
        declared = row.text("declared_interest") or ("" if "declared_interest" in header.columns
                                                     else row.text("nature"))
        if not name:
            raise _CellError("name", row.cells.get("name"), "expected the name of the person declaring")
        nil = (is_nil(declared) if declared else
               any(is_nil(row.text(f)) for f in ("nature", "interest_type") if row.text(f)))
        if not declared and not nil:
            raise _CellError("declared_interest", row.cells.get("declared_interest"),
                             "expected the organisation and nature of the interest, or Nil/None for a nil "
                             "return")
        source = f"{where}:{rownum}"
        key = person_key(name)
        if not key:
            raise _CellError("name", row.cells.get("name"), "expected a person's name")
        props: dict[str, Any] = {"position": row.text("position") or None, "declared_text": declared or None}
        if nil:
            props.update({"nil_return": True, "name": _declaration_name(name, "nil return")})
        else:
            props.update(self.interest_props(row, rownum))
            props["name"] = _declaration_name(name, declared)
        decl_id = "DECL-" + _short_hash(key, _fold(declared), props.get("interest_type"), props.get("direct"),
                                        _fold(props.get("nature") or ""), props.get("valid_from"),
                                        props.get("valid_to"), nil)
        records: list[Record] = []
        unresolved_reasons: list[str] = []
        candidates: list[dict[str, Any]] = []
        # Person
        ids, how = self.people.match(key)
        person_id: str | None = None
        if len(ids) == 1:
            person_id = ids[0]
            if how != "name":
                self.out.report.notes.append(
                    f"{where}, row {rownum}: {name!r} matched {person_id} ({self.people.names[person_id]!r}) "
                    f"by {how}")
        elif len(ids) > 1:
            unresolved_reasons.append(
                f"person name {name!r} matches {len(ids)} persons by {how}; not guessed: declaration kept "
                "without DECLARED")
            candidates += [{"kind": "person", "id": pid, "name": self.people.names[pid]} for pid in ids]
        else:
            person_id = "PERSON-" + _short_hash(key)[:10]
            display = " ".join(name.split())
            self.people.add(person_id, display, key)
            self.created[person_id] = display
            records.append(node(person_id, "Person", {"name": display}, source=source, stub=True))
        # Organisation
        match: OrgMatch | None = None
        if not nil:
            match = self.orgs.resolve(declared)
            props["resolution"] = match.resolution
            props["match_score"] = match.score
            self.resolutions[match.resolution] += 1
            if match.resolution == "fuzzy":
                oid = match.ids[0]
                self.fuzzy_notes.append(
                    f"{where}, row {rownum}: {declared!r} matched {oid} ({self.orgs.info[oid][1]!r}) "
                    f"by fuzzy name, score {match.score}")
            elif match.resolution == "unresolved":
                if match.reason == "ambiguous":
                    unresolved_reasons.append(
                        f"organisation ambiguous: {len(match.candidates)} organisations score within "
                        f"{AMBIGUITY_MARGIN:g} of the best ({match.score}); not guessed: declaration kept "
                        "without CONCERNS")
                else:
                    best = f" (best {match.score})" if match.score is not None else ""
                    unresolved_reasons.append(
                        f"no organisation in the graph has an ODS code in this text or a name scoring at "
                        f"least {self.orgs.threshold:g}{best}: declaration kept without CONCERNS")
                candidates += match.candidates
        else:
            self.resolutions["nil_return"] += 1
        records.insert(0, node(decl_id, "Declaration", props, source=source))
        dates = {"valid_from": props.get("valid_from"), "valid_to": props.get("valid_to")}
        if person_id is not None:
            records.append(rel(person_id, "DECLARED", decl_id, dates, source=source))
        if match is not None:
            for oid in match.ids:
                records.append(rel(decl_id, "CONCERNS", oid, dates, source=source))
        if unresolved_reasons:
            self.out.unresolved(rownum, f"{name}: {declared}", "; ".join(unresolved_reasons), candidates)
        if decl_id in self.decl_rows:
            self.duplicate_notes.append(f"{where}, row {rownum} repeats row {self.decl_rows[decl_id]}")
        else:
            self.decl_rows[decl_id] = rownum
        return records

    def interest_props(self, row: _Row, rownum: int) -> dict[str, Any]:
        types: list[str] = []
        direct: bool | None = None
        for f, itype in TICK_TYPES.items():
            if f in row.cells:
                try:
                    if parse_tick(row.cells[f]):
                        types.append(itype)
                except BadValue as exc:
                    raise _CellError(f, row.cells[f], str(exc)) from None
        for f, value in (("tick_direct", True), ("tick_indirect", False)):
            if f in row.cells:
                try:
                    if parse_tick(row.cells[f]):
                        direct = value
                except BadValue as exc:
                    raise _CellError(f, row.cells[f], str(exc)) from None
        if "interest_type" in row.cells:
            try:
                named, indirect = parse_interest_type(row.cells["interest_type"])
            except BadValue as exc:
                raise _CellError("interest_type", row.cells["interest_type"], str(exc)) from None
            types += [t for t in named if t not in types]
            if indirect is False:
                direct = False
                if not named:
                    types.append("indirect")
        if "direct" in row.cells:
            try:
                stated = parse_direct(row.cells["direct"])
            except BadValue as exc:
                raise _CellError("direct", row.cells["direct"], str(exc)) from None
            if stated is not None:
                direct = stated
        types.sort(key=TYPE_RANK.index)
        if len(types) > 1:
            self.multi_tick_notes.append(f"row {rownum}: {', '.join(types)} (recorded as {types[0]})")
        interest_type = types[0] if types else ("indirect" if direct is False else None)
        date_from = self.date(row, "date_from", end=False)
        date_to = self.date(row, "date_to", end=True)
        if date_from and date_to and date_to < date_from:
            raise _CellError("date_to", row.cells.get("date_to"),
                             f"expected a date on or after the From date ({date_from})")
        return {"interest_type": interest_type, "direct": direct, "nature": row.text("nature") or None,
                "mitigation": row.text("mitigation") or None, "valid_from": date_from, "valid_to": date_to}

    def date(self, row: _Row, f: str, *, end: bool) -> str | None:
        value = row.cells.get(f)
        try:
            return parse_register_date(value, end=end)
        except BadValue as exc:
            raise _CellError(f, value, str(exc)) from None

    def finish_notes(self) -> None:
        notes = self.out.report.notes
        if self.created:
            names = ", ".join(f"{n} ({pid})" for pid, n in sorted(self.created.items(), key=lambda kv: kv[1]))
            notes.append(f"{len(self.created)} person(s) not in the graph were created from their names: {names}")
        if self.resolutions:
            notes.append("declarations by organisation resolution: " + ", ".join(
                f"{k} {v}" for k, v in sorted(self.resolutions.items())))
        notes.extend(self.fuzzy_notes)
        if self.multi_tick_notes:
            notes.append("rows with several interest types (the strongest is recorded): "
                         + "; ".join(self.multi_tick_notes))
        if self.continued:
            notes.append(f"{self.continued} row(s) with a blank name taken as further interests of the person "
                         "above")
        if self.section_headings:
            notes.append("section heading rows skipped: rows " + ", ".join(self.section_headings))
        if self.repeated_headers:
            notes.append(f"{self.repeated_headers} repeated header row(s) skipped")
        notes.extend(f"duplicate entry: {d}" for d in self.duplicate_notes)


class _CellError(Exception):
    def __init__(self, field: str, value: Any, reason: str):
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def parse(path: Path, ctx: LoadContext) -> ParsedFile:
    return _RegisterParser(path, ctx).parse()


# ---- writers (used by the demo generator) --------------------------------------------------------
ENTRY_KEYS = ("name", "position", "declared_interest", "interest_type", "direct", "nature", "date_from",
              "date_to", "mitigation")
XLSX_FIRST_DATA_ROW = 6  # write_register_xlsx: two title rows, a blank row, the two header rows
_TYPE_LABELS = {"financial": "Financial", "non_financial_professional": "Non-Financial Professional",
                "non_financial_personal": "Non-Financial Personal", "indirect": "Indirect"}


def _entry_type(entry: dict[str, Any]) -> str:
    value = entry.get("interest_type")
    return _TYPE_LABELS.get(str(value), "" if value is None else str(value))


def _entry_direct(entry: dict[str, Any]) -> str:
    value = entry.get("direct")
    if value is None:
        return "Indirect" if entry.get("interest_type") == "indirect" else ""
    if isinstance(value, bool):
        return "Direct" if value else "Indirect"
    return str(value)


def _entry_date_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def _entry_declared(entry: dict[str, Any]) -> str:
    if entry.get("nil_return") and not entry.get("declared_interest"):
        return "Nil"
    return str(entry.get("declared_interest") or "")


def write_register_csv(path: Path | str, entries: Iterable[dict[str, Any]]) -> Path:
    """Write a register as CSV with one header row (the template's headings, one Type column).

    Entry ``i`` (0-based) is on line ``i + 2``, the row the loader reports.

    ``entries`` are dicts with these keys (all optional except ``name``):

    - ``name``: the person's name as a register prints it (titles allowed, e.g. "Dr Jane Doe");
    - ``position``: current position(s) held, e.g. "Governing Body GP member";
    - ``declared_interest``: the organisation and nature of business, e.g. "Beech House Surgery
      (Y00001) - GP partnership"; "Nil" (or ``nil_return=True`` with no text) for a nil return;
    - ``interest_type``: ``financial``, ``non_financial_professional``, ``non_financial_personal``,
      ``indirect`` (or any text, written as given);
    - ``direct``: True (Direct), False (Indirect), or text;
    - ``nature``: the nature of the interest, e.g. "Partner";
    - ``date_from`` / ``date_to``: a ``datetime.date``, an ISO string (both written dd/mm/yyyy) or
      any text as given ("April 2015", "ongoing", "31/02/2016" for a broken row);
    - ``mitigation``: action taken to mitigate risk.
    """
    path = Path(path)
    headings = [TEMPLATE_HEADINGS["name"], TEMPLATE_HEADINGS["position"], TEMPLATE_HEADINGS["declared_interest"],
                TEMPLATE_HEADINGS["interest_type"], TEMPLATE_HEADINGS["direct"], TEMPLATE_HEADINGS["nature"],
                "Date of Interest From", "Date of Interest To", TEMPLATE_HEADINGS["mitigation"]]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings)
        for e in entries:
            writer.writerow([e.get("name") or "", e.get("position") or "", _entry_declared(e), _entry_type(e),
                             _entry_direct(e), e.get("nature") or "", _entry_date_text(e.get("date_from")),
                             _entry_date_text(e.get("date_to")), e.get("mitigation") or ""])
    return path


def write_register_xlsx(path: Path | str, entries: Iterable[dict[str, Any]],
                        title: str = "Register of Interests") -> Path:
    """Write a register in the NHS England template's own layout.

    Title rows (``title``, a "last updated" line, a blank row), then the two-row header with merged
    cells: "Type of Interest" over the three tick columns (Financial / Non-Financial Professional /
    Non-Financial Personal Interest), "Date of Interest" over From and To, and every other heading
    merged down over both rows. A type is written as an ``X`` in its tick column (``indirect`` as
    "Indirect" in the direct/indirect column with no tick); a date given as ``datetime.date`` or ISO
    string becomes a real spreadsheet date (dd/mm/yyyy), any other value is written as given.

    ``entries`` are dicts keyed as for :func:`write_register_csv`. Entry ``i`` (0-based) lands on
    spreadsheet row ``XLSX_FIRST_DATA_ROW + i`` (row 6 onwards), which is the row the loader reports.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:K1")
    ws["A2"] = "Declarations of interest made under the NHS England statutory guidance on managing conflicts"
    ws.merge_cells("A2:K2")
    top, sub = XLSX_FIRST_DATA_ROW - 2, XLSX_FIRST_DATA_ROW - 1
    layout = [("A", TEMPLATE_HEADINGS["name"]), ("B", TEMPLATE_HEADINGS["position"]),
              ("C", TEMPLATE_HEADINGS["declared_interest"]), ("G", TEMPLATE_HEADINGS["direct"]),
              ("H", TEMPLATE_HEADINGS["nature"]), ("K", TEMPLATE_HEADINGS["mitigation"])]
    for col, heading in layout:
        ws[f"{col}{top}"] = heading
        ws.merge_cells(f"{col}{top}:{col}{sub}")
    ws[f"D{top}"] = "Type of Interest"
    ws.merge_cells(f"D{top}:F{top}")
    ws[f"D{sub}"], ws[f"E{sub}"], ws[f"F{sub}"] = (TEMPLATE_HEADINGS["tick_financial"],
                                                   TEMPLATE_HEADINGS["tick_professional"],
                                                   TEMPLATE_HEADINGS["tick_personal"])
    ws[f"I{top}"] = "Date of Interest"
    ws.merge_cells(f"I{top}:J{top}")
    ws[f"I{sub}"], ws[f"J{sub}"] = "From", "To"
    for row in (top, sub):
        for cell in ws[row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for col, width in zip("ABCDEFGHIJK", (24, 28, 48, 12, 14, 14, 14, 20, 12, 12, 36), strict=True):
        ws.column_dimensions[col].width = width
    r = sub + 1
    for e in entries:
        itype = e.get("interest_type")
        ticks = {"financial": "D", "non_financial_professional": "E", "non_financial_personal": "F"}
        ws[f"A{r}"] = e.get("name") or None
        ws[f"B{r}"] = e.get("position") or None
        ws[f"C{r}"] = _entry_declared(e) or None
        if itype in ticks:
            ws[f"{ticks[itype]}{r}"] = "X"
        elif itype and itype != "indirect":
            ws[f"D{r}"] = str(itype)  # not a known type: written as given (a deliberately broken tick)
        ws[f"G{r}"] = _entry_direct(e) or None
        ws[f"H{r}"] = e.get("nature") or None
        for col, key in (("I", "date_from"), ("J", "date_to")):
            value = e.get(key)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value = dt.date.fromisoformat(value)
            if isinstance(value, dt.date):
                ws[f"{col}{r}"] = value
                ws[f"{col}{r}"].number_format = "dd/mm/yyyy"
            else:
                ws[f"{col}{r}"] = value if value not in (None, "") else None
        ws[f"K{r}"] = e.get("mitigation") or None
        r += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
