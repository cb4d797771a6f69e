"""The ``dsg-forecast`` command.

    dsg-forecast project FILE [--json | --csv [PATH]] [--all] [--unmitigated] [--chart PNG]
    dsg-forecast check FILE
    dsg-forecast roll-forward FILE --to 2025-26 [--horizon-end 2039-40] -o NEW.toml [--force]
        (-o NEW.json, or NEW.xlsx for an input workbook)
    dsg-forecast councils [SEARCH]
    dsg-forecast history COUNCIL [--by placement|age|total]
    dsg-forecast baseline COUNCIL [--base-year 2024-25] [--opening-deficit 63e6] [-o plan.toml]
        (-o plan.json, or plan.xlsx for an input workbook)

Exit codes: 0 success; 2 invalid input (messages on stderr, every problem listed); 1 for an
unexpected internal error (reported in one line, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ._io import OutputPathError
from .projection import project
from .scenario import Scenario, ScenarioError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dsg-forecast",
        description="Forecast a council's DSG high-needs deficit from a scenario file.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    pr = sub.add_parser("project", help="project a scenario and print the table in £m")
    pr.add_argument("file", help="scenario file (.toml, .json or an .xlsx input workbook)")
    out = pr.add_mutually_exclusive_group()
    out.add_argument(
        "--json", action="store_true",
        help="print every line as JSON (money in £, EHCPs in plans, unit costs in £ a plan)",
    )  # fmt: skip
    out.add_argument(
        "--csv",
        nargs="?",
        const="-",
        metavar="PATH",
        help="write every line as CSV to PATH, stdout when no PATH (money in £, EHCPs in "
        "plans, unit costs in £ a plan)",
    )
    pr.add_argument("--all", action="store_true", help="print every line, not just the summary")
    pr.add_argument(
        "--unmitigated",
        action="store_true",
        help="project the scenario with its mitigations removed",
    )
    pr.add_argument(
        "--chart", metavar="FILE", help="also write the deficit chart (.png, .pdf or .svg)"
    )
    pr.add_argument("--force", action="store_true", help="overwrite existing output files")
    ck = sub.add_parser("check", help="validate a scenario file and report every problem")
    ck.add_argument("file")
    rf = sub.add_parser(
        "roll-forward",
        help="write the plan rolled forward to a later base year (actuals where given)",
    )
    rf.add_argument("file", help="scenario file (.toml, .json or an .xlsx input workbook)")
    rf.add_argument("--to", required=True, metavar="YEAR", help="new base year, e.g. 2025-26")
    rf.add_argument(
        "--horizon-end",
        metavar="YEAR",
        help="last projected year (default: the plan's)",
    )
    rf.add_argument(
        "-o", "--output", required=True, metavar="FILE",
        help="new scenario file: .toml, .json or .xlsx (an input workbook)",
    )  # fmt: skip
    rf.add_argument("--force", action="store_true", help="overwrite an existing output file")
    from ._cli_data import add_parsers

    add_parsers(sub)
    return p


def _json_safe(x):
    """``x`` with every non-finite number (a missing actual, say) as None, at any depth, so
    the output is always valid JSON (which has no NaN or Infinity)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    return x


class OutputError(Exception):
    """An output file the command must not write (exists, or is the input)."""


CHART_FORMATS = (".png", ".pdf", ".svg")
#: What ``roll-forward -o`` writes, by the file name's ending.
SCENARIO_FORMATS = (".toml", ".json", ".xlsx")


def check_scenario_format(path: str) -> None:
    """Refuse an ``-o`` scenario file whose ending is not one :func:`write_scenario` writes."""
    if Path(path).suffix.lower() not in SCENARIO_FORMATS:
        raise OutputError(
            f"-o {path}: unknown scenario format; use a file name ending "
            f"{', '.join(SCENARIO_FORMATS)}"
        )


def write_scenario(scenario: Scenario, path: str, overwrite: bool, toml: str | None = None):
    """Write ``scenario`` in the format ``path``'s ending names: .json, .xlsx (an input
    workbook) or .toml (``toml`` when given, e.g. with a commented header)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        scenario.to_json(path, overwrite=overwrite)
    elif suffix == ".xlsx":
        from .excel import write_input_workbook

        write_input_workbook(path, scenario, overwrite=overwrite)
    elif toml is not None:
        from ._io import write_text

        write_text(path, toml, overwrite=overwrite)
    else:
        scenario.to_toml(path, overwrite=overwrite)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, outputs that would clobber a file or have no known format."""
    outputs = []
    if args.command == "project":
        if args.csv not in (None, "-"):
            outputs.append(("--csv", args.csv))
        if args.chart is not None:
            outputs.append(("--chart", args.chart))
            if Path(args.chart).suffix.lower() not in CHART_FORMATS:
                raise OutputError(
                    f"--chart {args.chart}: unknown chart format; "
                    f"use a file name ending {', '.join(CHART_FORMATS)}"
                )
    from ._io import check_distinct, resolve_output

    if args.command == "roll-forward":
        outputs.append(("-o", args.output))
        check_scenario_format(args.output)
    source = Path(args.file).resolve()
    for flag, out in outputs:
        target = Path(out).resolve()
        if target == source:
            raise OutputError(f"{flag} {out}: that is the scenario file; choose another name")
        # Not a regular file, a link to nowhere, a missing or unwritable folder: refused even
        # with --force (OutputPathError, exit 2).
        resolve_output(out, overwrite=True)
        if os.path.lexists(out) and not args.force:
            raise OutputError(f"{flag} {out}: already exists; pass --force to replace it")
    check_distinct(outputs)


def _run(args: argparse.Namespace) -> int:
    if getattr(args, "data_command", False):
        from ._cli_data import run

        return run(args)
    _check_outputs(args)
    scenario = Scenario.from_file(args.file)
    if args.command == "check":
        print(f"{args.file}: OK ({scenario.name}, {scenario.years[0]} to {scenario.years[-1]})")
        # Valid but worth a look (money typed in millions, an unused growth value, ...).
        for note in project(scenario).notes:
            print(f"Note: {note}")
        return 0
    if args.command == "roll-forward":
        return _roll_forward(scenario, args)
    if args.unmitigated:
        scenario = scenario.without_mitigations()
    p = project(scenario)
    if args.json:
        print(json.dumps(_json_safe(p.to_dict()), indent=2, allow_nan=False))
    elif args.csv is not None:
        if args.csv == "-":
            sys.stdout.write(p.to_csv())
        else:
            p.to_csv(args.csv, overwrite=args.force)
            print(f"wrote {args.csv}", file=sys.stderr)
    else:
        table = p.summary_frame(None if not args.all else list(p.to_frame().index))
        print(f"{p.scenario.name}  (£m unless stated)")
        with _wide_pandas():
            print(table.to_string())
        print()
        from ._format import METRIC_LABELS, metric_text

        for k, v in p.metrics.items():
            print(f"{METRIC_LABELS[k]:<42} {metric_text(k, v)}")
        for note in p.notes:
            print(f"\nNote: {note}")
    if args.chart:
        _write_chart(p, args.chart, overwrite=args.force)
    return 0


def _roll_forward(scenario: Scenario, args: argparse.Namespace) -> int:
    rolled, notes = scenario._rolled(args.to, args.horizon_end)
    write_scenario(rolled, args.output, overwrite=args.force)
    print(
        f"wrote {args.output}: {rolled.name}, {rolled.years[0]} to {rolled.years[-1]}",
        file=sys.stderr,
    )
    for n in notes:
        print(f"Note: {n}", file=sys.stderr)
    return 0


def _write_chart(p, path: str, overwrite: bool) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ._io import atomic_write

    ax = p.plot()
    fmt = Path(path).suffix.lower().lstrip(".")
    atomic_write(path, lambda tmp: ax.figure.savefig(tmp, dpi=150, format=fmt), overwrite=overwrite)
    plt.close(ax.figure)
    print(f"wrote {path}", file=sys.stderr)


class _wide_pandas:
    def __enter__(self):
        import pandas as pd

        self._ctx = pd.option_context(
            "display.width", 250, "display.max_columns", None, "display.max_rows", None
        )
        self._ctx.__enter__()

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (also used by ``python -m dsg_forecast``)."""
    from ._cli_data import signed_values

    args = _parser().parse_args(signed_values(sys.argv[1:] if argv is None else list(argv)))
    try:
        return _run(args)
    except ScenarioError as e:
        msg = str(e)
        where = "" if msg.startswith(str(args.file)) else f"{args.file}: "
        print(f"error: {where}{msg}", file=sys.stderr)
        return 2
    except (FileExistsError, PermissionError, IsADirectoryError, NotADirectoryError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except (OutputError, OutputPathError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # unknown council, missing opening deficit, bad base year
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early: not an error; silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the CLI must never print a traceback
        print(f"internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
