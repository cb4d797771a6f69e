"""The one mapping of published placement types to the DfE management plan's seven categories.

Everything that sorts a child's placement, or a line of spending, into a category reads this
module: the data build (``data/build.py``), the loaders and the baseline. It follows the DfE
high needs benchmarking tool, whose seven groups are exactly these categories; the test
``tests/python/test_data_categories.py`` reproduces the tool's January 2021 counts for every
council from the SEN2 columns below.

This module imports nothing but the standard library, so the build can load it on its own.
"""

from __future__ import annotations

#: Category id -> the DfE management plan template's label.
CATEGORIES: dict[str, str] = {
    "mainstream": "Mainstream schools or academies",
    "resourced_provision": "Resourced provision or SEN units",
    "special": "Maintained special schools or special academies",
    "independent": "Non-maintained or independent schools",
    "hospital_ap": "Hospital schools or alternative provision",
    "post16": "Post-16 and further education",
    "other": "Other placements (educated elsewhere, NEET, early years, awaiting provision)",
}
CATEGORY_IDS: tuple[str, ...] = tuple(CATEGORIES)

#: SEN2 (2023 onward release) placement columns -> category. Each column counted once: the
#: ``*_total`` subtotals are used only where listed here (``ap_pru_total``, ``fe_total``,
#: ``ed_elsewhere``), never together with their own parts.
SEN2_COLUMNS: dict[str, str] = {
    "mainstream_la_maintained": "mainstream",
    "mainstream_academy": "mainstream",
    "mainstream_free_school": "mainstream",
    "mainstream_la_maintained_resourced_provision": "resourced_provision",
    "mainstream_la_maintained_senunit": "resourced_provision",
    "mainstream_academy_resourced_provision": "resourced_provision",
    "mainstream_academy_senunit": "resourced_provision",
    "mainstream_free_school_resourced_provision": "resourced_provision",
    "mainstream_free_school_senunit": "resourced_provision",
    "special_la_maintained": "special",
    "special_academy_free": "special",
    "special_independent": "independent",
    "special_non_maintained": "independent",
    # The benchmarking tool counts mainstream independent schools with NMSS/independent.
    "mainstream_independent": "independent",
    # Subtotal of ap_pru_academy + ap_pru_free_school + ap_pru_la_maintained.
    "ap_pru_total": "hospital_ap",
    # Subtotal of general_fe_tertiary_colleges + specialist_post_16_institutions + ukrlp_provider.
    "fe_total": "post16",
    # Subtotal: elective home education, other arrangements (LA, parents), online providers,
    # Welsh settings, other schools, NEET (all four columns) and, in releases where it includes
    # it, other_placement_settings (see SEN2_MAYBE_IN_ED_ELSEWHERE).
    "ed_elsewhere": "other",
    "nm_early_years": "other",
    "placement_unknown": "other",
    "await_prov_2022": "other",
    "perm_ex_2022": "other",
}

#: The published parts of ``ed_elsewhere`` other than other_placement_settings.
SEN2_ED_ELSEWHERE_PARTS: tuple[str, ...] = (
    "elective_home_education",
    "other_arrangements_la",
    "other_arrangements_parents",
    "online_provider",
    "w_settings",
    "other_schools",
    "neet",
    "neet_ntci",
    "neet_other",
    "neet_other_csa",
)
#: Counted in "other" on its own unless ``ed_elsewhere`` already includes it. The census of
#: 2019-2022 left it out of ``ed_elsewhere``, later censuses include it; the build decides row by
#: row: it is inside when ``ed_elsewhere`` equals its listed parts plus this column.
SEN2_MAYBE_IN_ED_ELSEWHERE = "other_placement_settings"

#: SEN2 2022 release (``sen2_estab_*``), January 2010-2022 / new plans 2009-2021:
#: (establishment_group, establishment_type) -> category. A type of "Total" is the group's total;
#: groups are split by type only where a group spans categories.
SEN2_2022_TYPES: dict[tuple[str, str], str] = {
    ("Mainstream school", "Mainstream - LA maintained"): "mainstream",
    ("Mainstream school", "Mainstream - Academy"): "mainstream",
    ("Mainstream school", "Mainstream - Free school"): "mainstream",
    ("Mainstream school", "Mainstream - LA maintained - Resourced provision"): (
        "resourced_provision"
    ),
    ("Mainstream school", "Mainstream - LA maintained - SEN unit"): "resourced_provision",
    ("Mainstream school", "Mainstream - Academy - Resourced Provision"): "resourced_provision",
    ("Mainstream school", "Mainstream - Academy - SEN unit"): "resourced_provision",
    ("Mainstream school", "Mainstream - Free school - Resourced provision"): "resourced_provision",
    ("Mainstream school", "Mainstream - Free school - SEN unit"): "resourced_provision",
    ("Mainstream school", "Mainstream - Independent"): "independent",
    ("Special school", "Special - LA maintained"): "special",
    ("Special school", "Special - Academy/free"): "special",
    ("Special school", "Special - Academy"): "special",
    ("Special school", "Special - Free school"): "special",
    ("Special school", "Special - Independent"): "independent",
    ("Special school", "Special - Non-maintained"): "independent",
    ("Special school", "Hospital School"): "hospital_ap",
    ("Alternative provision/Pupil referral unit", "Total"): "hospital_ap",
    ("Further education", "Total"): "post16",
    # Apprenticeships, supported internships, traineeships: work-based post-16 learning.
    ("Unknown", "Total"): "post16",
    ("Educated elsewhere", "Total"): "other",
    ("NEET", "Total"): "other",
    ("Non-maintained early years", "Total"): "other",
    ("Other", "Total"): "other",
}

#: High needs benchmarking extract: header text of its seven placement columns -> category.
BENCHMARKING_GROUPS: dict[str, str] = {
    "Mainstream schools or academies": "mainstream",
    "Resourced provision or SEN units": "resourced_provision",
    "Maintained special schools or special academies": "special",
    "NMSS or independent schools": "independent",
    "Hospital schools or alternative provision": "hospital_ap",
    "Post 16": "post16",
    "Other": "other",
}

#: Spending pools for unit costs: s251 outturn lines (provider type) and the allocation's
#: deductions for places the DfE pays directly, each -> the pool it belongs to. A pool's spend is
#: divided by the plans in the pool's categories (POOL_CATEGORIES). "ap" and "hospital" spend
#: serves children without plans too, so it is a non-plan line, not a unit cost.
POOL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "mainstream": ("mainstream", "resourced_provision"),
    "special": ("special",),
    "independent": ("independent",),
    "post16": ("post16",),
}
#: s251 outturn line (phase, provider) -> pool. Provider "maintained" = top-ups to maintained
#: schools, academies, free schools and colleges; "independent" = top-ups to non-maintained and
#: independent schools and colleges; "place" = place funding.
S251_POOLS: dict[tuple[str, str], str] = {
    ("Early Years", "place"): "mainstream",
    ("Primary", "place"): "mainstream",
    ("Secondary", "place"): "mainstream",
    ("Special schools and academies", "place"): "special",
    ("PRUs and AP academies", "place"): "ap",
    ("Post School", "place"): "post16",
    ("Early Years", "maintained"): "mainstream",
    ("Primary", "maintained"): "mainstream",
    ("Secondary", "maintained"): "mainstream",
    ("Special schools and academies", "maintained"): "special",
    ("PRUs and AP academies", "maintained"): "ap",
    ("Post School", "maintained"): "post16",
    ("Early Years", "independent"): "independent",
    ("Primary", "independent"): "independent",
    ("Secondary", "independent"): "independent",
    ("Special schools and academies", "independent"): "independent",
    ("PRUs and AP academies", "independent"): "ap",
    ("Post School", "independent"): "post16",
}


def deduction_pool(group: str, places: str) -> str:
    """The pool of one deduction for directly funded places, from the allocation table's
    column group (e.g. "Special academies") and place type (e.g. "Post-16 SEN places")."""
    g, p = group.lower(), places.lower()
    if g.startswith("mainstream"):
        # "Mainstream academies (special educational needs (SEN) units and resourced provision)"
        if "post-16" in p:
            return "post16"
        return "ap" if "ap" in p.split() or "alternative provision" in p else "mainstream"
    if "hospital" in g:
        return "hospital"
    if "ap places" in p or "alternative provision" in p:
        return "ap"
    if "alternative provision" in g:
        return "ap"
    if "special" in g:
        return "special"
    if "16-19" in g or "further education" in g or "post-16" in p:
        return "post16"
    return "mainstream"


#: DfE age groups of the management plan, with the single years of age in each.
AGE_GROUPS: dict[str, tuple[int, int]] = {
    "Under 5": (0, 4),
    "5-10": (5, 10),
    "11-15": (11, 15),
    "16-19": (16, 19),
    "20-25": (20, 25),
}
#: SEN2 2022 release age labels -> age group.
SEN2_2022_AGES: dict[str, str] = {
    "Under 5": "Under 5",
    "Age 5 to 10": "5-10",
    "Age 11 to 15": "11-15",
    "Age 16 to 19": "16-19",
    "Age 20 to 25": "20-25",
}


def single_age(label: str) -> int | None:
    """A SEN2 age label as a single year of age: "age 7" -> 7, "Aged 12" -> 12; "under 3" and
    "age 2 and under" -> 2; "age 20 and over" -> 20 (open-ended); unknown -> None."""
    text = label.lower().replace("aged", "age").strip()
    if "unknown" in text:
        return None
    if text.startswith("under "):
        return int(text.split()[1]) - 1
    digits = "".join(ch if ch.isdigit() else " " for ch in text).split()
    return int(digits[0]) if digits else None


def age_group(age: int) -> str:
    """The DfE age group of a single year of age (0-25)."""
    for name, (lo, hi) in AGE_GROUPS.items():
        if lo <= age <= hi:
            return name
    raise ValueError(f"age {age}: outside the 0-25 range of EHC plans")
