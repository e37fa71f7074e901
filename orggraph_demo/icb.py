"""The ICB era (from 2022-07-01): one ICB per STP footprint, whose sub-ICB locations (SICBLs) are its
former CCGs (the same nodes, with a SICBL name), its primary care commissioning committee with
members from 2022-07-01, and that committee's 2023/24 meetings and decisions.

What only the ICB era reveals is planted here: a GP member of the ICB's committee who is a partner
in a practice one of its SICBLs commissions, and declares nothing. The practice is never a party to
the ICB's decisions, so only the ICB-era rule of the register audit (an ICB's remit covers what its
SICBLs commission while their IN_ICB is live) finds the interest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .builder import Builder, CcgPlan, IcbPlan, Interest, Seat
from .decisions import Award, Statuses, attend, chair_manages, new_meeting, record_decision
from .names import TOPICS
from .oracle import Walk
from .scale import ICB_ERA_START, ICB_YEAR, ID_PREFIX, REGION_ID

# The ICB committee's standing orders: 4 members including a lay member, the chair or vice-chair, and an
# executive (the shorthand quorum 4 / quorum_lay 1 stays for readers that know only that).
PCCC_QUORUM_RULE = "4; lay>=1; chair|vice_chair>=1; executive>=1"


@dataclass
class _IcbOfficers:
    chair: str
    lay: str
    chief_executive: str
    finance: str
    primary_care: str
    healthwatch: str


def icbs(b: Builder) -> None:
    """One ICB per STP footprint over the CCGs in it, which become its sub-ICB locations on 2022-07-01."""
    by_stp: dict[str, list[CcgPlan]] = {}
    for c in b.ccgs:
        by_stp.setdefault(c.stp, []).append(c)
    for k, (stp, sicbls) in enumerate(by_stp.items()):
        i = _icb(b, k, stp, sicbls)
        _pccc(b, i)
        b.icbs.append(i)


def _icb(b: Builder, k: int, stp: str, sicbls: list[CcgPlan]) -> IcbPlan:
    w = b.world
    icb = f"{ID_PREFIX}ICB-{k + 1}"
    name = f"NHS {w.name(stp).removesuffix(' STP')} ICB"  # the STP footprint's places
    w.add_node(icb, "ICB", {"name": name, "valid_from": ICB_ERA_START})
    w.add_rel(icb, "IN_REGION", REGION_ID)
    for c in sicbls:
        w.update_node(c.id, {"sicbl_name": f"{name} - {c.id}", "ods_role": "RO319"})
        w.add_rel(c.id, "IN_ICB", icb, {"valid_from": ICB_ERA_START})
    b.world.story.append(f"{icb}: {name} from {ICB_ERA_START}, over the sub-ICB locations "
                         + ", ".join(c.id for c in sicbls))
    return IcbPlan(k, icb, name, sicbls)


def _gp_candidates(c: CcgPlan) -> list[tuple[str, str]]:
    """(partner, practice) pairs of GPs who sat on none of the CCG's committees, direct no federation
    and are still partners: the ICB's GP members come from them."""
    sat = {s.person for s in c.members} | {c.behaviour.get("coopted", "")}
    directors = {d for ds in c.fed_directors.values() for d in ds}
    in_federation = {p for ms in c.fed_members.values() for p in ms}
    out = []
    for p in sorted(c.partners):
        for gp in c.partners[p]:
            open_partner = any(x.org == p and x.rel_type == "PARTNER_IN" and x.valid_to is None
                               for x in c.interests.get(gp, ()))
            if open_partner and gp not in sat and gp not in directors and p in in_federation:
                out.append((gp, p))
    return out


def _pccc(b: Builder, i: IcbPlan) -> None:
    """A lay (non-executive) chair, a lay vice-chair, three executives, three GPs from its SICBLs and a
    non-voting Healthwatch seat: lay and executive (5) outnumber GPs (3); quorum 4 including a lay
    member, the chair or vice-chair, and an executive."""
    w = b.world
    i.pccc = f"{ID_PREFIX}COM-ICB-{i.index + 1}-PCCC"
    w.add_node(i.pccc, "Committee", {"name": f"{i.name} Primary Care Commissioning Committee",
                                     "committee_type": "pccc", "quorum": 4, "quorum_lay": 1,
                                     "quorum_rule": PCCC_QUORUM_RULE})
    w.add_rel(i.pccc, "COMMITTEE_OF", i.id, {"valid_from": ICB_ERA_START})
    o = _officers(b, i)
    i.officers = {"chair": o.chair, "vice_chair": o.lay, "chief_executive": o.chief_executive,
                  "finance": o.finance, "primary_care": o.primary_care, "healthwatch": o.healthwatch}
    for person, role, mtype in ((o.chair, "chair", "lay"), (o.lay, "vice_chair", "lay"),
                                (o.chief_executive, "member", "executive"), (o.finance, "member", "executive"),
                                (o.primary_care, "member", "executive")):
        _seat(b, i, person, role, mtype)
    gps: list[tuple[str, str]] = []
    for k in range(3):
        # From the k-th SICBL (or the next one that has a GP to offer).
        n = len(i.sicbls)
        c, offer = next(((c, cands) for c in (i.sicbls[(k + j) % n] for j in range(n))
                         if (cands := [x for x in _gp_candidates(c) if x not in gps])), (i.sicbls[0], []))
        if not offer:
            raise ValueError(f"{i.id}: no GP partner left to sit on its committee")
        gp, practice = b.rng.choice(offer)
        gps.append((gp, practice))
        i.interests[gp].extend(c.interests.get(gp, ()))
        _seat(b, i, gp, "member", "gp")
    _seat(b, i, o.healthwatch, "member", "other", voting=False)
    for seat in i.members:
        i.behaviour[seat.person] = b.rng.choices(("full", "partial", "nil", "stale", "late"),
                                                 weights=(50, 20, 12, 10, 8))[0]
    i.gps = gps
    i.hidden_partner, i.hidden_practice = gps[0]
    i.behaviour[i.hidden_partner] = "nil"
    w.headline.setdefault("icb", i.id)
    w.headline.setdefault("icb_committee", i.pccc)
    w.headline.setdefault("icb_person", i.hidden_partner)
    w.headline.setdefault("icb_practice", i.hidden_practice)
    w.story.append(f"{i.pccc}: GP member {w.name(i.hidden_partner)} is a partner in {w.name(i.hidden_practice)} "
                   f"({i.hidden_practice}, commissioned by a sub-ICB location of {i.id}) and declares nothing")


def _officers(b: Builder, i: IcbPlan) -> _IcbOfficers:
    o = _IcbOfficers(chair=b.person("ICB non-executive member (PCCC chair)"),
                     lay=b.person("ICB non-executive member"), chief_executive=b.person("ICB chief executive"),
                     finance=b.person("ICB chief finance officer"),
                     primary_care=b.person("ICB director of primary care"),
                     healthwatch=b.person("Healthwatch representative"))
    for exec_ in (o.chief_executive, o.finance, o.primary_care):
        b.world.add_rel(exec_, "EMPLOYED_BY", i.id, {"valid_from": ICB_ERA_START})
    first, last = i.sicbls[0], i.sicbls[-1]
    if last.charities:
        b.interest(i, o.lay, "TRUSTEE_OF", last.charities[-1], "Trustee", "2020-06-01")
    if first.companies:
        b.interest(i, o.chair, "ADVISES", first.companies[-1], "Unpaid adviser", "2021-01-01",
                   props={"paid": False})
    # The chief executive's spouse joins the SICBL's trust after the ICB forms: an indirect interest.
    spouse = b.person("Relative", b.world.name(o.chief_executive).split()[-1])
    b.world.add_rel(spouse, "FAMILY_OF", o.chief_executive, {"relation": "spouse"})
    b.world.add_rel(spouse, "EMPLOYED_BY", first.trust, {"valid_from": "2022-09-01"})
    i.interests[o.chief_executive].append(Interest(
        first.trust, "EMPLOYED_BY", f"Spouse is employed by {b.world.name(first.trust)}", "2022-09-01", None, True))
    return o


def _seat(b: Builder, i: IcbPlan, person: str, role: str, mtype: str, voting: bool = True) -> None:
    props: dict[str, Any] = {"role": role, "member_type": mtype, "voting": voting, "valid_from": ICB_ERA_START}
    b.world.add_rel(person, "SITS_ON", i.pccc, props)
    i.members.append(Seat(person, i.pccc, props))


def icb_decisions(b: Builder, i: IcbPlan, walk: Walk) -> None:
    """The ICB's committee meets through 2023/24; at its second meeting it awards a contract to the
    federation of the hidden partner's practice, and the partner votes (a breach, undeclared)."""
    status = Statuses(b.world, walk)
    n = b.scale.icb_meetings
    for m in range(n):
        meeting = new_meeting(b, i.pccc, m, n, ICB_YEAR, i.members)
        if m == 1:
            meeting.recorded = True
            if i.hidden_partner not in meeting.attendees:
                meeting.attendees.append(i.hidden_partner)
        attend(b, meeting)
        for k in range(b.rng.randint(*b.scale.decisions_per_meeting)):
            planted = m == 1 and k == 0
            kind, award = _planted_award(b, i) if planted else _award(b, i)
            did = b.next_id("DEC", 5)
            if planted:
                b.world.headline.setdefault("icb_decision", did)
            _, parties = record_decision(b, meeting, award, did, kind)
            if meeting.recorded:
                chair_manages(b, meeting, did, parties, status, i.hidden_partner if planted else None)


def _planted_award(b: Builder, i: IcbPlan) -> tuple[str, Award]:
    c = i.sicbls[0]
    fed = next(f for f in c.federations if i.hidden_practice in c.fed_members[f])
    return "extended_access", Award([fed], [], f"Enhanced access service contract: {b.world.name(fed)}", 400_000)


def _award(b: Builder, i: IcbPlan) -> tuple[str, Award]:
    """An award across the ICB's area; the hidden partner's practice is never a party."""
    rng, w = b.rng, b.world
    c = rng.choice(i.sicbls)
    practices = [p for p in c.practices if p != i.hidden_practice]
    kind = rng.choice(("extended_access", "lis", "apms", "pcn", "merger"))
    if kind == "extended_access":
        fed = rng.choice(c.federations)
        return kind, Award([fed], [], f"Enhanced access service contract: {w.name(fed)}", 400_000)
    if kind == "lis":
        return kind, Award([], practices, f"Local enhanced service ({c.id}): {rng.choice(TOPICS)}", 150_000)
    if kind == "apms":
        p = rng.choice(practices)
        return kind, Award([p], [], f"APMS contract: {w.name(p)}", 90_000)
    if kind == "pcn" and c.pcns:
        pcn = rng.choice(c.pcns)
        return kind, Award([], [pcn], f"PCN additional roles funding: {w.name(pcn)}", 60_000)
    one, other = rng.sample(practices, 2)
    return "merger", Award([], [one, other], f"Practice merger: {w.name(one)} and {w.name(other)}", 0)
