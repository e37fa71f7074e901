"""A synthetic local health economy for the demo, the tests and the national-scale benchmarks.

``generate(scale, seed)`` builds CCGs with a PCCC and a governing body each, GP practices and their
partners, federations owned by their member practices, PCNs, vanguards, other providers, committee
members, relatives, a register of interests per CCG with realistic gaps, and a financial year
(2019-04-01 to 2020-03-31) of decisions with meetings, attendance, votes and withdrawals. Then the
ICB era: on 2022-07-01 the CCGs' committees end and each STP footprint's CCGs become the sub-ICB
locations (SICBLs) of one ICB (``SYN-ICB-1`` in the demo), which has its own primary care
commissioning committee, register (2023/24) and a year of decisions (2023-04-01 to 2024-03-31).
Every meeting is HELD_BY its committee and every decision is an agenda item (``PCC19/004``). The first
ICB's committee then meets meeting by meeting (:mod:`.meetings`): a quorum rule by role, a vice-chair,
a nominated deputy, the ICB board whose members can be co-opted, two past meetings whose declarations
logs (:attr:`World.logs`, one file each) plant each kind of breach, and its next meeting, still
planned (``Planted.next_meeting``). The same code makes both scales; only the :class:`Scale`
parameters differ.

**People are synthetic**: names are drawn from a list of common first names and a surname list built
from word parts, never from a list of real people (:mod:`.names`).

**Ids cannot clash with ODS codes**: every generated id starts ``SYN-`` and contains hyphens
(``SYN-PRAC-0001``, ``SYN-CCG-001``); ODS and ONS codes are letters and digits only. With ``ods=``
(already-parsed epraccur/ONS data, see :class:`OdsData`; the CLI's :mod:`orggraph_cli.demo_files`
reads it from real files) real practices and CCGs
are used instead, keyed by their real codes; everything else stays synthetic.

**What was planted** (:attr:`World.planted`) is computed by :mod:`.oracle`, a small walk over what
was generated that is independent of :mod:`orggraph.engine` by design: it is what the tests compare
the engine against.

Layout: :mod:`.scale` (the year, ids, scales), :mod:`.names`, :mod:`.ods`, :mod:`.world` (the
generated records), :mod:`.generator` (the order of the parts: :mod:`.organisations`,
:mod:`.people`, :mod:`.committees`, :mod:`.registers`, :mod:`.decisions`, :mod:`.icb`,
:mod:`.meetings`, sharing :mod:`.builder`), :mod:`.planted` and :mod:`.oracle` (what was planted, over
:mod:`.minutes`, with the meeting rules of :mod:`.meeting_rules`). Writing the world as files
and reading real ODS files is the CLI's (:mod:`orggraph_cli.demo_files`), which joins this package to
``loaders``. This package imports the core only: never :mod:`orggraph.engine`, ``loaders``, ``api``,
``viz`` or the CLI.
"""

from .generator import generate
from .names import FIRST_NAMES, PLACES, SURNAMES
from .ods import OdsData, OdsPractice, ods_from_records
from .oracle import InterestPath, Walk, compute_planted
from .planted import (
    Declaration,
    MeetingLog,
    MinutedDeclaration,
    Planted,
    PlantedAudit,
    PlantedConflict,
    PlantedItem,
)
from .scale import AUDIT_DATES, ICB_ERA_START, ID_PREFIX, REGION_ID, SCALES, YEAR_END, YEAR_START, Scale
from .world import Register, World

__all__ = [
    "AUDIT_DATES", "FIRST_NAMES", "ICB_ERA_START", "ID_PREFIX", "PLACES", "REGION_ID", "SCALES", "SURNAMES",
    "YEAR_END", "YEAR_START", "Declaration", "InterestPath", "MeetingLog", "MinutedDeclaration", "OdsData", "OdsPractice",
    "Planted", "PlantedAudit", "PlantedConflict", "PlantedItem",
    "Register", "Scale", "Walk", "World", "compute_planted", "generate", "ods_from_records",
]
