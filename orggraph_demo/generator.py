"""``generate(scale, seed)``: build a synthetic health economy, one part after another.

The parts run in a fixed order and all draw from one random source, so the same scale, seed and ODS
data give the same world: the same records in the same order, with the same ids and names.
"""

from __future__ import annotations

from .builder import Builder
from .committees import committees
from .decisions import decisions
from .icb import icb_decisions, icbs
from .meetings import icb_meetings
from .ods import OdsData
from .organisations import organisations, vanguards
from .people import people_and_interests, relatives
from .registers import register
from .scale import ICB_YEAR, SCALES, Scale
from .world import World


def generate(scale: str | Scale = "demo", seed: int = 42, ods: OdsData | None = None) -> World:
    """Build a synthetic health economy. Same scale, seed and ods give identical output."""
    spec = SCALES[scale] if isinstance(scale, str) else scale
    b = Builder(spec, seed, ods)
    organisations(b)
    for c in b.ccgs:
        people_and_interests(b, c)
    vanguards(b)
    for c in b.ccgs:
        committees(b, c)
        relatives(b, c)
    for c in b.ccgs:
        register(b, c)
    # Chairs manage conflicts from the register and the interests generated so far.
    walk = b.world.walk()
    for c in b.ccgs:
        decisions(b, c, walk)
    # The ICB era, after the CCG era is complete: the CCGs become sub-ICB locations of the ICBs.
    icbs(b)
    for i in b.icbs:
        register(b, i, ICB_YEAR)
    walk = b.world.walk()
    for i in b.icbs:
        icb_decisions(b, i, walk)
    # Last, so that nothing before changes: the first ICB's committee meeting by meeting, up to its
    # next (planned) meeting.
    if b.icbs:
        icb_meetings(b, b.icbs[0])
    return b.world
