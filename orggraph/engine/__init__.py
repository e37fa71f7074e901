"""The conflict engine: where a commissioning role meets a provider interest, judged on the day.

Plain functions over an :class:`~orggraph.graph.OrgGraph`; results are the models in
:mod:`orggraph.engine.models`. The rules are the contract in the README ("Semantics"), in short:

- **live on d**: ``valid_from`` empty or <= d and ``valid_to`` empty or >= d (ISO strings).
- **commissioners and committees**: a commissioner (CCG, ICB, hub) counts only while its node is live;
  a committee counts while one of its ``COMMITTEE_OF`` links is live and the commissioner it leads to
  counts (a committee with no commissioner recorded always counts); a seat counts only while its
  committee does.
- **register audit** of commissioner K on d: the members of K's committees on d, against K's remit on
  d: the organisations ``COMMISSIONED_BY`` K, or (K an ICB) by a sub-ICB location or hub whose
  ``IN_ICB`` to K is live, the links live on d; plus every party to a decision of K's committees.
- **decision-makers** of D: every ``SITS_ON`` live on D's date to its ``DECIDED_BY`` committee, plus
  everyone who ``VOTED_ON`` D. **Parties**: everything D is ``AWARDED_TO`` or ``AFFECTS``.
- **interest path** from P: optionally one personal link first (``FAMILY_OF``, either direction), then
  exactly one provider-interest edge, then zero or more org-to-org interest edges followed forwards;
  simple, every edge live on d, at most ``max_hops`` (default 4) edges. The classes come from
  ``schema.yaml``; structure, decision and declaration edges never form part of a path.
- **declaration**: ``declared`` when every path touches an organisation that a declaration of P's,
  live on d, ``CONCERNS`` (the ``DECLARED`` and ``CONCERNS`` edges live too); ``undeclared`` when none
  does; ``partial`` otherwise.
- **participation**: voted, withdrew, present (attended the meeting), absent (attendance recorded,
  not in it), unknown (no attendance recorded). A **breach** is a conflicted member who voted.

Severity
--------
Each conflict gets a ``score``, the sum of three parts, and a ``severity`` band from it:

=============================  ==============================================================
part                           points
=============================  ==============================================================
interest (strongest path)      financial 3, indirect 2, non-financial professional 2,
                               non-financial personal 1
declaration                    undeclared 3, partial 2, declared 0
participation                  voted 3, present 2, unknown 1, absent 0, withdrew 0
proximity                      1 when the person holds the interest in the party itself (a
                               one-link path: partner of the practice, director of the
                               federation), else 0
=============================  ==============================================================

``high`` from 7 (e.g. financial + undeclared + voted = 9, or 10 when held in the party itself;
financial + partial + present = 7),
``medium`` 4 to 6 (every vote while conflicted scores at least 4, so it is never ``low``), ``low`` up to 3
(e.g. a declared financial interest two links away, where the member withdrew = 3; 4 if held in the
party itself).

Layout
------
``index`` the typed, cached index of a graph; ``paths`` interest paths and shortest paths of any kind;
``rules`` the contract's rules (one declaration verdict, one quorum rule, composition, severity);
``facts`` the finding records they return; ``explain`` every sentence, per kind of finding;
``decisions``, ``audit`` and ``scan`` the public questions; ``era`` a provider's commissioner on a day
and the ICB above it; ``models`` the public result models.

Performance
-----------
The first call on a graph builds a typed index of it (:mod:`orggraph.engine.index`), cached against
the graph object and rebuilt when nodes or edges are added or removed (call :func:`invalidate` after
editing properties in place). Each person's interest paths are enumerated once, whatever the date,
with the window in which all their edges are live; the paths live on a day are a filter of those.
"""

from orggraph.engine.audit import register_audit
from orggraph.engine.decisions import composition, conflicts, decision_makers, decision_parties, quorum
from orggraph.engine.era import ICB_ERA_START, AmbiguousCommissioner, commissioner_on
from orggraph.engine.facts import DEFAULT_MAX_HOPS
from orggraph.engine.index import invalidate
from orggraph.engine.meetings import committee_meetings, meeting_brief, next_meetings
from orggraph.engine.models import (
    AuditFinding,
    BriefItem,
    CompositionResult,
    Conflict,
    Hop,
    InterestPath,
    MeetingBrief,
    MeetingQuorum,
    MeetingSummary,
    QuorumResult,
    ScanSummary,
)
from orggraph.engine.paths import any_paths, interest_paths
from orggraph.engine.rules import severity_of
from orggraph.engine.scan import scan
from orggraph.errors import EngineError, UnknownNode

__all__ = [
    "DEFAULT_MAX_HOPS",
    "ICB_ERA_START",
    "AmbiguousCommissioner",
    "AuditFinding",
    "BriefItem",
    "CompositionResult",
    "Conflict",
    "EngineError",
    "Hop",
    "InterestPath",
    "MeetingBrief",
    "MeetingQuorum",
    "MeetingSummary",
    "QuorumResult",
    "ScanSummary",
    "UnknownNode",
    "any_paths",
    "commissioner_on",
    "committee_meetings",
    "composition",
    "conflicts",
    "decision_makers",
    "decision_parties",
    "interest_paths",
    "invalidate",
    "meeting_brief",
    "next_meetings",
    "quorum",
    "register_audit",
    "scan",
    "severity_of",
]
