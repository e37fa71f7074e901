"""The first ICB's committee meeting by meeting (README "Meetings"): the ICB board whose members can be
co-opted, a nominated deputy, two past meetings whose declarations logs plant each kind of breach,
and the next meeting, still planned, whose agenda the chair's brief is about.

Runs after everything else, so the random draws it makes (new people's names, award values) change
nothing generated before it.

Planted, on ``SYN-COM-ICB-1-PCCC`` (the quorum rule is ``4; lay>=1; chair|vice_chair>=1; executive>=1``):

- **2024-01-25** (declarations log, attendance): the director of primary care sends apologies and the
  deputy counts in their place. A GP declares a partnership in the federation awarded a contract and
  leaves the room (a properly managed conflict); another GP declares, is ruled out of the vote
  (``stayed_no_vote``) and votes anyway (``acted_against_ruling``); the chief executive, whose spouse
  works for the trust awarded a contract, says nothing and votes (``voted_while_conflicted`` and
  ``not_declared_at_meeting``).
- **2024-03-21** (a log with nothing declared): the chair advises the company awarded a contract,
  declares nothing and does not vote (``not_declared_at_meeting`` alone).
- **2024-04-25, planned**: four items. ``PCC24/001`` cannot be quorate once the conflicted members are
  out (the board's unconflicted voting members can be co-opted); ``PCC24/002`` has a conflicted chair,
  so the vice-chair presides; ``PCC24/003`` has no conflicts; ``PCC24/004`` excludes one GP.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from orggraph.temporal import is_live

from .builder import Builder, CcgPlan, IcbPlan, Interest, Seat
from .decisions import Award, Meeting, attend, record_decision
from .oracle import Walk
from .planted import MeetingLog, MinutedDeclaration
from .registers import declare_plainly
from .scale import ICB_ERA_START, ID_PREFIX
from .world import World

BOARD_QUORUM_RULE = "5; lay>=2; executive>=1"
DEPUTY_FROM = "2023-10-01"
LOGGED_DAYS = ("2024-01-25", "2024-03-21")
NEXT_DAY = "2024-04-25"
# What a member did about an item at a past meeting: (minuted action or None when silent, voted)
Script = dict[str, tuple[str | None, bool]]


def icb_meetings(b: Builder, i: IcbPlan) -> None:
    """Plant the board, the deputy, the two logged meetings and the planned one for ICB ``i``."""
    board = _board(b, i)
    deputy = _deputy(b, i)
    _logged_meetings(b, i, deputy)
    _next_meeting(b, i)
    b.world.headline.setdefault("icb_board", board)
    b.world.headline.setdefault("icb_deputy", deputy)


def _sicbl_of(i: IcbPlan, practice: str) -> CcgPlan:
    return next((c for c in i.sicbls if practice in c.practices), i.sicbls[0])


def _federation_of(i: IcbPlan, practice: str) -> str:
    c = _sicbl_of(i, practice)
    return next((f for f in c.federations if practice in c.fed_members[f]), c.federations[0])


def _charity(i: IcbPlan) -> str:
    last = i.sicbls[-1]
    return last.charities[-1] if last.charities else last.trust


def _company(i: IcbPlan) -> str:
    first = i.sicbls[0]
    return first.companies[-1] if first.companies else first.trust


def _board(b: Builder, i: IcbPlan) -> str:
    """The ICB board: its chair, non-executive members, executives (two of whom sit on the PCCC),
    clinical directors, a GP partner member and a non-voting local authority member."""
    w = b.world
    board = f"{ID_PREFIX}COM-ICB-{i.index + 1}-BOARD"
    w.add_node(board, "Committee", {"name": f"{i.name} Board", "committee_type": "governing_body",
                                    "quorum_rule": BOARD_QUORUM_RULE})
    w.add_rel(board, "COMMITTEE_OF", i.id, {"valid_from": ICB_ERA_START})
    o = i.officers
    trustee = b.person("ICB non-executive member (remuneration)")
    federation = _federation_of(i, i.gps[1][1])
    partner_practice = sorted(p for p in _sicbl_of(i, i.gps[1][1]).fed_members[federation]
                              if p != i.gps[1][1])[:1] or [i.gps[1][1]]
    partner = b.person("ICB partner member (primary medical services)")
    seats: list[tuple[str, str, str, bool]] = [
        (b.person("ICB chair"), "chair", "lay", True), (b.person("ICB non-executive member (audit)"), "member", "lay", True),
        (trustee, "member", "lay", True), (o["chief_executive"], "member", "executive", True),
        (o["finance"], "member", "executive", True), (b.person("ICB medical director"), "member", "clinical", True),
        (b.person("ICB chief nurse"), "member", "clinical", True), (partner, "member", "gp", True),
        (b.person("Local authority partner member"), "member", "other", False)]
    for person, role, mtype, voting in seats:
        w.add_rel(person, "SITS_ON", board, {"role": role, "member_type": mtype, "voting": voting,
                                             "valid_from": ICB_ERA_START})
    # Two board members have interests the planned agenda touches; both declared them on the register.
    interests = [(trustee, Interest(_charity(i), "TRUSTEE_OF", "Trustee", "2021-05-01", None, False)),
                 (partner, Interest(partner_practice[0], "PARTNER_IN", "GP partner", "2022-10-01", None, False))]
    for person, interest in interests:
        w.add_rel(person, interest.rel_type, interest.org, {"valid_from": interest.valid_from})
        declare_plainly(w, i.id, person, "Board member", interest)
    w.story.append(f"{board}: the board of {i.id}, whose unconflicted voting members can be co-opted "
                   f"to {i.pccc} when exclusions make an item inquorate")
    return board


def _deputy(b: Builder, i: IcbPlan) -> str:
    """A nominated deputy for the director of primary care (counts only when that director is absent)."""
    deputy = b.person("ICB deputy director of primary care")
    b.world.add_rel(deputy, "SITS_ON", i.pccc, {"role": "member", "member_type": "executive", "voting": True,
                                                 "deputy_for": i.officers["primary_care"], "valid_from": DEPUTY_FROM})
    return deputy


def _meeting(b: Builder, i: IcbPlan, on: str, attendees: list[str]) -> Meeting:
    w = b.world
    mid = b.next_id("MTG", 5)
    day = dt.date.fromisoformat(on)
    w.add_node(mid, "Meeting", {"name": f"{w.name(i.pccc)}, {day:%d %B %Y}", "date": on})
    w.add_rel(mid, "HELD_BY", i.pccc)
    # Every seat live on the day, the deputy's included (it is not one of the members the register lists).
    live = [Seat(r.start, r.end, r.props) for r in w.rels
            if r.type == "SITS_ON" and r.end == i.pccc and is_live(r.props, on)]
    meeting = Meeting(mid, i.pccc, on, live, attendees, bool(attendees))
    attend(b, meeting)
    return meeting


def _take(b: Builder, meeting: Meeting, award: Award, kind: str, script: Script, log: MeetingLog, walk: Walk,
          ruled_by: str) -> str:
    """One past item: the scripted members do as scripted; anyone else conflicted declares and leaves
    the room; everyone else present with a vote votes for."""
    w = b.world
    did, parties = record_decision(b, meeting, award, b.next_id("DEC", 5), kind)
    item = str(w.nodes[did].props["item"])
    voting = {s.person for s in meeting.live if s.props.get("voting")}
    for person in meeting.attendees:
        paths = walk.paths(person, parties, meeting.on)
        action, votes = script.get(person, ("left_room" if paths else None, not paths))
        if action is not None:
            interest = "; ".join(sorted({_minuted(w, p.nodes) for p in paths})) or "as minuted"
            shown = w.name(person) if sum(1 for n in w.nodes.values() if n.props.get("name") == w.name(person)) == 1 \
                else person
            log.rows.append(MinutedDeclaration(meeting.id, did, person, interest, action, ruled_by, shown, item))
        if action == "left_room":
            w.add_rel(person, "WITHDREW_FROM", did)
        elif votes and person in voting:
            w.add_rel(person, "VOTED_ON", did, {"vote": "for"})
    return did


def _minuted(w: World, nodes: tuple[str, ...]) -> str:
    """An interest as the minutes word it: the first organisation (or relative) and the party."""
    if len(nodes) == 2:
        return f"{w.name(nodes[1])} (a party)"
    return f"{w.name(nodes[1])}, through to {w.name(nodes[-1])} (a party)"


def _logged_meetings(b: Builder, i: IcbPlan, deputy: str) -> None:
    """Two past meetings with declarations logs that plant each breach kind and a managed conflict."""
    w, o = b.world, i.officers
    walk = w.walk()
    first, (gp1, practice1), (gp2, practice2) = i.sicbls[0], i.gps[1], i.gps[2]
    voting = [s.person for s in i.members if s.props.get("voting")]
    # 2024-01-25: the director of primary care sends apologies; the deputy comes in their place.
    one = _meeting(b, i, LOGGED_DAYS[0], [p for p in voting if p != o["primary_care"]] + [deputy])
    log = MeetingLog(one.id, f"declarations_{one.id}.csv")
    fed = _federation_of(i, practice1)
    managed = _take(b, one, Award([fed], [], f"Enhanced access service contract: {w.name(fed)}", 300_000),
                    "extended_access", {gp1: ("left_room", False)}, log, walk, o["chair"])
    c2 = _sicbl_of(i, practice2)
    scheme = [p for p in c2.practices if p != i.hidden_practice]
    against = _take(b, one, Award([], scheme, f"Local enhanced service ({c2.id}): phlebotomy", 120_000), "lis",
                    {gp2: ("stayed_no_vote", True)}, log, walk, o["chair"])
    silent = _take(b, one, Award([first.trust], [], f"Community services contract: {w.name(first.trust)}",
                                 900_000), "community", {o["chief_executive"]: (None, True)}, log, walk, o["chair"])
    w.logs.append(log)
    # 2024-03-21: everyone present; nobody declares anything (the log is one row with no person).
    two = _meeting(b, i, LOGGED_DAYS[1], voting[:])
    log2 = MeetingLog(two.id, f"declarations_{two.id}.csv")
    company = _company(i)
    chair_silent = _take(b, two, Award([company], [], f"Digital triage platform: {w.name(company)}", 180_000),
                         "other", {o["chair"]: (None, False)}, log2, walk, o["vice_chair"])
    w.logs.append(log2)
    w.headline.update(logged_meeting=one.id, managed_item=managed, against_ruling_item=against,
                      silent_vote_item=silent, silent_meeting=two.id, chair_silent_item=chair_silent)
    w.story.append(f"{one.id} ({one.on}): the deputy counts for the absent director of primary care; "
                   f"{w.name(gp1)} declares and leaves the room ({managed}); {w.name(gp2)} is ruled out of the "
                   f"vote and votes ({against}); the chief executive says nothing and votes ({silent})")
    w.story.append(f"{two.id} ({two.on}): nothing declared, though the chair advises {w.name(company)} ({chair_silent})")


def _next_meeting(b: Builder, i: IcbPlan) -> None:
    """The committee's next meeting, planned, with four agenda items and no minutes yet."""
    w = b.world
    first, gps = i.sicbls[0], i.gps
    meeting = _meeting(b, i, NEXT_DAY, [])
    feds = sorted({_federation_of(i, p) for _, p in gps})
    hubs = Award([first.trust], [*feds, _charity(i)], f"Same-day access hubs: {w.name(first.trust)} "
                 "with the GP federations", 1_200_000)
    company = _company(i)
    triage = Award([company], [], f"Digital triage platform extension: {w.name(company)}", 200_000)
    taken = {p for _, p in gps} | {i.hidden_practice}
    c = i.sicbls[1 % len(i.sicbls)]
    practice = next(p for p in c.practices if p not in taken)
    apms = Award([practice], [], f"APMS contract: {w.name(practice)}", 90_000)
    c2 = _sicbl_of(i, gps[2][1])
    pcn = next((n for n in c2.pcns if gps[2][1] in c2.pcn_members.get(n, ())), c2.pcns[0] if c2.pcns else c2.trust)
    roles = Award([], [pcn], f"PCN additional roles funding: {w.name(pcn)}", 60_000)
    items: dict[str, Any] = {}
    for key, award, kind in (("hubs", hubs, "other"), ("triage", triage, "other"), ("apms", apms, "apms"),
                             ("roles", roles, "pcn")):
        items[key], _ = record_decision(b, meeting, award, b.next_id("DEC", 5), kind, status="planned")
    w.headline.update(next_meeting=meeting.id, next_inquorate_item=items["hubs"],
                      next_chair_item=items["triage"])
    w.story.append(f"{meeting.id} ({meeting.on}, planned): {items['hubs']} inquorate once the conflicted "
                   f"members leave (co-opt from the board); the chair is conflicted in {items['triage']}")
