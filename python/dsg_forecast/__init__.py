"""dsg-forecast: a 15-year forecast of an English council's DSG high-needs deficit.

    import dsg_forecast as dsg
    s = dsg.Scenario.from_toml("examples/bcp_safety_valve_2024.toml")
    p = dsg.project(s)
    p.to_frame()      # lines x years, in £
    p.plot()          # deficit trajectory in £m

The arithmetic runs in Rust (``dsg_forecast._core``); this package adds pandas tables,
matplotlib charts and file handling.
"""

from . import data
from ._core import ScenarioError, __version__
from ._format import year_position
from ._io import OutputPathError
from .accounts import ActualsFit, RequiredSavings, calibrate_to_actuals, required_savings
from .backtest import Backtest, backtest, backtest_all
from .calibration import Calibration, CalibrationError, calibrate, calibrate_frames
from .compare import Comparison, compare
from .excel import write_input_workbook
from .goal_seek import GoalSeekResult, goal_seek
from .national import national, project_many
from .projection import Projection, project
from .scenario import Scenario
from .sensitivity import Tornado, tornado
from .simulation import (
    Simulation,
    batch_drivers,
    evaluate_batch,
    simulate,
    simulate_many,
    sobol_problem,
)
from .widgets import what_if

__all__ = [
    "ActualsFit",
    "Backtest",
    "Calibration",
    "CalibrationError",
    "Comparison",
    "GoalSeekResult",
    "OutputPathError",
    "Projection",
    "RequiredSavings",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "Tornado",
    "__version__",
    "backtest",
    "backtest_all",
    "batch_drivers",
    "calibrate",
    "calibrate_frames",
    "calibrate_to_actuals",
    "compare",
    "data",
    "evaluate_batch",
    "goal_seek",
    "national",
    "project",
    "project_many",
    "required_savings",
    "simulate",
    "simulate_many",
    "sobol_problem",
    "tornado",
    "what_if",
    "write_input_workbook",
    "year_position",
]
