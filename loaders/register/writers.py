"""Writing registers in the NHS England template (used by the demo generator and the tests): one
header row in CSV, the template's own two-row layout with merged cells in XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loaders.register.cells import TEMPLATE_HEADINGS
from orggraph.csvsafe import TRIGGERS

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

ENTRY_KEYS = ("name", "position", "declared_interest", "interest_type", "direct", "nature", "date_from",
              "date_to", "mitigation")
XLSX_FIRST_DATA_ROW = 6  # write_register_xlsx: two title rows, a blank row, the two header rows
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TICK_COLUMNS = {"financial": "D", "non_financial_professional": "E", "non_financial_personal": "F"}
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


def _entry_date(value: Any) -> Any:
    """An ISO date string as a date; any other value as given (text such as "April 2015" stays text)."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    return value


def _entry_date_text(value: Any) -> str:
    value = _entry_date(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
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

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Register"
    _xlsx_template(ws, title)
    for r, e in enumerate(entries, start=XLSX_FIRST_DATA_ROW):
        _xlsx_entry(ws, r, e)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _xlsx_template(ws: Worksheet, title: str) -> None:
    """The title rows and the template's two-row header with its merged cells."""
    from openpyxl.styles import Alignment, Font

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


def _xlsx_entry(ws: Worksheet, r: int, e: dict[str, Any]) -> None:
    """One entry on spreadsheet row ``r``: its type as a tick, its dates as spreadsheet dates."""
    itype = e.get("interest_type")
    ws[f"A{r}"] = e.get("name") or None
    ws[f"B{r}"] = e.get("position") or None
    ws[f"C{r}"] = _entry_declared(e) or None
    if itype in _TICK_COLUMNS:
        ws[f"{_TICK_COLUMNS[itype]}{r}"] = "X"
    elif itype and itype != "indirect":
        ws[f"D{r}"] = str(itype)  # not a known type: written as given (a deliberately broken tick)
    ws[f"G{r}"] = _entry_direct(e) or None
    ws[f"H{r}"] = e.get("nature") or None
    for col, key in (("I", "date_from"), ("J", "date_to")):
        value = _entry_date(e.get(key))
        if isinstance(value, dt.date):
            ws[f"{col}{r}"] = value
            ws[f"{col}{r}"].number_format = "dd/mm/yyyy"
        else:
            ws[f"{col}{r}"] = value if value not in (None, "") else None
    ws[f"K{r}"] = e.get("mitigation") or None
    for cell in ws[r]:
        _as_text(cell)


def _as_text(cell: Any) -> None:
    """Text that starts like a formula stays text: openpyxl would store ``=...`` as a formula (which
    the sheet then runs); the cell keeps its exact value as a string, shown with Excel's quote prefix."""
    if isinstance(cell.value, str) and cell.value.startswith(TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
