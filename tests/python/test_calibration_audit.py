"""Bad arguments to the cohort calibration are named, every one at once, as a CalibrationError
(a ValueError), never an IndexError or TypeError from inside the estimate."""

from __future__ import annotations

import re

import pytest
from dsg_forecast.calibration import CalibrationError, calibrate


@pytest.mark.parametrize(
    "kw, named",
    [
        ({"transition_ages": (0, 30)}, "transition_ages=(0, 30)"),
        ({"transition_ages": ()}, "transition_ages=()"),
        ({"transition_ages": "5,11"}, "transition_ages='5,11'"),
        ({"transition_ages": (5, 5)}, "transition_ages=(5, 5)"),
        ({"window": True}, "window=True"),
    ],
)
def test_bad_calibration_arguments_are_named(kw, named):
    # Once an IndexError or TypeError from inside the estimate, or (window=True) read as 1.
    with pytest.raises(CalibrationError, match=re.escape(named)):
        calibrate(839, **kw)


def test_every_bad_calibration_argument_at_once():
    with pytest.raises(CalibrationError) as e:
        calibrate(839, through=True, window=0, transition_ages=(5, 5))
    assert [p.split(":")[0] for p in str(e.value).split("; ")] == [
        "through=True",
        "window=0",
        "transition_ages=(5, 5)",
    ]


def test_transition_ages_may_be_any_sequence_of_ages():
    import numpy as np

    a = calibrate(839, transition_ages=np.array([5, 11, 16]))
    b = calibrate(839, transition_ages=(5, 11, 16))
    assert a.demand == b.demand
    assert a.to_frame().equals(b.to_frame())
