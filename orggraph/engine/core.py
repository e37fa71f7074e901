"""The conflict engine's functions over an :class:`~orggraph.graph.OrgGraph` (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from typing import Any

from orggraph.engine.index import (
    DecisionInfo,
    Index,
    Seat,
    StaticPath,
    index_for,
    path_order,
    static_paths,
)
from orggraph.engine.models import (
    AuditFinding,
    CompositionFailure,
    CompositionResult,
    Conflict,
    ExcludedMember,
    Hop,
    InterestPath,
    MemberSeat,
    QuorumResult,
    ScanSummary,
)
from orggraph.errors import EngineError, UnknownNode
from orggraph.graph import OrgGraph
from orggraph.temporal import iso

DEFAULT_MAX_HOPS = 4
INTEREST_ORDER = ("financial", "non_financial_professional", "non_financial_personal", "indirect")

# Severity scoring (README "Severity"): the three things a guardian weighs, added up.
TYPE_POINTS = {"financial": 3, "indirect": 2, "non_financial_professional": 2, "non_financial_personal": 1}
DECLARATION_POINTS = {"undeclared": 3, "partial": 2, "declared": 0}
PARTICIPATION_POINTS = {"voted": 3, "present": 2, "unknown": 1, "absent": 0, "withdrew": 0}
HIGH_FROM, MEDIUM_FROM = 7, 4

PARTICIPATION_TEXT = {
    "voted": "voted on the decision, which is a breach of the conflicts of interest rules",
    "withdrew": "withdrew from the decision, as minuted",
    "present": "attended the meeting and neither voted nor withdrew",
    "absent": "was not among those recorded as attending the meeting",
    "unknown": "no attendance was recorded for the meeting, so participation is unknown",
}


# ---- helpers --------------------------------------------------------------------------------------
def _on(value: Any, default_today: bool = True) -> str:
    if value is None or value == "":
        if not default_today:
            raise EngineError("a date is required")
        return dt.date.today().isoformat()
    try:
        out = iso(value)
    except ValueError:
        raise EngineError(f"expected a date as yyyy-mm-dd, got {value!r}") from None
    assert out is not None
    return out


def _require(ix: Index, node_id: str, labels: tuple[str, ...] | frozenset[str] | None, what: str) -> str:
    label = ix.labels.get(node_id)
    if label is None:
        raise UnknownNode(node_id, what)
    if labels is not None and label not in labels:
        raise UnknownNode(node_id, what, label)
    return label


def _name(graph: OrgGraph, nid: str | None) -> str | None:
    if nid is None:
        return None
    data = graph.g.nodes.get(nid)
    if data is None:
        return None
    value = data.get("name") or data.get("title")
    return str(value) if value is not None else None


def _who(graph: OrgGraph, nid: str) -> str:
    name = _name(graph, nid)
    return f"{name} ({nid})" if name and name != nid else nid


def _live(lo: str, hi: str, on: str) -> bool:
    return lo <= on <= hi


def _live_paths(paths: list[StaticPath], on: str) -> list[StaticPath]:
    return [p for p in paths if p[3] <= on <= p[4]]


def _dates(vf: str | None, vt: str | None) -> str:
    if vf and vt:
        return f"{vf} to {vt}"
    if vf:
        return f"from {vf}"
    if vt:
        return f"until {vt}"
    return "undated"


# ---- evidence ------------------------------------------------------------------------------------
def _hop(graph: OrgGraph, ix: Index, ref: tuple[str, str, str, bool]) -> Hop:
    u, v, key, rev = ref
    base = ix.hop_cache.get((u, v, key))
    if base is None:
        data = graph.g.edges[u, v, key]
        base = {
            "from_id": u, "from_label": ix.labels[u], "from_name": _name(graph, u), "type": data["type"],
            "to_id": v, "to_label": ix.labels[v], "to_name": _name(graph, v),
            "valid_from": data.get("valid_from"), "valid_to": data.get("valid_to"), "source": data.get("source"),
            "properties": {k: val for k, val in data.items()
                           if k not in ("type", "valid_from", "valid_to", "source")},
        }
        ix.hop_cache[(u, v, key)] = base
    return Hop(**{**base, "properties": dict(base["properties"])}, reversed=rev)


def _interest_path(graph: OrgGraph, ix: Index, path: StaticPath) -> InterestPath:
    nodes, edges, itype, _, _ = path
    return InterestPath(person_id=nodes[0], org_id=nodes[-1], interest_type=itype,  # type: ignore[arg-type]
                                        hops=[_hop(graph, ix, ref) for ref in edges])


def _path_text(graph: OrgGraph, path: InterestPath) -> str:
    captions = graph.schema.relationships
    parts = [_who(graph, path.person_id)]
    for h in path.hops:
        walked_to = h.from_id if h.reversed else h.to_id
        caption = captions[h.type].caption if h.type in captions else h.type.lower()
        extra = ""
        if h.type == "ADVISES":
            extra = ", paid" if h.properties.get("paid") else ", unpaid"
        relation = h.properties.get("relation")
        if relation:
            extra += f", {relation}"
        src = f"; source {h.source}" if h.source else ""
        parts.append(f"{caption} ({_dates(h.valid_from, h.valid_to)}{extra}{src}) {_who(graph, walked_to)}")
    return " → ".join(parts)


# ---- decisions -------------------------------------------------------------------------------------
def _decision(ix: Index, decision: str) -> DecisionInfo:
    _require(ix, decision, ("Decision",), "decision")
    return ix.decisions[decision]


def _makers(ix: Index, info: DecisionInfo) -> list[str]:
    on = info.date
    out = set(info.voters)
    for c in info.committees:
        for seat in ix.seats.get(c, ()):
            if seat.lo <= on <= seat.hi:
                out.add(seat.person)
    return sorted(out)


def decision_makers(graph: OrgGraph, decision: str) -> list[str]:
    """Everyone with a SITS_ON live on the decision's date to its committee, plus anyone who voted on it."""
    ix = index_for(graph)
    return _makers(ix, _decision(ix, decision))


def decision_parties(graph: OrgGraph, decision: str) -> list[str]:
    """Every organisation the decision is AWARDED_TO or AFFECTS."""
    ix = index_for(graph)
    return list(_decision(ix, decision).parties)


def _attendance(ix: Index, info: DecisionInfo) -> tuple[bool, set[str]]:
    present: set[str] = set()
    for m in info.meetings:
        present |= ix.attended.get(m, set())
    return bool(present), present


def _participation(ix: Index, info: DecisionInfo, person: str) -> str:
    if person in info.voters:
        return "voted"
    if person in info.withdrew:
        return "withdrew"
    recorded, present = _attendance(ix, info)
    if person in present:
        return "present"
    return "absent" if recorded else "unknown"


def _declaration(ix: Index, person: str, paths: list[StaticPath], on: str) -> tuple[str, list[str], list[bool]]:
    """(status, ids of matching declarations, per path whether it is covered)."""
    covered_by: dict[str, list[str]] = {}
    for decl in ix.declarations.get(person, ()):
        if decl.lo <= on <= decl.hi:
            for org, lo, hi in decl.concerns:
                if lo <= on <= hi:
                    covered_by.setdefault(org, []).append(decl.id)
    matched: set[str] = set()
    covered: list[bool] = []
    for nodes, *_ in paths:
        hits = False
        for n in nodes:
            ids = covered_by.get(n)
            if ids:
                matched.update(ids)
                hits = True
        covered.append(hits)
    status = "declared" if all(covered) else "partial" if any(covered) else "undeclared"
    return status, sorted(matched), covered


def _types(paths: list[StaticPath]) -> list[str]:
    present = {p[2] for p in paths}
    return [t for t in INTEREST_ORDER if t in present]


def severity_of(interest_types: list[str], declaration: str, participation: str, held_in_party: bool = False
                ) -> tuple[int, str]:
    """(score, severity): see the package docstring. ``held_in_party``: a one-link path, the person's own
    stake in the party itself (a partner of the practice, a director of the federation)."""
    score = (max((TYPE_POINTS.get(t, 0) for t in interest_types), default=0)
             + DECLARATION_POINTS[declaration] + PARTICIPATION_POINTS[participation] + int(held_in_party))
    return score, "high" if score >= HIGH_FROM else "medium" if score >= MEDIUM_FROM else "low"


@dataclass(slots=True)
class _Found:
    """A conflict before it is dressed as a :class:`Conflict` (a scan only needs these)."""

    person: str
    info: DecisionInfo
    paths: list[StaticPath]
    declaration: str
    declaration_ids: list[str]
    covered: list[bool]
    participation: str
    types: list[str]
    score: int
    severity: str


def _person_conflict(ix: Index, info: DecisionInfo, person: str, max_hops: int) -> _Found | None:
    on = info.date
    targets = static_paths(ix, person, max_hops)
    if not targets:
        return None
    found: list[StaticPath] = []
    parties = info.parties
    if len(parties) <= len(targets):
        for party in parties:
            paths = targets.get(party)
            if paths:
                found.extend(p for p in paths if p[3] <= on <= p[4])
    else:
        wanted = set(parties)
        for org, paths in targets.items():
            if org in wanted:
                found.extend(p for p in paths if p[3] <= on <= p[4])
    if not found:
        return None
    found.sort(key=path_order)
    status, ids, covered = _declaration(ix, person, found, on)
    participation = _participation(ix, info, person)
    types = _types(found)
    score, severity = severity_of(types, status, participation, len(found[0][1]) == 1)
    return _Found(person, info, found, status, ids, covered, participation, types, score, severity)


def _decision_conflicts(ix: Index, info: DecisionInfo, max_hops: int) -> list[_Found]:
    out = []
    for person in _makers(ix, info):
        f = _person_conflict(ix, info, person, max_hops)
        if f is not None:
            out.append(f)
    return out


def _conflict_model(graph: OrgGraph, ix: Index, f: _Found) -> Conflict:
    info = f.info
    paths = [_interest_path(graph, ix, p) for p in f.paths]
    committee = info.committees[0] if info.committees else None
    direct = any(p[2] != "indirect" for p in f.paths)
    parties = sorted({p[0][-1] for p in f.paths})
    # The statuses are strings from the constants above, validated as the model's Literals here.
    fields: dict[str, Any] = {
        "person_id": f.person, "person_name": _name(graph, f.person), "decision_id": info.id,
        "decision_title": _name(graph, info.id), "committee_id": committee, "date": info.date, "parties": parties,
        "paths": paths, "interest_types": f.types, "direct": direct, "declaration": f.declaration,
        "declaration_ids": f.declaration_ids, "participation": f.participation, "breach": f.participation == "voted",
        "severity": f.severity, "score": f.score, "explanation": _conflict_text(graph, ix, f, paths, committee)}
    return Conflict(**fields)


def _conflict_text(graph: OrgGraph, ix: Index, f: _Found, paths: list[InterestPath], committee: str | None) -> str:
    info, on = f.info, f.info.date
    seat = "sat on" if any(s.person == f.person and s.lo <= on <= s.hi for c in info.committees
                           for s in ix.seats.get(c, ())) else "had no seat on"
    where = f"{seat} {_who(graph, committee)}" if committee else "took part"
    title = _name(graph, info.id)
    out = [f"{_who(graph, f.person)} {where} when decision {info.id}"
           + (f" \"{title}\"" if title and title != info.id else "") + f" was taken on {on}"
           + (" and voted on it without a seat" if seat == "had no seat on" and f.person in info.voters else "")
           + "."]
    n = len(paths)
    parties = sorted({p.org_id for p in paths})
    out.append(f"On that date {'there was' if n == 1 else 'there were'} {n} interest "
               f"path{'s' if n != 1 else ''} to the {'party' if len(parties) == 1 else 'parties'} "
               + ", ".join(_who(graph, o) for o in parties) + ":")
    for i, p in enumerate(paths, 1):
        label = p.interest_type.replace("_", " ")
        out.append(f"({i}) {label}: {_path_text(graph, p)}.")
    if f.declaration == "declared":
        out.append(f"Declaration: declared; register entries {', '.join(f.declaration_ids)} live on {on} "
                   "cover every path.")
    elif f.declaration == "partial":
        missing = ", ".join(str(i) for i, c in enumerate(f.covered, 1) if not c)
        out.append(f"Declaration: partial; register entries {', '.join(f.declaration_ids)} live on {on} cover "
                   f"some paths, but not path{'s' if ',' in missing else ''} {missing}.")
    else:
        out.append(f"Declaration: undeclared; no register entry live on {on} concerns any organisation on "
                   f"{'this path' if n == 1 else 'these paths'}.")
    out.append(f"Participation: {PARTICIPATION_TEXT[f.participation]}.")
    out.append(f"Severity: {f.severity} (score {f.score}).")
    return " ".join(out)


def _select_decisions(ix: Index, decision: str | None, committee: str | None, commissioner: str | None,
                      date_from: str | None, date_to: str | None, person: str | None = None
                      ) -> list[DecisionInfo]:
    if decision is not None:
        infos = [_decision(ix, decision)]
    elif person is not None:
        # Only decisions the person could have made: their committees' and those they voted on.
        ids = {d for seat in ix.seats_of.get(person, ()) for d in ix.decisions_by_committee.get(seat.committee, ())}
        ids.update(ix.decisions_voted.get(person, ()))
        infos = [ix.decisions[d] for d in ids]
    elif committee is not None:
        infos = [ix.decisions[d] for d in ix.decisions_by_committee.get(committee, ())]
    else:
        infos = list(ix.decisions.values())
    if committee is not None:
        infos = [i for i in infos if committee in i.committees]
    if commissioner is not None:
        mine = {c for c, _, _ in ix.committees_of.get(commissioner, ())}
        infos = [i for i in infos if mine.intersection(i.committees)]
    if date_from is not None:
        infos = [i for i in infos if i.date >= date_from]
    if date_to is not None:
        infos = [i for i in infos if i.date <= date_to]
    infos.sort(key=lambda i: (i.date, i.id))
    return infos


def conflicts(graph: OrgGraph, decision: str | None = None, person: str | None = None,
              committee: str | None = None, commissioner: str | None = None, date_from: Any = None,
              date_to: Any = None, max_hops: int = DEFAULT_MAX_HOPS) -> list[Conflict]:
    """One record per (decision-maker, decision) with a live interest path to a party of the decision.

    Filters combine (all must hold). Ordered by date, then decision id, then person id.
    """
    ix = index_for(graph)
    _check_hops(max_hops)
    if person is not None:
        _require(ix, person, ("Person",), "person")
    if committee is not None:
        _require(ix, committee, ("Committee",), "committee")
    if commissioner is not None:
        _require(ix, commissioner, graph.schema.commissioner_labels, "commissioner")
    lo = _on(date_from) if date_from is not None else None
    hi = _on(date_to) if date_to is not None else None
    out: list[Conflict] = []
    for info in _select_decisions(ix, decision, committee, commissioner, lo, hi, person):
        if person is not None:
            if person not in _makers(ix, info):
                continue
            found = _person_conflict(ix, info, person, max_hops)
            rows = [found] if found is not None else []
        else:
            rows = _decision_conflicts(ix, info, max_hops)
        out.extend(_conflict_model(graph, ix, f) for f in rows)
    return out


def _check_hops(max_hops: int) -> None:
    if not isinstance(max_hops, int) or max_hops < 1:
        raise EngineError(f"max_hops: expected a whole number of at least 1, got {max_hops!r}")


# ---- interest paths --------------------------------------------------------------------------------
def interest_paths(graph: OrgGraph, person: str, org: str | None = None, as_of: Any = None,
                   max_hops: int = DEFAULT_MAX_HOPS) -> list[InterestPath]:
    """Every interest path from ``person`` (to ``org``, or to any organisation) live on ``as_of``
    (default today), shortest first, then by node ids."""
    ix = index_for(graph)
    _check_hops(max_hops)
    _require(ix, person, ("Person",), "person")
    if org is not None:
        _require(ix, org, None, "organisation")
    on = _on(as_of)
    targets = static_paths(ix, person, max_hops)
    if org is not None:
        found = _live_paths(targets.get(org, []), on)
    else:
        found = [p for paths in targets.values() for p in paths if p[3] <= on <= p[4]]
        found.sort(key=path_order)
    return [_interest_path(graph, ix, p) for p in found]


def any_paths(graph: OrgGraph, source: str, target: str, as_of: Any = None, max_hops: int = DEFAULT_MAX_HOPS,
              limit: int = 50) -> list[list[Hop]]:
    """Shortest paths of any kind between two nodes (either direction, every relationship type), for
    exploring; edges live on ``as_of`` when given. At most ``limit`` paths, in a stable order."""
    ix = index_for(graph)
    _check_hops(max_hops)
    _require(ix, source, None, "node")
    _require(ix, target, None, "node")
    on = _on(as_of) if as_of is not None else None
    g = graph.g

    def neighbours(n: str) -> dict[str, list[tuple[str, str, str, bool]]]:
        out: dict[str, list[tuple[str, str, str, bool]]] = {}
        for m, keyed in g._succ[n].items():
            for key, data in keyed.items():
                if on is None or (data.get("valid_from") or "") <= on <= (data.get("valid_to") or "9999-12-31"):
                    out.setdefault(m, []).append((n, m, key, False))
        for m, keyed in g._pred[n].items():
            for key, data in keyed.items():
                if on is None or (data.get("valid_from") or "") <= on <= (data.get("valid_to") or "9999-12-31"):
                    out.setdefault(m, []).append((m, n, key, True))
        return out

    if source == target:
        return []
    dist = {source: 0}
    preds: dict[str, list[tuple[str, tuple[str, str, str, bool]]]] = {}
    frontier = deque([source])
    found_at: int | None = None
    while frontier:
        n = frontier.popleft()
        d = dist[n]
        if found_at is not None and d >= found_at or d >= max_hops:
            continue
        for m, refs in sorted(neighbours(n).items()):
            ref = min(refs, key=lambda r: (g.edges[r[0], r[1], r[2]]["type"], r[2], r[3]))
            if m not in dist:
                dist[m] = d + 1
                preds[m] = [(n, ref)]
                if m == target:
                    found_at = d + 1
                else:
                    frontier.append(m)
            elif dist[m] == d + 1:
                preds[m].append((n, ref))
    if target not in dist:
        return []
    paths: list[list[tuple[str, str, str, bool]]] = []

    def back(n: str, acc: list[tuple[str, str, str, bool]]) -> None:
        if len(paths) >= limit:
            return
        if n == source:
            paths.append(list(reversed(acc)))
            return
        for p, ref in sorted(preds[n]):
            acc.append(ref)
            back(p, acc)
            acc.pop()

    back(target, [])
    return [[_hop(graph, ix, ref) for ref in p] for p in paths]


# ---- quorum and composition -------------------------------------------------------------------------
def _live_seats(ix: Index, committee: str, on: str) -> list[Seat]:
    return [s for s in ix.seats.get(committee, ()) if s.lo <= on <= s.hi]


def _quorum(graph: OrgGraph, ix: Index, info: DecisionInfo, conflicted: dict[str, _Found]) -> QuorumResult:
    on = info.date
    committee = info.committees[0] if info.committees else None
    spec = graph.g.nodes[committee] if committee else {}
    required, required_lay = int(spec.get("quorum") or 0), int(spec.get("quorum_lay") or 0)
    recorded, present = _attendance(ix, info)
    voting: dict[str, list[Seat]] = {}
    for c in info.committees:
        for s in _live_seats(ix, c, on):
            if s.props.get("voting"):
                voting.setdefault(s.person, []).append(s)
    eligible, eligible_lay, excluded = [], [], []
    for person in sorted(voting):
        mtype = voting[person][0].props.get("member_type")
        if recorded and person not in present:
            excluded.append(ExcludedMember(person_id=person, person_name=_name(graph, person), member_type=mtype,
                                           reason="did not attend the meeting"))
        elif person in conflicted:
            f = conflicted[person]
            parties = ", ".join(sorted({p[0][-1] for p in f.paths}))
            excluded.append(ExcludedMember(
                person_id=person, person_name=_name(graph, person), member_type=mtype,
                reason=f"conflict of interest ({', '.join(t.replace('_', ' ') for t in f.types)}; "
                       f"{f.declaration}) in {parties}"))
        else:
            eligible.append(person)
            if any(s.props.get("member_type") == "lay" for s in voting[person]):
                eligible_lay.append(person)
    quorate = committee is not None and len(eligible) >= required and len(eligible_lay) >= required_lay
    if committee is None:
        text = f"Decision {info.id} has no DECIDED_BY committee recorded, so its quorum cannot be judged."
    else:
        n_conf = sum(1 for e in excluded if e.reason.startswith("conflict"))
        n_abs = len(excluded) - n_conf
        basis = ("voting members who attended" if recorded
                 else "all voting members (no attendance was recorded)")
        text = (f"{_who(graph, committee)} needs {required} eligible voting members including {required_lay} "
                f"lay on {on}. Counting {basis}, {n_abs} absent and {n_conf} excluded for a conflict of "
                f"interest leave {len(eligible)} eligible ({len(eligible_lay)} lay): "
                + ("quorate." if quorate else "inquorate; the decision should have been deferred or referred."))
    return QuorumResult(decision_id=info.id, committee_id=committee, date=on, required=required,
                        required_lay=required_lay, attendance_recorded=recorded, eligible=eligible,
                        eligible_lay=eligible_lay, excluded=excluded, quorate=quorate, explanation=text)


def quorum(graph: OrgGraph, decision: str, max_hops: int = DEFAULT_MAX_HOPS) -> QuorumResult:
    """Whether the decision's committee was quorate once conflicted members are taken out."""
    ix = index_for(graph)
    info = _decision(ix, decision)
    conflicted = {f.person: f for f in _decision_conflicts(ix, info, max_hops)}
    return _quorum(graph, ix, info, conflicted)


LAY_EXEC = ("lay", "executive")
GP_CLINICAL = ("gp", "clinical")


def _composition_counts(seats: list[Seat]) -> tuple[list[Seat], bool, int, int]:
    chairs = sorted((s for s in seats if s.props.get("role") == "chair"), key=lambda s: (s.person, s.lo))
    chair_is_lay = bool(chairs) and all(s.props.get("member_type") == "lay" for s in chairs)
    lay_exec = sum(1 for s in seats if s.props.get("voting") and s.props.get("member_type") in LAY_EXEC)
    gp_clin = sum(1 for s in seats if s.props.get("voting") and s.props.get("member_type") in GP_CLINICAL)
    return chairs, chair_is_lay, lay_exec, gp_clin


def composition(graph: OrgGraph, committee: str, as_of: Any = None) -> CompositionResult:
    """A committee's live seats on ``as_of`` and the PCCC rules: a lay chair and a lay/executive majority."""
    ix = index_for(graph)
    _require(ix, committee, ("Committee",), "committee")
    on = _on(as_of)
    seats = _live_seats(ix, committee, on)
    chairs, chair_is_lay, lay_exec, gp_clin = _composition_counts(seats)
    majority = lay_exec > gp_clin
    ok = chair_is_lay and majority
    ctype = graph.g.nodes[committee].get("committee_type")
    members = [MemberSeat(person_id=s.person, person_name=_name(graph, s.person), role=s.props.get("role"),
                          member_type=s.props.get("member_type"), voting=bool(s.props.get("voting")),
                          valid_from=s.props.get("valid_from"), valid_to=s.props.get("valid_to"),
                          source=s.props.get("source")) for s in seats]
    if not chairs:
        chair_text = "has no chair"
    elif len(chairs) == 1:
        chair_text = f"is chaired by {_who(graph, chairs[0].person)} ({chairs[0].props.get('member_type') or 'member type not recorded'})"
    else:
        chair_text = "has " + str(len(chairs)) + " chairs (" + ", ".join(
            f"{_who(graph, s.person)}, {s.props.get('member_type')}" for s in chairs) + ")"
    text = (f"On {on} {_who(graph, committee)} {chair_text} and has {len(seats)} live seats; voting lay and "
            f"executive members {lay_exec}, voting GP and clinical members {gp_clin}. "
            f"Lay chair: {'yes' if chair_is_lay else 'no'}; lay/executive majority: {'yes' if majority else 'no'}. "
            + ("Meets" if ok else "Fails") + " the PCCC composition rules"
            + ("." if ctype == "pccc" else f" (which apply to PCCCs; this committee is a {ctype or 'committee'})."))
    return CompositionResult(committee_id=committee, committee_type=ctype, as_of=on, members=members,
                             chair_id=chairs[0].person if chairs else None, chair_is_lay=chair_is_lay,
                             voting_lay_exec=lay_exec, voting_gp_clinical=gp_clin, lay_exec_majority=majority,
                             ok=ok, explanation=text)


# ---- register audit --------------------------------------------------------------------------------
@dataclass(slots=True)
class _AuditRow:
    person: str
    org: str
    committees: list[str]
    paths: list[StaticPath]
    declaration: str
    declaration_ids: list[str]
    covered: list[bool]


def _remit(ix: Index, commissioner: str, on: str) -> set[str]:
    remit = {org for org, lo, hi in ix.commissioned.get(commissioner, ()) if lo <= on <= hi}
    for c, _, _ in ix.committees_of.get(commissioner, ()):
        for d in ix.decisions_by_committee.get(c, ()):
            remit.update(ix.decisions[d].parties)
    return remit


def _audit(ix: Index, commissioner: str, on: str, max_hops: int) -> list[_AuditRow]:
    committees = sorted(c for c, lo, hi in ix.committees_of.get(commissioner, ()) if lo <= on <= hi)
    members: dict[str, set[str]] = {}
    for c in committees:
        for s in _live_seats(ix, c, on):
            members.setdefault(s.person, set()).add(c)
    if not members:
        return []
    remit = _remit(ix, commissioner, on)
    rows = []
    for person in sorted(members):
        targets = static_paths(ix, person, max_hops)
        for org in sorted(remit.intersection(targets)):
            live = _live_paths(targets[org], on)
            if live:
                status, ids, covered = _declaration(ix, person, live, on)
                rows.append(_AuditRow(person, org, sorted(members[person]), live, status, ids, covered))
    return rows


def register_audit(graph: OrgGraph, commissioner: str, as_of: Any = None,
                   max_hops: int = DEFAULT_MAX_HOPS) -> list[AuditFinding]:
    """Every committee member's live interest paths to organisations in the commissioner's remit, with
    the declaration status of each (person, organisation); the undeclared ones are what the register misses.
    Ordered by person id, then organisation id."""
    ix = index_for(graph)
    _check_hops(max_hops)
    _require(ix, commissioner, graph.schema.commissioner_labels, "commissioner")
    on = _on(as_of)
    out = []
    for row in _audit(ix, commissioner, on, max_hops):
        paths = [_interest_path(graph, ix, p) for p in row.paths]
        types = _types(row.paths)
        why = []
        if any(o == row.org and lo <= on <= hi for o, lo, hi in ix.commissioned.get(commissioner, ())):
            why.append(f"commissioned by {_who(graph, commissioner)}")
        decided = sorted({d for c, _, _ in ix.committees_of.get(commissioner, ())
                          for d in ix.decisions_by_committee.get(c, ()) if row.org in ix.decisions[d].parties})
        if decided:
            why.append(f"a party to {len(decided)} decision{'s' if len(decided) != 1 else ''} of its committees "
                       f"({', '.join(decided[:5])}{', ...' if len(decided) > 5 else ''})")
        text = [(f"On {on} {_who(graph, row.person)} sat on {', '.join(_who(graph, c) for c in row.committees)} "
                f"and had {len(paths)} interest path{'s' if len(paths) != 1 else ''} to {_who(graph, row.org)}, "
                f"which is in the remit of {_who(graph, commissioner)} ({'; '.join(why)}):")]
        for i, p in enumerate(paths, 1):
            text.append(f"({i}) {p.interest_type.replace('_', ' ')}: {_path_text(graph, p)}.")
        if row.declaration == "declared":
            text.append(f"Declared: register entries {', '.join(row.declaration_ids)} cover every path.")
        elif row.declaration == "partial":
            missing = ", ".join(str(i) for i, c in enumerate(row.covered, 1) if not c)
            text.append(f"Partly declared: entries {', '.join(row.declaration_ids)} do not cover path(s) {missing}.")
        else:
            text.append("Undeclared: the register has no entry live on that date about any organisation on "
                        "these paths; it should.")
        out.append(AuditFinding(
            person_id=row.person, person_name=_name(graph, row.person), org_id=row.org, org_name=_name(graph, row.org),
            commissioner_id=commissioner, as_of=on, committees=row.committees, declaration=row.declaration,  # type: ignore[arg-type]
            declaration_ids=row.declaration_ids, interest_types=types, paths=paths,  # type: ignore[arg-type]
            explanation=" ".join(text)))
    return out


# ---- the whole graph -------------------------------------------------------------------------------
def scan(graph: OrgGraph, max_hops: int = DEFAULT_MAX_HOPS, audit_as_of: Any = None) -> ScanSummary:
    """Every decision judged on its day (conflicts, quorum, PCCC composition), and a register audit of
    every commissioner as of ``audit_as_of`` (default: the date of the latest decision, else today)."""
    ix = index_for(graph)
    _check_hops(max_hops)
    by_decl = dict.fromkeys(("declared", "partial", "undeclared"), 0)
    by_part = dict.fromkeys(PARTICIPATION_POINTS, 0)
    by_sev = dict.fromkeys(("high", "medium", "low"), 0)
    n_conflicts = breaches = with_conflicts = 0
    people: set[str] = set()
    inquorate: list[str] = []
    comp_seen: dict[tuple[str, str], tuple[bool, bool]] = {}
    failures: list[CompositionFailure] = []
    g = graph.g
    infos = sorted(ix.decisions.values(), key=lambda i: (i.date, i.id))
    for info in infos:
        found = _decision_conflicts(ix, info, max_hops)
        if found:
            with_conflicts += 1
        for f in found:
            n_conflicts += 1
            people.add(f.person)
            by_decl[f.declaration] += 1
            by_part[f.participation] += 1
            by_sev[f.severity] += 1
            breaches += f.participation == "voted"
        if _quorum_fails(g, ix, info, {f.person for f in found}):
            inquorate.append(info.id)
        for c in info.committees:
            if g.nodes[c].get("committee_type") != "pccc" or (c, info.date) in comp_seen:
                continue
            _, chair_is_lay, lay_exec, gp_clin = _composition_counts(_live_seats(ix, c, info.date))
            comp_seen[(c, info.date)] = (chair_is_lay, lay_exec > gp_clin)
            if not (chair_is_lay and lay_exec > gp_clin):
                failures.append(CompositionFailure(committee_id=c, date=info.date, chair_is_lay=chair_is_lay,
                                                   lay_exec_majority=lay_exec > gp_clin))
    on = _on(audit_as_of) if audit_as_of is not None else (infos[-1].date if infos else _on(None))
    commissioners = sorted(n for n, label in ix.labels.items() if label in graph.schema.commissioner_labels)
    audit_rows = audit_undeclared = audit_partial = 0
    for k in commissioners:
        for row in _audit(ix, k, on, max_hops):
            audit_rows += 1
            audit_undeclared += row.declaration == "undeclared"
            audit_partial += row.declaration == "partial"
    failures.sort(key=lambda f: (f.committee_id, f.date))
    return ScanSummary(
        max_hops=max_hops, decisions=len(infos), decisions_with_conflicts=with_conflicts, conflicts=n_conflicts,
        people_with_conflicts=len(people), breaches=breaches, by_declaration=by_decl, by_participation=by_part,
        by_severity=by_sev, inquorate=inquorate, composition_failures=failures, audit_as_of=on,
        commissioners=len(commissioners), audit_findings=audit_rows, audit_undeclared=audit_undeclared,
        audit_partial=audit_partial)


def _quorum_fails(g: Any, ix: Index, info: DecisionInfo, conflicted: set[str]) -> bool:
    """The quorum rule of :func:`quorum`, without building the explanation (for scans)."""
    if not info.committees:
        return True
    spec = g.nodes[info.committees[0]]
    recorded, present = _attendance(ix, info)
    eligible: set[str] = set()
    lay: set[str] = set()
    for c in info.committees:
        for s in _live_seats(ix, c, info.date):
            p = s.person
            if s.props.get("voting") and (not recorded or p in present) and p not in conflicted:
                eligible.add(p)
                if s.props.get("member_type") == "lay":
                    lay.add(p)
    return len(eligible) < int(spec.get("quorum") or 0) or len(lay) < int(spec.get("quorum_lay") or 0)
