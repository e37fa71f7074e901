"""Synthetic names, synthetic by construction: common first names, and surnames and places built from
word parts, never drawn from a list of real people."""

from __future__ import annotations

import random


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Aaron Abigail Adam Aisha Alan Alice Amara Amy Andrew Angela Anita Anna Arjun Ben Beth Bilal Carl "
    "Caroline Catherine Chloe Chris Claire Colin Dan Daniel David Deborah Dev Diana Dominic Eleanor "
    "Elena Eliza Emma Eric Esther Farah Fiona Frances Gareth Gemma George Grace Hamid Hannah Harriet "
    "Helen Henry Holly Ian Imogen Isaac Isla Jack James Jane Jasmine Jenny Joan Jonah Joseph Julia "
    "Karen Kate Kavita Keith Kieran Laura Leo Lila Lucy Luke Mala Marcus Maria Mark Martin Maya "
    "Megan Michael Mina Miriam Naomi Nathan Neil Nia Nina Oliver Olivia Omar Owen Paul Peter Philip "
    "Priya Rachel Rahul Rebecca Robert Rosa Ruth Ryan Sam Sara Sean Simon Sofia Sophie Stephen "
    "Susan Tariq Theo Thomas Tom Vera Victor Will Yasmin Zara Zoe"
)
_SURNAME_HEADS = _words("Ash Black Bram Brook Castle Clay Cole Crane Dale East Elm Fair Fern Fox Gold Green "
                        "Hart Hawk Hay Hol Kings Lang Lind Marsh Mill Moor Nor Oak Pem Red Rook Rose Shaw "
                        "Stan Stone Thorn Wal West Whit Wood")
_SURNAME_TAILS = _words("by bourne bridge brook burn by combe croft dale den field ford gate ham hurst ley "
                        "low mere more ridge ton well wick wood worth")
SURNAMES = tuple(dict.fromkeys(h + t for h in _SURNAME_HEADS for t in _SURNAME_TAILS))
_PLACE_HEADS = _words("Ald Amber Arn Bar Bel Birch Brad Bride Bur Cald Carr Chap Chil Dun Eld Farn Glen "
                      "Graf Hal Hen Heron Ivy Kes Kin Lark Lee Lock Lyn Mab Mead Nether Orch Pen Quar Ray "
                      "Rush Sal Sand Sel Sil Sum Tan Thurl Tid Up Ver Wen Wil Wyn Yar")
_PLACE_TAILS = _words("bury caster chester cott dene don field ford grove ham holt ingham leigh minster "
                      "mouth port stead stow thorpe wich")
PLACES = tuple(h + t for h in _PLACE_HEADS for t in _PLACE_TAILS)
PLACE_QUALIFIERS = ("Heath", "Vale", "Marsh", "Park", "Hill", "Down", "Wood", "End", "Cross", "Green",
                    "Bridge", "Moor", "Common", "Fields")
TOPICS = ("diabetes", "atrial fibrillation", "frailty", "COPD", "childhood immunisations", "dementia",
          "anticoagulation", "wound care", "phlebotomy", "minor surgery", "learning disability checks")


class Names:
    """Unique synthetic names: people (first + surname) and places."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.people: set[str] = set()
        self.places = list(PLACES)
        rng.shuffle(self.places)
        self.place_i = 0

    def person(self, surname: str | None = None) -> str:
        for _ in range(200):
            name = f"{self.rng.choice(FIRST_NAMES)} {surname or self.rng.choice(SURNAMES)}"
            if name not in self.people:
                self.people.add(name)
                return name
        raise RuntimeError("ran out of synthetic names")

    def place(self) -> str:
        # Places are never reused, so every organisation name is distinct (the register loader
        # resolves organisations by name). One-word places first; a national graph needs more.
        if self.place_i >= len(self.places):
            self.place_i = 0
            self.places = [f"{p} {q}" for p in PLACES for q in PLACE_QUALIFIERS]
            self.rng.shuffle(self.places)
        place = self.places[self.place_i]
        self.place_i += 1
        return place
