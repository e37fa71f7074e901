"""The generated years (one of each era), the id scheme, and the :class:`Scale` that is all that
differs between the demo and the national-scale graph."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

YEAR_START = dt.date(2019, 4, 1)
YEAR_END = dt.date(2020, 3, 31)
# The CCG era ends on 2022-06-30: the CCGs' committees end, each CCG node carries on as a sub-ICB
# location (SICBL) of an ICB from 2022-07-01.
CCG_ERA_END = "2022-06-30"
ICB_ERA_START = "2022-07-01"
ICB_YEAR_START = dt.date(2023, 4, 1)
ICB_YEAR_END = dt.date(2024, 3, 31)
PCN_START = "2019-07-01"  # PCNs began on 1 July 2019
VANGUARD_PROGRAMME_END = "2018-03-31"
# Every generated id starts SYN- and contains hyphens, so it cannot clash with an ODS or ONS code.
ID_PREFIX = "SYN-"
# The one region every generated world has; a store holding it was filled by a demo.
REGION_ID = f"{ID_PREFIX}REG-1"
# The register audit dates the oracle plants (and the demo suggests): one in each era.
AUDIT_DATES = ("2019-12-31", "2024-03-31")


@dataclass(frozen=True)
class Era:
    """One generated financial year of decisions and the register that goes with it."""

    name: str  # ccg | icb
    start: dt.date
    end: dt.date
    label: str  # 2019/20
    stale_to: str  # a "stale" register row says the interest ended then
    late_from: str  # a "late" register row says it began only then


CCG_YEAR = Era("ccg", YEAR_START, YEAR_END, "2019/20", "2019-03-31", "2019-11-01")
ICB_YEAR = Era("icb", ICB_YEAR_START, ICB_YEAR_END, "2023/24", "2023-03-31", "2023-11-01")


@dataclass(frozen=True)
class Scale:
    """Everything that differs between the demo and the national-scale graph."""

    name: str
    n_ccgs: int
    practices_per_ccg: tuple[int, int]
    federations_per_ccg: int
    pcns_per_ccg: int
    n_vanguards: int
    companies_per_ccg: int
    charities_per_ccg: int
    care_homes_per_ccg: int
    ccgs_per_stp: int
    meetings_per_committee: int
    decisions_per_meeting: tuple[int, int]
    partners_per_practice: tuple[int, int]
    salaried_per_practice: tuple[int, int]
    relatives_per_ccg: int
    icb_meetings: int = 6  # meetings of each ICB's primary care commissioning committee in 2023/24
    attendance_rate: float = 0.9
    # With real ODS data: at most this many practices per CCG (None: all of them).
    ods_practice_cap: int | None = None


SCALES: dict[str, Scale] = {
    "demo": Scale("demo", n_ccgs=3, practices_per_ccg=(16, 24), federations_per_ccg=2, pcns_per_ccg=3,
                  n_vanguards=1, companies_per_ccg=2, charities_per_ccg=1, care_homes_per_ccg=1,
                  ccgs_per_stp=3, meetings_per_committee=6, decisions_per_meeting=(1, 3),
                  partners_per_practice=(2, 4), salaried_per_practice=(0, 1), relatives_per_ccg=6,
                  ods_practice_cap=24),
    # ~7,000 practices, ~45,000 people, 200 CCGs, 1,000 federations, 50 vanguards, ~10,000 decisions.
    "national": Scale("national", n_ccgs=200, practices_per_ccg=(30, 40), federations_per_ccg=5,
                      pcns_per_ccg=6, n_vanguards=50, companies_per_ccg=3, charities_per_ccg=2,
                      care_homes_per_ccg=3, ccgs_per_stp=5, meetings_per_committee=10,
                      decisions_per_meeting=(2, 3), partners_per_practice=(3, 5),
                      salaried_per_practice=(0, 1), relatives_per_ccg=50, icb_meetings=4),
}
