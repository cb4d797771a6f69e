"""Councils, regions and England: listing, lookup by name or code, and reorganisations."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from ._tables import table


class UnknownCouncilError(ValueError):
    """No council, region or England matches the query; the message lists the closest names."""


@dataclass(frozen=True)
class Council:
    """One area of the statistics: a council (``level="council"``), a region or England.

    ``area`` is the key of the shipped tables: the old three-digit LA code for a council, the
    ONS code for a region or England.
    """

    name: str
    old_code: str
    new_code: str
    region: str
    level: str
    area: str
    first_census: int
    last_census: int


@dataclass(frozen=True)
class Reorganisation:
    """A council created by a local government reorganisation (April of ``year``)."""

    year: int
    predecessors: tuple[str, ...]
    clean: bool
    note: str


#: Reorganised councils by old LA code. "clean": the council has the same boundary as one
#: predecessor with the same LA code, so its earlier statistics are its own. Otherwise the
#: earlier years are missing (never a sum of predecessors that covered a different area).
REORGANISATIONS: dict[str, Reorganisation] = {
    "839": Reorganisation(2019, ("837", "836", "835"), False,
        "Bournemouth, Christchurch and Poole formed April 2019 from Bournemouth (837), Poole "
        "(836) and Christchurch, which was part of Dorset (835); Christchurch is not published "
        "separately, so years before January 2020 are missing, not Bournemouth + Poole."),
    "838": Reorganisation(2019, ("835",), False,
        "Dorset Council formed April 2019 from Dorset County (835) less Christchurch; years "
        "before January 2020 are missing."),
    "940": Reorganisation(2021, ("928",), False,
        "North Northamptonshire formed April 2021 from part of Northamptonshire (928); years "
        "before January 2022 are missing."),
    "941": Reorganisation(2021, ("928",), False,
        "West Northamptonshire formed April 2021 from part of Northamptonshire (928); years "
        "before January 2022 are missing."),
    "942": Reorganisation(2023, ("909",), False,
        "Cumberland formed April 2023 from part of Cumbria (909); years before January 2024 "
        "are missing."),
    "943": Reorganisation(2023, ("909",), False,
        "Westmorland and Furness formed April 2023 from part of Cumbria (909); years before "
        "January 2024 are missing."),
    "815": Reorganisation(2023, ("815",), True,
        "North Yorkshire became a unitary council in April 2023 with the county's boundary and "
        "LA code 815: earlier years are the county's own (ONS code now E06000065)."),
    "933": Reorganisation(2023, ("933",), True,
        "Somerset became a unitary council in April 2023 with the county's boundary and LA code "
        "933: earlier years are the county's own (ONS code now E06000066)."),
    "825": Reorganisation(2020, ("825",), True,
        "Buckinghamshire became a unitary council in April 2020 with the county's boundary and "
        "LA code 825: earlier years are the county's own."),
}  # fmt: skip

#: Successor councils of abolished ones, for error messages.
SUCCESSORS: dict[str, str] = {
    "837": "Bournemouth, Christchurch and Poole",
    "836": "Bournemouth, Christchurch and Poole",
    "835": "Dorset or Bournemouth, Christchurch and Poole",
    "928": "North Northamptonshire or West Northamptonshire",
    "909": "Cumberland or Westmorland and Furness",
}
#: Further codes people use for a council (ONS codes that changed after the data were coded).
ALIASES: dict[str, str] = {"E06000065": "815", "E06000066": "933", "E06000060": "825"}


def _exact(text: str) -> str:
    """A name with case, "&" and punctuation normalised, and no word removed."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower().replace("&", " and "))


def _key(text: str) -> str:
    """A name with words such as "the", "city of", "council" and "borough" removed too."""
    text = str(text).lower().replace("&", " and ")
    text = re.sub(r"\b(the|city of|council|county|borough|of)\b", " ", text)
    return re.sub(r"[^a-z0-9]", "", text)


def _by_name(query: object, everyone: list[Council]) -> Council | None:
    """The area whose name matches ``query``: an exact (normalised) name beats one matched only
    with words such as "city of" removed ("London" is the region, not the City of London); a
    name shared by a former and a current council (Dorset) is the current one. Two different
    places left tied raise :class:`UnknownCouncilError` naming both, never one picked."""
    exact = [c for c in everyone if _exact(c.name) == _exact(query)]
    matches = exact or [c for c in everyone if _key(c.name) == _key(query)]
    if not matches:
        return None
    if len({c.name for c in matches}) > 1:
        places = sorted(f"{c.name} ({c.old_code or c.new_code}, {c.level})" for c in matches)
        raise UnknownCouncilError(
            f"council {query!r}: matches more than one place: {'; '.join(places)}; give the "
            "full name or a code"
        )
    return max(matches, key=lambda c: c.last_census)


def _by_words(query: str, everyone: list[Council]) -> Council | None:
    """The one current council whose name holds ``query``'s words, in order, as whole words
    ("Hull" is Kingston upon Hull, City of; not Solihull), or None when none or several do."""
    words = re.findall(r"[a-z0-9]+", query.lower())
    if not words:
        return None
    pattern = re.compile(r"\b" + " ".join(map(re.escape, words)) + r"\b")
    latest = max(c.last_census for c in everyone)
    found = [
        c for c in everyone
        if c.level == "council" and c.last_census == latest
        and pattern.search(" ".join(re.findall(r"[a-z0-9]+", c.name.lower())))
    ]  # fmt: skip
    return found[0] if len(found) == 1 else None


def _initials(name: str) -> str:
    words = re.findall(r"[a-z]+", name.lower().replace("&", " "))
    return "".join(w[0] for w in words if w not in ("and", "of", "the", "upon", "on"))


def councils(include_former: bool = False) -> pd.DataFrame:
    """Every council in the statistics: name, old_code (e.g. "839"), new_code (ONS, e.g.
    "E06000058"), region, and the first and last January census it appears in.

    Councils abolished by a reorganisation (Bournemouth, Poole, Northamptonshire, Cumbria, ...)
    are left out unless ``include_former=True``.
    """
    if not isinstance(include_former, bool):
        from .._args import bad_argument

        raise bad_argument("include_former", include_former, "expected True or False")
    a = table("areas")
    c = a[a["level"] == "council"]
    if not include_former:
        c = c[c["last_census"] == c["last_census"].max()]
    cols = ["name", "old_code", "new_code", "region", "first_census", "last_census"]
    return c[cols].sort_values("name").reset_index(drop=True)


def _all() -> list[Council]:
    a = table("areas")
    return [
        Council(r.name, r.old_code if isinstance(r.old_code, str) else "", r.new_code,
                r.region if isinstance(r.region, str) else "", r.level, r.area,
                int(r.first_census), int(r.last_census))
        for r in a.itertuples(index=False)
    ]  # fmt: skip


def council(query: str | int | Council) -> Council:
    """Find a council, a region or England by name, old LA code (839 or "839") or ONS code
    ("E06000058"); case, spaces and punctuation do not matter ("bournemouth christchurch &
    poole"); a current council's initials find it too ("BCP"), and so do words that only one
    current council's name holds ("Hull", "Telford"). Raises :class:`UnknownCouncilError`
    (a ``ValueError``) listing the closest names when nothing matches.
    """
    if isinstance(query, Council):
        return query
    q = str(query).strip()
    if not q:
        raise UnknownCouncilError(
            f'council {query!r}: empty; expected a council name or code (e.g. "Bournemouth, '
            'Christchurch and Poole", 839 or "E06000058"), a region, or "England"'
        )
    q = ALIASES.get(q.upper(), q)
    everyone = _all()
    for c in everyone:
        if (
            (c.old_code and q == c.old_code)
            or q.upper() == c.new_code.upper()
            or q.upper() == c.area.upper()
        ):
            return c
    found = _by_name(q, everyone)
    if found is not None:
        return found
    k = _key(q)
    initials = [c for c in everyone if c.level == "council" and _initials(c.name) == k
                and c.last_census == max(x.last_census for x in everyone)]  # fmt: skip
    if len(initials) == 1:  # "BCP"
        return initials[0]
    part = _by_words(q, everyone)
    if part is not None:  # "Hull", "Telford"
        return part
    names = sorted({c.name for c in everyone})
    close = difflib.get_close_matches(q, names, n=5, cutoff=0.5)
    close += [n for n in names if k and k in _key(n) and n not in close][:5]
    hint = f"; closest: {', '.join(close)}" if close else ""
    raise UnknownCouncilError(
        f"council {query!r}: no council, region or England by that name or code{hint}. "
        "List them with dsg.data.councils() or `dsg-forecast councils SEARCH`."
    )


def search(text: str | int | None = "") -> pd.DataFrame:
    """Councils whose name contains ``text`` (case and punctuation ignored) or whose code is
    ``text`` (839, "839", "E06000058"); failing those, the council :func:`council` finds for
    it (such as "BCP" for Bournemouth, Christchurch and Poole). Empty when none matches."""
    c = councils()
    q = "" if text is None else str(text).strip()
    if not q:
        return c
    k = _key(q)
    hit = c["name"].map(lambda n: k in _key(n)) | (c["old_code"] == ALIASES.get(q.upper(), q))
    hit |= c["new_code"].str.upper() == q.upper()
    if not hit.any():
        try:
            one = council(q)
        except UnknownCouncilError:
            one = None
        if one is not None:
            hit = c["new_code"] == one.new_code
    return c[hit].reset_index(drop=True)


def reorganisation_notes(c: Council) -> list[str]:
    """The documented rule for a reorganised or abolished council, as notes."""
    notes = []
    if c.area in REORGANISATIONS:
        notes.append(REORGANISATIONS[c.area].note)
    if c.area in SUCCESSORS:
        notes.append(
            f"{c.name} ({c.old_code}) was abolished by a reorganisation; its last January "
            f"census is {c.last_census}. Its area is now {SUCCESSORS[c.area]}."
        )
    return notes
