"""The one date format of the API and the pages: ISO ``yyyy-mm-dd``, nothing else.

pydantic's own ``date`` also takes Unix timestamps (``as_of=0`` was 1970-01-01) and Python 3.11's
``date.fromisoformat`` the basic and week forms (``20200101``, ``2020-W01-1``); both read as a clean
result for a date nobody meant. Every date parameter goes through :data:`IsoDate` (query parameters)
or :func:`orggraph.temporal.iso` (the pages), so ``as_of=0`` is a 422 naming the parameter.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from orggraph.temporal import iso

EXPECTED = "expected a date as yyyy-mm-dd, e.g. 2019-06-01"


def _strict_date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        text = iso(value if isinstance(value, str) else "?")
    except ValueError:
        raise ValueError(EXPECTED) from None
    if text is None:
        raise ValueError(EXPECTED)
    return dt.date.fromisoformat(text)


IsoDate = Annotated[dt.date, BeforeValidator(_strict_date),
                    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
