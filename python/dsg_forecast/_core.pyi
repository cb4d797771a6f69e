"""Type stubs for the Rust extension module (checked with ``python -m mypy.stubtest``)."""

from collections.abc import Callable
from typing import Any, final

import numpy as np
import numpy.typing as npt

__version__: str

class ScenarioError(ValueError):
    issues: list[dict[str, str | None]]

@final
class Scenario:
    @staticmethod
    def from_toml_str(text: str) -> Scenario: ...
    @staticmethod
    def from_json_str(text: str) -> Scenario: ...
    def to_toml_str(self) -> str: ...
    def to_json_str(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def years(self) -> list[str]: ...
    @property
    def categories(self) -> list[tuple[str, str]]: ...
    @property
    def mitigation_names(self) -> list[str]: ...
    def without_mitigations(self) -> Scenario: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Projection:
    @property
    def scenario(self) -> str: ...
    @property
    def years(self) -> list[str]: ...
    def lines(self) -> list[tuple[str, str, str, npt.NDArray[np.float64]]]: ...
    def metrics(self) -> dict[str, float | str | None]: ...
    @property
    def notes(self) -> list[str]: ...
    @property
    def unmitigated(self) -> Projection | None: ...
    def actuals(self) -> list[tuple[str, str, float]]: ...

def project(scenario: Scenario) -> Projection: ...
def required_savings(
    scenario: Scenario, targets: list[tuple[str, float]], name: str, gross: bool
) -> tuple[Scenario, list[float]]: ...
def roll_forward(
    scenario: Scenario, to: str, horizon_end: str | None = None
) -> tuple[Scenario, list[str]]: ...

# Goal seek, tornado and drivers (src/python/goal_seek.rs).
def goal_seek(
    scenario: Scenario,
    lever: str,
    target: str,
    year: str | None = None,
    amount: float = 0.0,
    bounds: tuple[float, float] | None = None,
    from_year: str | None = None,
    tolerance: float = 1000.0,
    exact: bool = False,
) -> dict[str, Any]: ...
def tornado(
    scenario: Scenario, metric: str, ranges: list[tuple[str, float, float]] | None = None
) -> dict[str, Any]: ...
def default_ranges(scenario: Scenario) -> list[tuple[str, float, float]]: ...
def drivers(scenario: Scenario) -> list[tuple[str, str, str, float, float]]: ...
def set_driver(
    scenario: Scenario, driver: str, value: float, from_year: str | None = None
) -> Scenario: ...

# Monte Carlo simulation and batch evaluation (src/python/simulate.rs).
MAX_PATHS: int

def simulate(
    scenario: Scenario,
    n_paths: int,
    seed: int,
    quantiles: list[float],
    thresholds: list[float],
    keep_paths: bool,
    threads: int | None = None,
    block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]: ...
def evaluate_batch(
    scenario: Scenario,
    names: list[str],
    values: npt.NDArray[np.float64],
    metric: str,
    threads: int | None = None,
) -> npt.NDArray[np.float64]: ...
def batch_driver_names(scenario: Scenario) -> list[str]: ...
def rng_floor(scenario: Scenario, n_paths: int, seed: int, threads: int | None = None) -> float: ...
