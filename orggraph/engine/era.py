"""The ICB era (from 2022-07-01): a provider's commissioner on a day, and the ICB above it.

A practice has at most one live ``COMMISSIONED_BY`` on any day (the loaders guarantee it for ODS
data); from 2022-07-01 the ICB above its commissioner is the target of the commissioner's live
``IN_ICB`` (or the commissioner itself when it is an ICB). Where the data has more than one live
link, :class:`AmbiguousCommissioner` says so and names them all: nothing here picks one silently.

The rule is written once over plain ``(target, properties)`` pairs, so the same code answers from a
whole graph (:func:`commissioner_on`) and from node details read from a store
(:func:`orggraph.query.dated_detail`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from orggraph.errors import EngineError, UnknownNode
from orggraph.graph import OrgGraph
from orggraph.temporal import is_live

ICB_ERA_START = "2022-07-01"  # CCGs abolished; ICBs commission through sub-ICB locations


class AmbiguousCommissioner(EngineError):
    """More than one relationship of a kind that must be unique is live on the day."""

    def __init__(self, node_id: str, rel_type: str, on: str, targets: list[str]):
        super().__init__(f"{node_id} has {len(targets)} live {rel_type} relationships on {on} "
                         f"({', '.join(targets)}); expected at most one")
        self.node_id, self.rel_type, self.on, self.targets = node_id, rel_type, on, targets


def one_live(node_id: str, rel_type: str, on: str, links: Iterable[tuple[str, Mapping[str, Any]]]) -> str | None:
    """The one target of ``links`` live on ``on``, None when none is; :class:`AmbiguousCommissioner`
    when several (different targets) are."""
    live = sorted({target for target, props in links if is_live(props, on)})
    if len(live) > 1:
        raise AmbiguousCommissioner(node_id, rel_type, on, live)
    return live[0] if live else None


def icb_above(commissioner: str, label: str | None, on: str,
              in_icb: Iterable[tuple[str, Mapping[str, Any]]]) -> str | None:
    """The ICB above a commissioner on ``on``: itself if it is an ICB; from 2022-07-01 the target of
    its live ``IN_ICB`` (``in_icb``: its IN_ICB links); None before the ICB era or when it has none."""
    if label == "ICB":
        return commissioner
    if on < ICB_ERA_START:
        return None
    return one_live(commissioner, "IN_ICB", on, in_icb)


def era_name(props: Mapping[str, Any], on: str) -> str | None:
    """A commissioner's name on ``on``: a sub-ICB location's ``sicbl_name`` from 2022-07-01, else ``name``."""
    if on >= ICB_ERA_START and props.get("sicbl_name"):
        return str(props["sicbl_name"])
    name = props.get("name")
    return str(name) if name else None


def commissioner_on(graph: OrgGraph, org: str, on: str) -> tuple[str | None, str | None]:
    """(commissioner, ICB) of ``org`` on ``on``: the one live ``COMMISSIONED_BY`` target and the ICB
    above it (:func:`icb_above`). (None, None) when no link is live; :class:`AmbiguousCommissioner`
    when more than one is; :class:`UnknownNode` when ``org`` is not in the graph."""
    if org not in graph:
        raise UnknownNode(org, "organisation")
    links = [(end, props) for end, _, props in graph.out_rels(org, ["COMMISSIONED_BY"])]
    commissioner = one_live(org, "COMMISSIONED_BY", on, links)
    if commissioner is None:
        return None, None
    in_icb = [(end, props) for end, _, props in graph.out_rels(commissioner, ["IN_ICB"])]
    return commissioner, icb_above(commissioner, graph.label(commissioner), on, in_icb)
