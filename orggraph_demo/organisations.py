"""Organisations: the region, STPs and their trusts, CCGs, practices, federations, PCNs, other
providers and vanguards."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from .builder import Builder, CcgPlan
from .ods import OdsData, OdsPractice
from .scale import CCG_ERA_END, PCN_START, REGION_ID, VANGUARD_PROGRAMME_END, Scale


class _CcgSpec(NamedTuple):
    code: str
    name: str
    real_practices: list[OdsPractice]


def organisations(b: Builder) -> None:
    """The region, then per CCG its STP (and trust) when a new one starts, practices, federations,
    PCNs and other providers."""
    w = b.world
    w.add_node(REGION_ID, "Region", {"name": "Synthetic Region"})
    specs = _real_ccgs(b.ods, b.scale) if b.ods else _synthetic_ccgs(b)
    stp = ""
    for i, spec in enumerate(specs):
        if i % b.scale.ccgs_per_stp == 0:
            stp = _stp_and_trust(b)
        w.add_node(spec.code, "CCG", {"name": spec.name, "delegation_level": 3})
        # STPs gave way to ICBs: the CCG leaves its STP when it becomes a sub-ICB location.
        w.add_rel(spec.code, "IN_STP", stp, {"valid_from": "2016-04-01", "valid_to": CCG_ERA_END})
        c = CcgPlan(i, spec.code, spec.name, trust=b.trusts[-1], stp=stp)
        w.add_rel(c.trust, "COMMISSIONED_BY", spec.code, {"valid_from": "2013-04-01"})
        b.ccgs.append(c)
        if spec.real_practices:
            for p in spec.real_practices:
                w.add_node(p.code, "Practice", {"name": p.name, "postcode": p.postcode, "status": "A"})
                w.add_rel(p.code, "COMMISSIONED_BY", spec.code, {"valid_from": "2013-04-01"})
                c.practices.append(p.code)
        else:
            _synthetic_practices(b, c)
        federations_and_pcns(b, c)
        providers(b, c)


def _real_ccgs(ods: OdsData, s: Scale) -> list[_CcgSpec]:
    by_ccg: dict[str, list[OdsPractice]] = defaultdict(list)
    for p in ods.practices:
        by_ccg[p.ccg].append(p)
    lo, hi = s.practices_per_ccg
    # Prefer CCGs of about the scale's size (a demo wants small ones), in code order.
    fits = sorted(code for code, ps in by_ccg.items() if lo <= len(ps) <= hi)
    others = sorted(code for code in by_ccg if code not in fits)
    chosen = (fits + others)[: s.n_ccgs]
    return [_CcgSpec(code, ods.ccg_names.get(code) or f"NHS CCG {code}",
                     sorted(by_ccg[code], key=lambda p: p.code)[: s.ods_practice_cap])
            for code in chosen]


def _synthetic_ccgs(b: Builder) -> list[_CcgSpec]:
    return [_CcgSpec(b.next_id("CCG", 3), f"NHS {b.names.place()} CCG", []) for _ in range(b.scale.n_ccgs)]


def _stp_and_trust(b: Builder) -> str:
    w = b.world
    stp = b.next_id("STP", 2)
    w.add_node(stp, "STP", {"name": f"{b.names.place()} and {b.names.place()} STP"})
    w.add_rel(stp, "IN_REGION", REGION_ID)
    trust = b.next_id("PROV", 4)
    w.add_node(trust, "Provider", {"name": f"{b.names.place()} Hospitals NHS Foundation Trust",
                                   "provider_type": "nhs_trust"})
    b.trusts.append(trust)
    return stp


def _synthetic_practices(b: Builder, c: CcgPlan) -> None:
    w, rng = b.world, b.rng
    for _ in range(rng.randint(*b.scale.practices_per_ccg)):
        pid = b.next_id("PRAC", 4)
        kind = rng.choice(("Surgery", "Medical Centre", "Health Centre", "Medical Practice",
                           "Family Practice"))
        w.add_node(pid, "Practice", {"name": f"{b.names.place()} {kind}", "status": "A"})
        w.add_rel(pid, "COMMISSIONED_BY", c.id, {"valid_from": "2013-04-01"})
        c.practices.append(pid)


def federations_and_pcns(b: Builder, c: CcgPlan) -> None:
    w, rng, s = b.world, b.rng, b.scale
    practices = list(c.practices)
    rng.shuffle(practices)
    # Most practices belong to one federation; a few stand alone.
    joined = practices[: max(2, int(len(practices) * 0.9))]
    for k in range(s.federations_per_ccg):
        fid = b.next_id("FED", 4)
        kind = rng.choice(("GP Federation Ltd", "Health Partnership Ltd", "Primary Care Ltd"))
        w.add_node(fid, "Federation", {"name": f"{b.names.place()} {kind}",
                                       "company_number": f"SYN{b.counter['FED']:05d}"})
        members = sorted(joined[k:: s.federations_per_ccg])
        c.federations.append(fid)
        c.fed_members[fid] = members
        for p in members:
            w.add_rel(p, "MEMBER_OF", fid, {"valid_from": "2015-10-01"})
            w.add_rel(p, "SHAREHOLDER_OF", fid, {"valid_from": "2015-10-01",
                                                  "percent": round(100.0 / len(members), 2)})
    ordered = sorted(c.practices)
    size = max(1, len(ordered) // s.pcns_per_ccg)
    for k in range(s.pcns_per_ccg):
        nid = b.next_id("PCN", 4)
        w.add_node(nid, "PCN", {"name": f"{b.names.place()} PCN", "valid_from": PCN_START})
        w.add_rel(nid, "COMMISSIONED_BY", c.id, {"valid_from": PCN_START})
        members = ordered[k * size:(k + 1) * size] if k < s.pcns_per_ccg - 1 else ordered[k * size:]
        c.pcns.append(nid)
        c.pcn_members[nid] = members
        for p in members:
            w.add_rel(p, "MEMBER_OF", nid, {"valid_from": PCN_START})


def providers(b: Builder, c: CcgPlan) -> None:
    w, rng, s = b.world, b.rng, b.scale
    for kind, n, ptype, suffixes in (
        ("companies", s.companies_per_ccg, "company",
         ("Diagnostics Ltd", "Community Healthcare Ltd", "Physiotherapy Services Ltd", "Dermatology Ltd")),
        ("charities", s.charities_per_ccg, "charity", ("Hospice", "Carers Trust", "Mind")),
        ("care_homes", s.care_homes_per_ccg, "care_home", ("House Care Home", "Lodge Nursing Home")),
    ):
        for _ in range(n):
            pid = b.next_id("PROV", 4)
            w.add_node(pid, "Provider", {"name": f"{b.names.place()} {rng.choice(suffixes)}",
                                         "provider_type": ptype})
            w.add_rel(pid, "COMMISSIONED_BY", c.id, {"valid_from": "2014-04-01"})
            getattr(c, kind).append(pid)
    # The first federation owns part of the first company, which subcontracts to it: a federation
    # award reaches the company's directors, and a company award reaches the federation's owners.
    if c.companies and c.federations:
        w.add_rel(c.federations[0], "SHAREHOLDER_OF", c.companies[0], {"valid_from": "2017-01-01",
                                                                       "percent": 40.0})
        w.add_rel(c.companies[0], "SUBCONTRACTOR_TO", c.federations[-1], {"valid_from": "2018-04-01"})


def vanguards(b: Builder) -> None:
    w, rng, s = b.world, b.rng, b.scale
    n = min(s.n_vanguards, len(b.ccgs))
    for k in range(n):
        c = b.ccgs[k * len(b.ccgs) // n]
        vid = b.next_id("VAN", 3)
        vtype = ("mcp", "pacs", "ehch", "uec", "acc")[k % 5] if k else "mcp"
        w.add_node(vid, "Vanguard", {"name": f"{b.names.place()} Together {vtype.upper()} Vanguard",
                                     "vanguard_type": vtype, "valid_from": "2015-03-10"})
        c.vanguard = vid
        w.add_rel(c.federations[0], "VANGUARD_PARTNER", vid, {"lead": True, "valid_from": "2016-04-01"})
        w.add_rel(c.trust, "VANGUARD_PARTNER", vid, {"lead": False, "valid_from": "2016-04-01"})
        w.add_rel(c.id, "VANGUARD_PARTNER", vid, {"lead": False, "valid_from": "2016-04-01"})
        if c.care_homes:
            # The care home left when the national programme ended: an interest that ended.
            w.add_rel(c.care_homes[0], "VANGUARD_PARTNER", vid,
                      {"lead": False, "valid_from": "2016-04-01", "valid_to": VANGUARD_PROGRAMME_END})
        for p in sorted(rng.sample(c.practices, min(3, len(c.practices)))):
            w.add_rel(p, "VANGUARD_PARTNER", vid, {"lead": False, "valid_from": "2016-04-01"})
