"""Each CCG's register of interests, as its committee members chose to fill it in: names printed as
registers print them, organisations written as declarants write them, and realistic gaps (nil
returns, missing rows, stale end dates, late start dates)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from .builder import Builder, CcgPlan, IcbPlan, Interest
from .names import PLACE_QUALIFIERS
from .planted import Declaration
from .scale import CCG_YEAR, ID_PREFIX, Era
from .world import Register, World


def register(b: Builder, c: CcgPlan | IcbPlan, year: Era = CCG_YEAR) -> None:
    """The CCG's (or ICB's) register of interests for ``year``: what each committee member chose to
    declare."""
    filename = f"register_{c.id}.xlsx"
    reg = Register(c.id, f"{c.name}: Register of interests {year.label}", filename, [])
    positions: dict[str, list[str]] = defaultdict(list)
    for seat in c.members:
        positions[seat.person].append(f"{'PCCC' if seat.committee == c.pccc else 'Governing body'} "
                                      f"{seat.props['role'].replace('_', ' ')} ({seat.props['member_type']})")
    for person in sorted(positions):
        _declare(b, c, reg, person, "; ".join(positions[person]), year)
    _file(b, reg, filename)


def _declare(b: Builder, c: CcgPlan | IcbPlan, reg: Register, person: str, position: str, year: Era) -> None:
    """One committee member's rows, as their declaration behaviour leaves them."""
    rng = b.rng
    behaviour = c.behaviour.get(person, "full")
    is_gp = any(s.props.get("member_type") == "gp" for s in c.members if s.person == person)
    shown = _shown_name(rng, b.world.name(person), is_gp)
    chosen = list(c.interests.get(person, []))
    if behaviour == "nil" or not chosen:
        reg.entries.append(_entry(shown, position, "Nil", None, None, None, None, None, True))
        return
    if behaviour == "partial" and len(chosen) > 1:
        chosen.pop(rng.randrange(len(chosen)))
    elif behaviour == "partial":
        behaviour = "stale"
    for j, interest in enumerate(chosen):
        date_from, date_to = interest.valid_from, interest.valid_to
        if behaviour == "stale" and j == 0:
            date_to = year.stale_to  # says the interest ended; it did not
        elif behaviour == "late" and j == 0:
            date_from = year.late_from  # declared only from November
        if date_to and date_from and date_to < date_from:
            date_to = date_from
        _row(b, reg, person, shown, position, interest, date_from, date_to)


def _shown_name(rng: random.Random, name: str, is_gp: bool) -> str:
    """How registers print names: titles, capitals, "Surname, Forename"."""
    style = rng.random()
    first, _, last = name.partition(" ")
    return (f"Dr {name}" if is_gp and style < 0.6 else name.upper() if style < 0.7
            else f"{last}, {first}" if style < 0.8 else name)


def _row(b: Builder, reg: Register, person: str, shown: str, position: str, interest: Interest,
         date_from: str | None, date_to: str | None) -> None:
    rng = b.rng
    itype = "indirect" if interest.indirect else _interest_type(interest.rel_type)
    text = org_text(b.world, rng, interest.org, interest.nature)
    # Dates as registers write them: "April 2016" (read as the 1st), "ongoing" for open.
    shown_from: str | None = date_from
    if date_from and rng.random() < 0.2:
        day = dt.date.fromisoformat(date_from)
        shown_from, date_from = f"{day:%B %Y}", day.replace(day=1).isoformat()
    shown_to = date_to or ("ongoing" if rng.random() < 0.3 else None)
    reg.entries.append(_entry(shown, position, text, itype, not interest.indirect, interest.nature,
                              shown_from, shown_to, False))
    b.world.declarations.append(Declaration(person, interest.org, date_from, date_to, reg.filename,
                                            len(reg.entries)))


def _file(b: Builder, reg: Register, filename: str) -> None:
    """Add the register to the world; at national scale one combined file stands in for two hundred
    and forty."""
    w = b.world
    if b.scale.n_ccgs > 10 and w.registers:
        combined = w.registers[0]
        for d in w.declarations:
            if d.register == filename:
                d.register, d.row_index = combined.filename, d.row_index + len(combined.entries)
        combined.entries.extend(reg.entries)
        return
    if b.scale.n_ccgs > 10:
        reg.filename, reg.title = "register_all_ccgs.xlsx", "Registers of interests: all CCGs and ICBs"
        for d in w.declarations:
            if d.register == filename:
                d.register = reg.filename
    w.registers.append(reg)


def org_text(world: World, rng: random.Random, org: str, nature: str) -> str:
    """The organisation as a declarant writes it: mostly its name, sometimes a little differently."""
    name = world.name(org)
    if not org.startswith(ID_PREFIX):
        return f"{name} ({org})"  # a real practice: the ODS code in the text settles it
    style = rng.random()
    if style < 0.55:
        return name
    if style < 0.65 and name.endswith(" Ltd"):
        return name[:-4] + " Limited"
    if style < 0.75:
        return name.upper()
    if style < 0.85 and " Centre" in name and not set(name.split()) & set(PLACE_QUALIFIERS):
        # A near miss the loader matches by fuzzy score; not for "Penleigh Bridge ...", which
        # would come within the loader's ambiguity margin of "Penleigh Moor ...".
        return name.replace(" Centre", " Center")
    if style < 0.9:
        return name.replace(" and ", " & ") if " and " in name else f"The {name}"
    if nature in ("GP partner", "Director", "Trustee"):
        return f"{nature} at {name}"
    return f"{name} - {nature.lower()}" if "(" not in nature else name


def _entry(name: str, position: str, declared: str, itype: str | None, direct: bool | None,
           nature: str | None, date_from: str | None, date_to: str | None, nil: bool) -> dict[str, Any]:
    """One row in the NHS England register template's columns."""
    return {"name": name, "position": position, "declared_interest": declared,
            "interest_type": itype, "direct": direct, "nature": nature,
            "date_from": date_from, "date_to": date_to,
            "mitigation": None if nil else "Declared at meetings; withdraws from relevant decisions"}


def _interest_type(rtype: str) -> str:
    if rtype == "TRUSTEE_OF":
        return "non_financial_personal"
    if rtype == "ADVISES":
        return "non_financial_professional"
    return "financial"


def declare_plainly(world: World, commissioner: str, person: str, position: str, interest: Interest) -> None:
    """Add one complete, plainly written row to ``commissioner``'s register (a member who joined after
    it was drawn up and declared everything): no random draws, so the rest of the world is unchanged."""
    # At national scale one combined register stands in for all of them (see _file).
    reg = next((r for r in world.registers if r.commissioner_id == commissioner), world.registers[0])
    itype = "indirect" if interest.indirect else _interest_type(interest.rel_type)
    reg.entries.append(_entry(world.name(person), position, world.name(interest.org), itype, not interest.indirect,
                              interest.nature, interest.valid_from, interest.valid_to, False))
    world.declarations.append(Declaration(person, interest.org, interest.valid_from, interest.valid_to,
                                          reg.filename, len(reg.entries)))
