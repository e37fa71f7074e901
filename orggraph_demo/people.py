"""People and their interests: GP partners and salaried GPs, federation, company, charity and care
home directors and trustees, and committee members' relatives."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from .builder import Builder, CcgPlan, Interest
from .scale import YEAR_END, YEAR_START


def people_and_interests(b: Builder, c: CcgPlan) -> None:
    rng, s = b.rng, b.scale
    for p in c.practices:
        partners = []
        for _ in range(rng.randint(*s.partners_per_practice)):
            gp = b.person("GP partner")
            since = b.day_between(dt.date(1998, 1, 1), dt.date(2018, 12, 31))
            # A few partners retire during the year: interests that ended before later decisions.
            until = b.day_between(YEAR_START, YEAR_END) if rng.random() < 0.04 else None
            b.interest(c, gp, "PARTNER_IN", p, "GP partner", since, until)
            partners.append(gp)
        c.partners[p] = partners
        for _ in range(rng.randint(*s.salaried_per_practice)):
            gp = b.person("Salaried GP")
            b.interest(c, gp, "EMPLOYED_BY", p, "Salaried GP", b.day_between(dt.date(2010, 1, 1), dt.date(2019, 1, 1)))
    for fid in c.federations:
        pool = sorted({gp for p in c.fed_members[fid] for gp in c.partners[p]})
        directors = rng.sample(pool, min(len(pool), 2 if s.name == "demo" else 3))
        c.fed_directors[fid] = directors
        for gp in directors:
            b.interest(c, gp, "DIRECTOR_OF", fid, "Director of the GP federation", "2015-10-01")
    for comp in c.companies:
        for _ in range(2):
            d = b.person("Company director")
            b.interest(c, d, "DIRECTOR_OF", comp, "Director", "2012-06-01")
            b.interest(c, d, "SHAREHOLDER_OF", comp, "Shareholder", "2012-06-01", props={"percent": 30.0})
    for ch in c.charities:
        for _ in range(2):
            t = b.person("Charity trustee")
            b.interest(c, t, "TRUSTEE_OF", ch, "Trustee", "2014-01-01")
    for home in c.care_homes:
        d = b.person("Care home director")
        b.interest(c, d, "DIRECTOR_OF", home, "Director", "2011-03-01")


class _RelativeInterest(NamedTuple):
    org: str
    rel_type: str
    verb: str


def relatives(b: Builder, c: CcgPlan) -> None:
    """Relatives with interests of their own: of committee members first (the conflicts that
    matter), then of other GPs, as in any town."""
    w, rng = b.world, b.rng
    members = sorted({s.person for s in c.members})
    partners = [gp for p in sorted(c.partners) for gp in c.partners[p]]
    for k in range(b.scale.relatives_per_ccg):
        member = members[k] if k < min(8, len(members)) else rng.choice(partners)
        surname = w.name(member).split()[-1]
        relation = rng.choice(("spouse", "spouse", "sibling", "child", "parent"))
        relative = b.person("Relative", surname if relation != "sibling" or rng.random() < 0.5 else None)
        # Stored in either direction: FAMILY_OF is symmetric in meaning.
        if k % 2:
            w.add_rel(member, "FAMILY_OF", relative, {"relation": relation})
        else:
            w.add_rel(relative, "FAMILY_OF", member, {"relation": relation})
        options = [_RelativeInterest(c.trust, "EMPLOYED_BY", "employed by")]
        if c.care_homes:
            options.append(_RelativeInterest(c.care_homes[0], "DIRECTOR_OF", "director of"))
        if c.companies:
            options.append(_RelativeInterest(c.companies[0], "SHAREHOLDER_OF", "shareholder of"))
        other_practices = [p for p in c.practices if member not in c.partners.get(p, [])]
        options.append(_RelativeInterest(rng.choice(other_practices), "PARTNER_IN", "partner in"))
        chosen = options[k % len(options)]
        props: dict[str, Any] = {"percent": 10.0} if chosen.rel_type == "SHAREHOLDER_OF" else {}
        vf = b.day_between(dt.date(2008, 1, 1), dt.date(2019, 8, 31))
        props["valid_from"] = vf
        w.add_rel(relative, chosen.rel_type, chosen.org, props)
        c.interests[member].append(Interest(
            chosen.org, chosen.rel_type, f"{relation.capitalize()} is {chosen.verb} {w.name(chosen.org)}",
            vf, None, True))
