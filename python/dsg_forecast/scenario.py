"""Scenarios: immutable, validated DSG management-plan assumptions."""

from __future__ import annotations

import datetime
import decimal
import html
import json
import numbers
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import _core
from ._args import checked, financial_year, problems_error
from ._io import write_text

ScenarioError = _core.ScenarioError

_INDEX = re.compile(r"^(?P<key>[^\[\]]+)\[(?P<idx>\d+)\]$")


class Scenario:
    """A validated, immutable scenario.

    Build one with :meth:`from_toml`, :meth:`from_json`, :meth:`from_dict` (or ``from_excel``
    in the Excel module). A what-if is a new scenario: :meth:`replace` returns a copy with some
    fields changed, checked by the same validation; the original never changes.
    """

    __slots__ = ("_core",)

    def __init__(self, core: _core.Scenario):
        if not isinstance(core, _core.Scenario):
            raise TypeError("use Scenario.from_toml, from_json or from_dict to build a scenario")
        object.__setattr__(self, "_core", core)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Scenario is immutable; use .replace(...) for a what-if")

    # ---- reading ---------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read and validate a TOML scenario file."""
        return cls(_core.Scenario.from_toml_str(_read(path)))

    @classmethod
    def from_json(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read and validate a JSON scenario file (same fields as TOML)."""
        return cls(_core.Scenario.from_json_str(_read(path)))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read a ``.toml``, ``.json`` or ``.xlsx`` scenario, chosen by extension."""
        suffix = Path(path).suffix.lower()
        if suffix == ".json":
            return cls.from_json(path)
        if suffix in (".xlsx", ".xlsm"):
            from .excel import read_input_workbook

            return read_input_workbook(path)
        return cls.from_toml(path)

    @classmethod
    def from_excel(cls, path: str | os.PathLike[str]) -> Scenario:
        """Read an input workbook (written by ``dsg.write_input_workbook``) and validate it.
        Errors name the sheet and cell. Needs openpyxl (``pip install dsg-forecast[excel]``)."""
        from .excel import read_input_workbook

        return read_input_workbook(path)

    @classmethod
    def from_toml_str(cls, text: str) -> Scenario:
        """Validate TOML text."""
        return cls(_core.Scenario.from_toml_str(text))

    @classmethod
    def from_json_str(cls, text: str) -> Scenario:
        """Validate JSON text."""
        return cls(_core.Scenario.from_json_str(text))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        """Validate a nested dict with the scenario file's fields.

        Values may be Python or numpy numbers (``np.float64``, ``np.int64``, ``np.bool_``, 0-d
        arrays), text, booleans, lists and dicts. Anything else (a ``datetime.date``, a set, an
        object, a dict that contains itself) raises one ScenarioError naming every such field;
        years are written as text, e.g. ``"2024-25"``."""
        if not isinstance(data, Mapping):
            raise _problems([("(scenario)", data, "expected a dict of sections")])
        text = json.dumps(_plain_tree(data), allow_nan=True)
        try:
            return cls(_core.Scenario.from_json_str(text))
        except ScenarioError as e:
            raise _without_json_position(e) from None

    @classmethod
    def from_public_data(
        cls,
        council: str | int,
        base_year: str = "2024-25",
        horizon: int = 15,
        opening_deficit: float | None = None,
        demand: str = "growth",
    ) -> Scenario:
        """A complete baseline for any council from the DfE data shipped in the package.

        No mitigations; every value has a source note (dataset, year, arithmetic) in
        ``sources``. The base year's plans are its January census (January 2025 for 2024-25).
        ``opening_deficit`` (£) is needed when the published DSG balance does not cover the
        year before the base year; without it ``OpeningDeficitError`` (a ValueError) says so.
        ``demand="cohort"`` uses the cohort model calibrated by :func:`dsg_forecast.calibrate`
        (through the latest census, stepped forward to the base year's census).
        Methods: ``dsg_forecast.data.baseline`` and the README's "Public data" section.
        """
        from .data.baseline import baseline_dict

        return cls.from_dict(baseline_dict(council, base_year, horizon, opening_deficit, demand))

    # ---- writing ---------------------------------------------------------------------------
    def to_toml(self, path: str | os.PathLike[str] | None = None, *, overwrite: bool = False):
        """TOML text; with ``path``, also write it there (atomically; no overwrite by default)."""
        text = self._core.to_toml_str()
        if path is not None:
            write_text(path, text, overwrite=overwrite)
        return text

    def to_json(self, path: str | os.PathLike[str] | None = None, *, overwrite: bool = False):
        """JSON text; with ``path``, also write it there (atomically; no overwrite by default)."""
        text = self._core.to_json_str()
        if path is not None:
            write_text(path, text, overwrite=overwrite)
        return text

    def to_dict(self) -> dict[str, Any]:
        """A nested dict of every field (a deep copy: editing it does not change the scenario)."""
        return json.loads(self._core.to_json_str())

    # ---- what-ifs --------------------------------------------------------------------------
    def replace(self, changes: dict[str, Any] | None = None, /, **kwargs: Any) -> Scenario:
        """A new scenario with fields changed, by dotted path.

        ``s.replace({"funding.hnb_growth": 0.04, "mitigations[0].ramp_years": 3})`` or, as
        keywords, ``s.replace(funding__hnb_growth=0.04)``. A value of ``None`` removes an
        optional field. The result is validated like a file; a bad value raises ScenarioError.
        """
        if changes is not None and not isinstance(changes, Mapping):
            raise _problems([("changes", changes, "expected a dict of {dotted path: value}")])
        edits = dict(changes or {})
        edits.update({k.replace("__", "."): v for k, v in kwargs.items()})
        bad = [
            (repr(k), k, "expected a dotted field path as text")
            for k in edits
            if not isinstance(k, str)
        ]
        if bad:
            raise _problems(bad)
        data = self.to_dict()
        for path, value in edits.items():
            _set_path(data, path, value)
        return Scenario.from_dict(data)

    def roll_forward(self, to: str, horizon_end: str | None = None) -> Scenario:
        """A new scenario based in the later year ``to`` (e.g. "2025-26"), computed in Rust.

        Base values come from the scenario's actuals where given (the actual closing deficit
        of the year before becomes the opening deficit, or without one the latest earlier
        actual closing deficit (else the plan's opening deficit) carried forward with the
        actual in-year deficits where given, else the plan's, and its payments and write-offs;
        actual EHCPs for each category given,
        the others sharing what the actual total leaves by the forecast mix; actual HNB), else
        from this plan's own projection of ``to``, each with a source note saying which.
        Schedules, amounts and mitigations keep their calendar years; the last projected year
        stays unless ``horizon_end`` is given (an earlier one cuts what lies after it). With actuals
        equal to this plan's forecast, the rolled plan reproduces this plan's projection of the
        remaining years. What the rolled plan cannot repeat (lines against the unmitigated plan
        when a growth cut began before ``to``) is written into ``meta.notes`` ("Roll-forward
        note: ..."). Bad years raise ScenarioError.
        """
        return self._rolled(to, horizon_end)[0]

    def _rolled(self, to: object, horizon_end: object = None) -> tuple[Scenario, list[str]]:
        """:meth:`roll_forward`'s scenario and its notes, the years checked first (every
        problem at once; shared with the command line)."""
        problems: list = []
        to_label = checked(problems, financial_year, "to", to, False)
        end_label = checked(problems, financial_year, "horizon_end", horizon_end)
        if problems:
            raise problems_error(problems, "roll-forward's arguments", show=str)
        core, notes = _core.roll_forward(self._core, to_label, end_label)
        return Scenario(core), list(notes)

    @property
    def notes(self) -> str:
        """The plan's free-text notes (``meta.notes``), roll-forward notes included."""
        return self.to_dict()["meta"].get("notes", "")

    def without_mitigations(self) -> Scenario:
        """The unmitigated scenario: the same inputs with every mitigation removed."""
        return Scenario(self._core.without_mitigations())

    # ---- facts -----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._core.name

    @property
    def years(self) -> list[str]:
        """Projected financial years, e.g. ["2024-25", ...]."""
        return self._core.years

    @property
    def categories(self) -> dict[str, str]:
        """Placement category id -> display label, in file order."""
        return dict(self._core.categories)

    @property
    def mitigation_names(self) -> list[str]:
        return self._core.mitigation_names

    @property
    def sources(self) -> dict[str, str]:
        """Source notes by field path."""
        return self.to_dict().get("sources", {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self._core == other._core

    def __hash__(self) -> int:
        return hash(self._core.to_json_str())

    def __reduce__(self):
        return (Scenario.from_json_str, (self._core.to_json_str(),))

    def __repr__(self) -> str:
        y = self.years
        n = len(self.mitigation_names)
        return (
            f"<Scenario {self.name!r}: {y[0]} to {y[-1]}, {len(self.categories)} placement "
            f"categories, {n} mitigation{'s' if n != 1 else ''}>"
        )

    def _repr_html_(self) -> str:
        d = self.to_dict()
        f = d["funding"]
        rows = [
            ("Council", d["meta"].get("council", "")),
            ("Years", f"{self.years[0]} to {self.years[-1]}"),
            ("HNB in base year", f"£{f['hnb'] / 1e6:,.1f}m"),
            ("Opening deficit", f"£{d.get('deficit', {}).get('opening', 0) / 1e6:,.1f}m"),
            ("EHCPs in base year", f"{sum(d['demand']['base_plans'].values()):,.0f}"),
            ("Mitigations", ", ".join(self.mitigation_names) or "none"),
        ]
        body = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
            for k, v in rows
        )
        return f"<b>{html.escape(self.name)}</b><table>{body}</table>"


def _without_json_position(e: ScenarioError) -> ScenarioError:
    """An error about values given from Python, without the "JSON error:" prefix and the line
    and column of the JSON text they were passed through, which the user never saw."""
    text = str(e)
    plain = re.sub(r" at line \d+ column \d+", "", text.removeprefix("JSON error: "))
    if plain == text:
        return e
    err = ScenarioError(plain)
    err.issues = [
        {**i, "message": re.sub(r" at line \d+ column \d+", "", i["message"])}
        for i in (getattr(e, "issues", None) or [])
    ]
    return err


#: Largest scenario file read, in bytes (a scenario is a few kilobytes).
MAX_SCENARIO_BYTES = 20_000_000


def check_input_file(path: str | os.PathLike[str], limit: int = MAX_SCENARIO_BYTES) -> None:
    """Refuse, before reading a byte, an input that is not a regular file (a folder, a named
    pipe, which would wait for a writer for ever, or a device such as ``/dev/zero``, which
    never ends) or is larger than ``limit`` bytes: a ScenarioError naming the path and why.
    A missing file passes (the reader says so)."""
    import stat

    from ._io import _kind

    try:
        st = os.stat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(f"{path}: is a folder; give the path of a scenario file")
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(
            f"{path}: is {_kind(st.st_mode)}, not a regular file; give the path of a scenario file"
        )
    if st.st_size > limit:
        raise ScenarioError(
            f"{path}: {st.st_size:,} bytes; a scenario file is a few kilobytes (at most "
            f"{limit:,} bytes are read)"
        )


def _read(path: str | os.PathLike[str]) -> str:
    check_input_file(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{path}: is a folder; give the path of a scenario file") from None
    except PermissionError:
        raise ScenarioError(f"{path}: permission denied; check you can open the file") from None
    except UnicodeDecodeError as e:
        raise ScenarioError(f"{path}: not a UTF-8 text file ({e.reason})") from None


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``data[a][b][i]...`` for the dotted path ``a.b[i]...``; None deletes the leaf."""
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        m = _INDEX.match(part)
        key, idx = (m["key"], int(m["idx"])) if m else (part, None)
        if not isinstance(node, dict):
            raise ScenarioError(f"{path}: {'.'.join(parts[:depth])} is a value, not a section")
        if idx is not None:
            seq = node.get(key)
            if not isinstance(seq, list) or idx >= len(seq):
                n = len(seq) if isinstance(seq, list) else 0
                raise ScenarioError(f"{path}: {key} has {n} entries; expected an index below {n}")
            if last:
                seq[idx] = value
                return
            node = seq[idx]
            continue
        if last:
            if value is None:
                node.pop(key, None)
            else:
                node[key] = value
            return
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]


# ---- Python values to scenario values --------------------------------------------------------
#: Deepest nesting accepted in a dict passed to from_dict (scenario files nest 5 levels).
_MAX_DEPTH = 32


def _problems(problems: list[tuple[str, object, str]]) -> ScenarioError:
    """One ScenarioError listing every (path, value, message), with ``.issues``."""
    return problems_error(problems, "scenario", _short)


def _short(value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real problem
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


def _plain_tree(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` as plain JSON-ready values (numpy scalars and 0-d arrays become numbers), or one
    ScenarioError naming every field whose value is of a type a scenario cannot hold."""
    problems: list[tuple[str, object, str]] = []
    out = _plain(data, "", problems, set(), 0)
    if problems:
        raise _problems(problems)
    return out


def _date_message(path: str, value: datetime.date) -> str:
    if path.endswith("override_end"):
        return f"a date is written as text here, e.g. '{value.isoformat()[:10]}'"
    y = value.year if value.month >= 4 else value.year - 1
    return (
        f"a financial year is written '{y}-{(y + 1) % 100:02d}' (text), not a date; "
        f"a date in {y}-{(y + 1) % 100:02d} falls between 1 April {y} and 31 March {y + 1}"
    )


def _plain(value: Any, path: str, problems: list, active: set[int], depth: int) -> Any:
    where = path or "(scenario)"
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with pandas
        np = None
    if np is not None:
        if isinstance(value, np.ndarray):
            if value.ndim == 0:
                return _plain(value.item(), path, problems, active, depth)
            return _plain(value.tolist(), path, problems, active, depth)
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        problems.append((where, value, _date_message(where, value)))
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (numbers.Real, decimal.Decimal)):
        return float(value)
    if isinstance(value, (Mapping, list, tuple)):
        if id(value) in active:
            problems.append((where, value, "contains itself; give plain values, not a loop"))
            return None
        if depth >= _MAX_DEPTH:
            problems.append((where, value, f"nested more than {_MAX_DEPTH} levels deep"))
            return None
        active.add(id(value))
        try:
            if isinstance(value, Mapping):
                out = {}
                for k, v in value.items():
                    if not isinstance(k, str):
                        problems.append(
                            (f"{path}[{_short(k)}]" if path else _short(k), k, "keys are text")
                        )
                        continue
                    out[k] = _plain(v, f"{path}.{k}" if path else k, problems, active, depth + 1)
                return out
            return [
                _plain(v, f"{path}[{i}]", problems, active, depth + 1) for i, v in enumerate(value)
            ]
        finally:
            active.discard(id(value))
    problems.append(
        (
            where,
            value,
            f"a {type(value).__name__} is not a scenario value; expected a number, text, "
            "true/false, a list or a table (dict)",
        )
    )
    return None
