"""Each CCG's primary care commissioning committee (PCCC) and governing body: their members, the
members' declaration behaviour, and the planted composition and conflict scenarios. Committees and
seats end with the CCG era (2022-06-30)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .builder import Builder, CcgPlan, Seat
from .scale import CCG_ERA_END, ID_PREFIX


@dataclass
class _Officers:
    lay_chair: str
    lay_ppi: str
    accountable: str
    finance: str
    nurse: str
    hospital_doc: str
    healthwatch: str


def committees(b: Builder, c: CcgPlan) -> None:
    _committee_nodes(b, c)
    officers = _officers(b, c)
    # GPs on the committees: partners of distinct practices; one PCCC GP directs a federation.
    director = c.fed_directors[c.federations[0]][0]
    practice_of = {gp: p for p, gps in c.partners.items() for gp in gps}
    others = [gp for p in sorted(c.partners) for gp in c.partners[p][:1]
              if gp != director and practice_of[director] != p]
    b.rng.shuffle(others)
    pccc_gps = [director, *others[:2]]
    _seat_pccc(b, c, officers, pccc_gps, others)
    _seat_governing_body(b, c, officers, others[2:6])
    # Declaration behaviour of each committee member (what reaches the register).
    for seat in c.members:
        if seat.person in c.behaviour:
            continue
        c.behaviour[seat.person] = b.rng.choices(
            ("full", "partial", "nil", "stale", "late"), weights=(50, 20, 12, 10, 8))[0]
    c.behaviour[director] = "nil"  # the headline: a federation director who declares nothing
    c.headline_director = director
    # The federation directorship of one PCCC GP ended in June: later awards are not conflicts via it.
    if len(pccc_gps) > 2 and len(c.federations) > 1 and pccc_gps[2] not in c.fed_directors[c.federations[1]]:
        b.interest(c, pccc_gps[2], "DIRECTOR_OF", c.federations[1], "Director of the GP federation (resigned)",
                   "2016-01-01", "2019-06-30")


def _committee_nodes(b: Builder, c: CcgPlan) -> None:
    w = b.world
    c.pccc = f"{ID_PREFIX}COM-{c.index + 1:03d}-PCCC"
    c.gb = f"{ID_PREFIX}COM-{c.index + 1:03d}-GB"
    w.add_node(c.pccc, "Committee", {"name": f"{c.name} Primary Care Commissioning Committee",
                                     "committee_type": "pccc", "quorum": 3, "quorum_lay": 1})
    w.add_node(c.gb, "Committee", {"name": f"{c.name} Governing Body", "committee_type": "governing_body",
                                   "quorum": 6, "quorum_lay": 1})
    # Both end with the CCG era; the CCG node carries on as a sub-ICB location without committees.
    w.add_rel(c.pccc, "COMMITTEE_OF", c.id, {"valid_from": "2015-04-01", "valid_to": CCG_ERA_END})
    w.add_rel(c.gb, "COMMITTEE_OF", c.id, {"valid_from": "2013-04-01", "valid_to": CCG_ERA_END})


def _officers(b: Builder, c: CcgPlan) -> _Officers:
    officers = _Officers(
        lay_chair=b.person("Lay member (governance)"),
        lay_ppi=b.person("Lay member (patient and public involvement)"),
        accountable=b.person("Accountable officer"),
        finance=b.person("Chief finance officer"),
        nurse=b.person("Chief nurse"),
        hospital_doc=b.person("Secondary care doctor"),
        healthwatch=b.person("Healthwatch representative"))
    for exec_ in (officers.accountable, officers.finance, officers.nurse):
        b.world.add_rel(exec_, "EMPLOYED_BY", c.id, {"valid_from": "2015-01-01"})
    # Lay members have interests too: a trusteeship and an unpaid advisory role.
    if c.charities:
        b.interest(c, officers.lay_ppi, "TRUSTEE_OF", c.charities[0], "Trustee", "2016-09-01")
    if c.companies:
        b.interest(c, officers.lay_chair, "ADVISES", c.companies[-1], "Unpaid adviser", "2018-01-01",
                   props={"paid": False})
    return officers


def _seat(b: Builder, c: CcgPlan, person: str, committee: str, role: str, mtype: str, voting: bool = True,
          vf: str = "2018-04-01", vt: str = CCG_ERA_END) -> None:
    props: dict[str, Any] = {"role": role, "member_type": mtype, "voting": voting, "valid_from": vf,
                             "valid_to": vt}
    b.world.add_rel(person, "SITS_ON", committee, props)
    c.members.append(Seat(person, committee, props))


def _seat_pccc(b: Builder, c: CcgPlan, o: _Officers, gps: list[str], others: list[str]) -> None:
    """Lay chair, lay, two executives, three GPs (4 > 3), a non-voting Healthwatch seat; quorum 3."""
    _seat(b, c, o.lay_chair, c.pccc, "chair", "lay")
    _seat(b, c, o.lay_ppi, c.pccc, "member", "lay")
    _seat(b, c, o.accountable, c.pccc, "member", "executive")
    _seat(b, c, o.finance, c.pccc, "member", "executive")
    for gp in gps:
        _seat(b, c, gp, c.pccc, "member", "gp")
    _seat(b, c, o.healthwatch, c.pccc, "member", "other", voting=False)
    if c.index % 3 == 0 and len(others) > 6:
        # A GP joins the PCCC mid-year: from then on lay + executive (4) no longer outnumber GPs (4).
        joiner = others[6]
        _seat(b, c, joiner, c.pccc, "member", "gp", vf="2019-10-01")
        b.world.story.append(f"{c.pccc}: {b.world.name(joiner)} joins as a GP member on 2019-10-01 "
                             "and the lay/executive majority is lost")


def _seat_governing_body(b: Builder, c: CcgPlan, o: _Officers, gps: list[str]) -> None:
    """Clinical chair (a GP), lay vice chair, executives, nurse, hospital doctor, GPs."""
    _seat(b, c, gps[0], c.gb, "chair", "gp")
    _seat(b, c, o.lay_chair, c.gb, "vice_chair", "lay")
    _seat(b, c, o.lay_ppi, c.gb, "member", "lay")
    _seat(b, c, o.accountable, c.gb, "member", "executive")
    _seat(b, c, o.finance, c.gb, "member", "executive")
    _seat(b, c, o.nurse, c.gb, "member", "clinical")
    _seat(b, c, o.hospital_doc, c.gb, "member", "clinical")
    for k, gp in enumerate(gps[1:], start=1):
        # One GP leaves the governing body in the autumn: later decisions are not theirs.
        _seat(b, c, gp, c.gb, "member", "gp", vt="2019-09-30" if k == 3 else CCG_ERA_END)
