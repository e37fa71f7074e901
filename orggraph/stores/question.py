"""The single questions a store answers from a bounded neighbourhood (:meth:`Store.neighbourhood`), named
here so the store interface needs nothing heavier to say so (the walks are
:mod:`orggraph.stores.neighbourhood`)."""

from __future__ import annotations

from typing import Literal

Question = Literal["decision", "meeting", "person", "committee", "commissioner"]
QUESTIONS: tuple[Question, ...] = ("decision", "meeting", "person", "committee", "commissioner")
DEFAULT_HOPS = 4  # the engine's default (orggraph.engine.facts.DEFAULT_MAX_HOPS)
