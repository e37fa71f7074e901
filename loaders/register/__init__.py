"""Register of interests in the NHS England template (CSV or XLSX): one ``Declaration`` per row.

Template columns: Name; Current position(s) held; Declared Interest (Name of the organisation and
nature of business); Type of Interest (one column, or three tick columns Financial / Non-Financial
Professional / Non-Financial Personal); Is the interest direct or indirect?; Nature of Interest;
Date of Interest From; To; Action taken to mitigate risk.

The package: :mod:`~loaders.register.cells` (the cell vocabulary: ticks, dates, nil returns,
interest types, direct/indirect), :mod:`~loaders.register.sheet` (CSV/XLSX sheets, finding the
header), :mod:`~loaders.register.parser` (rows to records) and :mod:`~loaders.register.writers`;
matching people and organisations is :mod:`loaders.matching`, shared with other loaders.

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

from loaders.base import PHASE_REGISTERS, FormatLoader
from loaders.matching import person_key
from loaders.register.cells import TEMPLATE_HEADINGS, BadValue, is_nil, parse_register_date
from loaders.register.parser import KIND, parse
from loaders.register.sheet import HEADER_SEARCH_ROWS, classify_heading, find_header, looks_like_register
from loaders.register.writers import XLSX_FIRST_DATA_ROW, write_register_csv, write_register_xlsx

DESCRIPTION = "Register of interests, NHS England template (CSV or XLSX; one or two header rows)"
sniff = looks_like_register

# Registers match people and organisations by name, so a folder load reads them last.
LOADER = FormatLoader(KIND, DESCRIPTION, sniff, parse, phase=PHASE_REGISTERS)

__all__ = [
    "DESCRIPTION", "HEADER_SEARCH_ROWS", "KIND", "LOADER", "TEMPLATE_HEADINGS", "XLSX_FIRST_DATA_ROW", "BadValue",
    "classify_heading", "find_header", "is_nil", "parse", "parse_register_date", "person_key", "sniff",
    "write_register_csv", "write_register_xlsx",
]
