"""The public-data commands of ``dsg-forecast``: councils, history, baseline."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import data


def add_parsers(sub) -> None:
    c = sub.add_parser("councils", help="list councils (name, codes, region) matching SEARCH")
    c.add_argument("search", nargs="?", default="", help="part of a name, or a code")
    h = sub.add_parser("history", help="print a council's EHC plans by January census")
    h.add_argument("council", help="name, old LA code (839) or ONS code (E06000058)")
    h.add_argument("--by", choices=["placement", "age", "total"], default="placement")
    b = sub.add_parser("baseline", help="write a sourced baseline scenario from public data")
    b.add_argument("council", help="name, old LA code (839) or ONS code (E06000058)")
    b.add_argument("--base-year", default="2024-25", help="first projected year (2024-25)")
    b.add_argument("--horizon", type=int, default=15, help="years projected (15)")
    b.add_argument(
        "--opening-deficit",
        type=float,
        metavar="POUNDS",
        help="cumulative DSG deficit at the start of the base year, e.g. 63e6 (a surplus is "
        "negative, e.g. -5e6)",
    )
    b.add_argument(
        "-o", "--output", metavar="FILE",
        help="write the scenario here: .toml (commented), .json or .xlsx (an input workbook); "
        "else the TOML to stdout",
    )  # fmt: skip
    b.add_argument("--force", action="store_true", help="overwrite an existing output file")
    for p in (c, h, b):
        p.set_defaults(file="", data_command=True)


#: Options whose value may be negative.
SIGNED = ("--opening-deficit",)


def signed_values(argv: Sequence[str]) -> list[str]:
    """``argv`` with each signed option (or its shortened name) and a number after it joined
    as ``--option=value``.

    argparse before Python 3.13 takes ``-5`` or ``-5.0`` after an option as a value, but reads
    ``-5e6`` as an unknown option; joined, any number is a value. Nothing after ``--`` changes.
    """
    out: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            return out + list(argv[i:])
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if _signed(a) and nxt is not None and _is_number(nxt):
            out.append(f"{a}={nxt}")
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _signed(arg: str) -> bool:
    """Whether ``arg`` names a signed option: in full, or shortened as argparse allows (at
    least ``--op``, which no other option of these commands begins with)."""
    return len(arg) >= 4 and any(name.startswith(arg) for name in SIGNED)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def run(args: argparse.Namespace) -> int:
    if args.command == "councils":
        found = data.search(args.search)
        if found.empty:
            c = data.council(args.search)  # raises with the closest names
            # Found, but not a council of today: a region, England, or a former council.
            what = "a former council" if c.level == "council" else "not a council"
            print(f"{c.name} ({c.new_code}) is {what}; its figures: "
                  f'dsg-forecast history "{c.name}"')  # fmt: skip
            return 0
        print(found.to_string(index=False))
        return 0
    if args.command == "history":
        by = None if args.by == "total" else args.by
        df = data.ehcps(args.council, by=by)
        print(f"{df.attrs['council']}: EHC plans at the January census")
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_columns", None):
            print(df.to_string(float_format=lambda v: f"{v:,.0f}", na_rep="–"))
        print(f"\nSource: {df.attrs['source']}")
        for n in df.attrs["notes"]:
            print(f"Note: {n}")
        print(f"{data.ATTRIBUTION}.")
        return 0
    from pathlib import Path

    from .scenario import Scenario

    if args.output:
        from ._io import resolve_output
        from .cli import check_scenario_format

        check_scenario_format(args.output)
        # A path that is not a regular file is refused first, even with --force (so the
        # message never suggests --force for it).
        resolve_output(args.output, overwrite=True)
        if Path(args.output).exists() and not args.force:
            raise FileExistsError(f"-o {args.output}: already exists; pass --force to replace it")

    s = Scenario.from_public_data(
        args.council, base_year=args.base_year, horizon=args.horizon,
        opening_deficit=args.opening_deficit,
    )  # fmt: skip
    text = commented_toml(s)
    if args.output:
        from .cli import write_scenario

        write_scenario(s, args.output, overwrite=args.force, toml=text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def commented_toml(s) -> str:
    """The scenario's TOML with a header saying where it came from and how to use it."""
    notes = s.to_dict()["meta"].get("notes", "")
    header = [
        f"# {s.name}",
        "# Built by `dsg-forecast baseline` from DfE public statistics shipped with dsg-forecast.",
        "# No mitigations. Every figure's source and arithmetic is in [sources] below.",
        "# A financial year's plans are the January census within it (January 2025 for 2024-25).",
        "# " + data.ATTRIBUTION + ": DfE SEN2, DSG allocations, high needs benchmarking.",
    ]
    if notes:
        header.append("# Notes: " + notes)
    return "\n".join(header) + "\n\n" + s.to_toml()
