"""One root for the errors a user can act on, so every face (CLI, API) can say them in one line.

Each error's message is the whole story: which file, row, column, value or id, and what was
expected. Faces catch :class:`OrgGraphError` and print or return its message; anything else that
escapes is a bug.
"""

from __future__ import annotations


class OrgGraphError(Exception):
    """A problem a user can act on; ``str(exc)`` is one line that says what and where."""


class StoreError(OrgGraphError):
    """A store problem (server down, bad credentials, unreadable file)."""


class StoreUnavailable(StoreError):
    """The store cannot be reached right now."""


class ExportError(OrgGraphError):
    """An export that cannot be written as asked (wrong kind of target, unknown format)."""


class EngineError(OrgGraphError, ValueError):
    """A question the engine cannot answer as asked (e.g. a node of the wrong kind, a bad date)."""


class UnknownNode(EngineError, LookupError):
    """An id that is not in the graph (or not of the kind asked for)."""

    def __init__(self, node_id: str, what: str, actual: str | None = None):
        msg = (f"no {what} with id {node_id!r} in the graph" if actual is None
               else f"{node_id!r} is a {actual}, not a {what}")
        super().__init__(msg)
        self.node_id = node_id
        self.what = what


class RecordError(OrgGraphError, ValueError):
    """A record that does not fit the schema: which field, which value, what was expected."""

    def __init__(self, column: str, value: object, reason: str):
        super().__init__(f"{column}={value!r}: {reason}")
        self.column = column
        self.value = value
        self.reason = reason
