"""Matching names in a source file to the people and organisations the graph already holds.

Shared by loaders that name people and organisations in free text (registers of interests, and
later Companies House). Indexes are built once per file from the graph as it stands.

- People: by normalised name (:func:`person_key`) against ``Person`` nodes. Titles, post-nominals,
  bracketed text, case, accents and punctuation are ignored, and "Surname, Forename" is turned
  round. Without an exact match, the name with middle initials dropped and then first + last name
  are tried (:class:`NameRule`). A name no person has gets a stable stub id (:func:`stub_person_id`).
- Organisations: an ODS code in the text wins if that code is an organisation in the graph;
  otherwise phrases of the text (:func:`org_phrases`) are compared with organisation names by
  ``rapidfuzz.fuzz.ratio``. Each result is judged (:class:`Resolution`): ``ods_code``, ``exact``,
  ``fuzzy`` (best score reaches the threshold and beats every other organisation by more than
  :data:`AMBIGUITY_MARGIN`), or ``unresolved`` (:class:`Unmatched` says why), with candidates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from orggraph.graph import OrgGraph
from orggraph.schema import SCHEMA

AMBIGUITY_MARGIN = 5.0
# Below-threshold candidates worth showing a person who has to resolve a declaration by hand.
CANDIDATE_FLOOR = 60.0
# A person's name this close to a known person's (token_sort_ratio, 0-100) is never taken for someone new:
# "Dr Oliver Greenmeer" scores 93.8 against Oliver Greenmere.
PERSON_NEAR = 85.0

TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "cllr",
          "councillor", "rev", "revd", "reverend", "lord", "lady", "hon", "rt", "dr.", "doctor"}
POST_NOMINALS = {
    "obe", "mbe", "cbe", "kbe", "dbe", "frcgp", "mrcgp", "frcp", "mrcp", "frcs", "mrcs", "frcpsych",
    "mrcpsych", "frcog", "mrcog", "frcpch", "mrcpch", "frcr", "frca", "mbbs", "mbchb", "mbbch", "bmbs",
    "bchir", "mb", "bs", "chb", "bch", "bm", "bsc", "msc", "ma", "mba", "mphil", "phd", "md", "dm",
    "rgn", "rn", "rmn", "dph", "fph", "ffph", "mfph", "dl", "jp", "qc", "kc", "dch", "drcog", "dffp",
    "dfsrh", "fca", "aca", "acca", "cipfa", "cpfa", "fcca", "mcipd", "fcipd", "llb", "ba", "beng",
    "hons", "pgce", "pgcert", "dipl", "dip", "mpharm", "frpharms", "mrpharms", "fhea", "fmedsci",
}
ORG_NOISE = {"ltd", "limited", "llp", "plc", "the", "and", "cic", "llc", "inc"}

# ODS code shapes; a code only counts if it is an organisation already in the graph.
ODS_CODE = re.compile(r"\b(?:[A-Z]\d{5}|R[A-Z0-9]{2,4}|\d{2}[A-Z]|U\d{5})\b")
ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z0-9]")
PHRASE_SPLIT = re.compile(r"\s+[-–—]+\s*|\s*[-–—]+\s+|[,;:()\[\]/|\n]+")
ROLE_WORDS = re.compile(r"\b(?:at|of|in|for|with|by|to|from|within)\b")


# ---- normalising ---------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, accents removed, "&" as "and", punctuation as spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("&", " and ")
    text = re.sub(r"['’`]", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def person_key(name: str) -> str:
    """The name as it is compared: no titles, post-nominals, brackets, case or punctuation."""
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", name)
    if "," in text:
        left, right = text.split(",", 1)
        right_tokens = [t for t in fold(right).split() if t not in POST_NOMINALS and t not in TITLES]
        # "Smith, Jane" -> "Jane Smith"; "Jane Smith, MBE" -> "Jane Smith".
        text = f"{' '.join(right_tokens)} {left}" if right_tokens else left
    tokens = fold(text).split()
    while tokens and tokens[0] in TITLES:
        tokens.pop(0)
    while len(tokens) > 1 and tokens[-1] in POST_NOMINALS:
        tokens.pop()
    return " ".join(tokens)


def without_initials(key: str) -> str:
    """A person key with its middle initials dropped ("jane a doe" -> "jane doe")."""
    tokens = key.split()
    if len(tokens) <= 2:
        return key
    return " ".join([tokens[0]] + [t for t in tokens[1:-1] if len(t) > 1] + [tokens[-1]])


def first_last(key: str) -> str:
    """A person key as first and last name only."""
    tokens = key.split()
    return f"{tokens[0]} {tokens[-1]}" if len(tokens) >= 2 else key


def org_key(name: str) -> str:
    """An organisation name as it is compared: case, punctuation, "the", "&"/and, Ltd/LLP/PLC dropped."""
    return " ".join(t for t in fold(name).split() if t not in ORG_NOISE)


def short_hash(*parts: Any) -> str:
    """A stable 12-character id part from ``parts`` (None as empty), so reloads give the same ids."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12].upper()


def stub_person_id(key: str) -> str:
    """The id of a person created from a name alone: the same name gives the same person on reload."""
    return "PERSON-" + short_hash(key)[:10]


def org_phrases(text: str) -> list[str]:
    """Normalised phrases of a declared interest that may name an organisation.

    "Partner at Beech House Surgery - GP services" gives the whole text, "partner at beech house
    surgery", "beech house surgery" (after "at") and "gp services".
    """
    out: list[str] = []

    def add(p: str, min_tokens: int = 1) -> None:
        key = org_key(p)
        if key and len(key) >= 4 and len(key.split()) >= min_tokens and key not in out:
            out.append(key)

    add(text)
    for segment in PHRASE_SPLIT.split(text):
        add(segment)
        folded = fold(segment)
        # The organisation usually follows the role: "director of X", "trustee at X".
        for m in ROLE_WORDS.finditer(folded):
            add(folded[m.end():], min_tokens=2)
    return out


# ---- people --------------------------------------------------------------------------------------
class NameRule(StrEnum):
    """How a person was found; the value is the wording of notes ("matched ... by <rule>")."""

    NAME = "name"
    WITHOUT_INITIALS = "name without middle initials"
    FIRST_LAST = "first and last name"
    REORDERED = "name in another order"  # "Greenmere Oliver" (no comma) for Oliver Greenmere


class PersonMatch(NamedTuple):
    ids: list[str]  # sorted; none, one, or several (ambiguous: never guessed)
    rule: NameRule | None  # the rule that found them; None when nobody was found


class PersonIndex:
    """Person nodes by normalised name, built once per file."""

    def __init__(self, graph: OrgGraph):
        self.names: dict[str, str] = {}
        self.by_rule: dict[NameRule, dict[str, set[str]]] = {rule: defaultdict(set) for rule in NameRule}
        for pid, data in graph.nodes("Person"):
            name = str(data.get("name") or "")
            if key := person_key(name):
                self.add(pid, name, key)

    @staticmethod
    def lookups(key: str) -> dict[NameRule, str]:
        """The key each rule looks up, strictest first."""
        return {NameRule.NAME: key, NameRule.WITHOUT_INITIALS: without_initials(key),
                NameRule.FIRST_LAST: first_last(key), NameRule.REORDERED: " ".join(sorted(key.split()))}

    def add(self, pid: str, name: str, key: str) -> None:
        self.names[pid] = name
        for rule, lookup in self.lookups(key).items():
            self.by_rule[rule][lookup].add(pid)

    def near(self, key: str, floor: float = PERSON_NEAR, limit: int = 5) -> list[tuple[str, float]]:
        """(person id, score) of persons whose name is close to ``key`` (a typo, a missing letter, tokens in
        another order), best first: ``rapidfuzz.fuzz.token_sort_ratio`` of the normalised names."""
        keys = list(self.by_rule[NameRule.NAME])
        found: dict[str, float] = {}
        for other, score, _ in process.extract(key, keys, scorer=fuzz.token_sort_ratio, limit=limit,
                                               score_cutoff=floor):
            for pid in self.by_rule[NameRule.NAME][other]:
                found[pid] = max(score, found.get(pid, 0.0))
        return sorted(((pid, round(score, 1)) for pid, score in found.items()), key=lambda ps: (-ps[1], ps[0]))

    def match(self, key: str) -> PersonMatch:
        """Person ids for a normalised name, and how they were found (exact first, looser after)."""
        for rule, lookup in self.lookups(key).items():
            ids = self.by_rule[rule].get(lookup)
            if ids:
                return PersonMatch(sorted(ids), rule)
        return PersonMatch([], None)


# ---- organisations -------------------------------------------------------------------------------
class Resolution(StrEnum):
    """The judgement on a text naming an organisation; the value is what the record stores."""

    ODS_CODE = "ods_code"
    EXACT = "exact"
    FUZZY = "fuzzy"
    UNRESOLVED = "unresolved"


class Unmatched(StrEnum):
    """Why a text stayed unresolved."""

    AMBIGUOUS = "ambiguous"  # several organisations score too close to tell apart
    NO_MATCH = "no match"  # no code in the text, no name scoring the threshold


@dataclass
class OrgMatch:
    ids: list[str]
    resolution: Resolution
    score: float | None
    candidates: list[dict[str, Any]]
    reason: Unmatched | None = None  # set when unresolved


class OrgIndex:
    """Organisation nodes by id and by normalised name, built once per file."""

    def __init__(self, graph: OrgGraph, threshold: float):
        self.threshold = threshold
        self.info: dict[str, tuple[str, str]] = {}  # id -> (label, name)
        self.by_key: dict[str, list[str]] = defaultdict(list)
        for label in sorted(SCHEMA.organisation_labels):
            for oid, data in graph.nodes(label):
                name = str(data.get("name") or "")
                self.info[oid] = (label, name)
                key = org_key(name)
                if key:
                    self.by_key[key].append(oid)
        self.keys = list(self.by_key)
        self._cache: dict[str, OrgMatch] = {}

    def name(self, oid: str) -> str:
        return self.info[oid][1]

    def candidate(self, oid: str, score: float) -> dict[str, Any]:
        label, name = self.info[oid]
        return {"kind": "organisation", "id": oid, "label": label, "name": name, "score": round(score, 1)}

    def codes_in(self, text: str) -> list[str]:
        """Organisation ids written in the text: ODS-shaped codes first, then any other graph id."""
        found: list[str] = []
        for m in ODS_CODE.finditer(text):
            if m.group() in self.info and m.group() not in found:
                found.append(m.group())
        for m in ID_TOKEN.finditer(text):
            token = m.group()
            if token.isalpha():
                continue  # a word, not a code
            for candidate in (token, token.upper()):
                if candidate in self.info and candidate not in found:
                    found.append(candidate)
                    break
        return found

    def resolve(self, text: str) -> OrgMatch:
        if text not in self._cache:
            self._cache[text] = self._resolve(text)
        return self._cache[text]

    def _scores(self, phrases: list[str], cutoff: float, limit: int) -> list[tuple[float, str]]:
        """(best score, normalised organisation name) over every phrase, best first."""
        best: dict[str, float] = {}
        for phrase in phrases:
            for key, score, _ in process.extract(phrase, self.keys, scorer=fuzz.ratio, limit=limit,
                                                 score_cutoff=cutoff):
                best[key] = max(score, best.get(key, 0.0))
        return sorted(((s, k) for k, s in best.items()), key=lambda sk: (-sk[0], sk[1]))

    def _resolve(self, text: str) -> OrgMatch:
        codes = self.codes_in(text)
        if codes:
            return OrgMatch(codes, Resolution.ODS_CODE, 100.0, [self.candidate(c, 100.0) for c in codes])
        phrases = org_phrases(text)
        ranked = self._scores(phrases, self.threshold - AMBIGUITY_MARGIN, 5)
        if not ranked or ranked[0][0] < self.threshold:
            near = ranked or self._scores(phrases, CANDIDATE_FLOOR, 3)
            cands = [self.candidate(oid, s) for s, key in near for oid in self.by_key[key]][:5]
            return OrgMatch([], Resolution.UNRESOLVED, round(near[0][0], 1) if near else None, cands,
                            Unmatched.NO_MATCH)
        if ranked[0][0] >= 100.0:
            return self._equal_names(ranked)
        top_score = ranked[0][0]
        close = [(s, key) for s, key in ranked if s >= top_score - AMBIGUITY_MARGIN]
        ids = [oid for _, key in close for oid in self.by_key[key]]
        cands = [self.candidate(oid, s) for s, key in ranked for oid in self.by_key[key]][:5]
        if len(ids) > 1:
            return OrgMatch([], Resolution.UNRESOLVED, round(top_score, 1), cands, Unmatched.AMBIGUOUS)
        return OrgMatch(ids, Resolution.FUZZY, round(top_score, 1), cands[:1])

    def _equal_names(self, ranked: list[tuple[float, str]]) -> OrgMatch:
        """Equal names: several distinct organisations named in the text are all concerned; one name
        shared by several organisations (two "Beech House Surgery") cannot be told apart."""
        exact = [key for s, key in ranked if s >= 100.0]
        ids = [oid for key in exact for oid in self.by_key[key]]
        cands = [self.candidate(oid, 100.0) for oid in ids]
        if any(len(self.by_key[key]) > 1 for key in exact):
            return OrgMatch([], Resolution.UNRESOLVED, 100.0, cands, Unmatched.AMBIGUOUS)
        return OrgMatch(ids, Resolution.EXACT, 100.0, cands)
