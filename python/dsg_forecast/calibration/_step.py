"""The cohort model's yearly step in numpy, for calibration and its diagnostics.

It repeats, without mitigations or capacity limits, the order and formulas of the Rust engine
(``src/engine/demand/cohort.rs``): from the stock ``S[a, c]`` at one January census to the next,

1. cessations ``ceased[a, c] = S[a, c] * q[a, c]``;
2. ageing: every plan moves up a year of age, plans at the last age end (``aged_out``);
3. transitions, in order: ``x = S[age, from] * share`` moves to ``S[age, to]``;
4. new plans ``N[a] * G`` placed by the mix, ``S[a, c] += N[a] * G * mix[a, c]``;
5. net other change ``S[a, c] = max(0, S[a, c] + net_other[a] * mix[a, c])``.

``tests/python/test_calibrate_model.py`` checks it against the engine's projections to 1e-9,
so the calibration's arithmetic and the engine's cannot drift apart unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Flows:
    """Plans moved in one step (plans), and the stock after it (ages x categories)."""

    stock: np.ndarray
    new: float = 0.0
    ceased: float = 0.0
    aged_out: float = 0.0
    net_other: float = 0.0
    ceased_by_age: np.ndarray = field(default_factory=lambda: np.zeros(0))


def step(
    stock: np.ndarray,
    cessation: np.ndarray,
    new_plans: np.ndarray,
    mix: np.ndarray,
    transitions: list[tuple[int, int, int, float]],
    net_other: np.ndarray,
    growth_factor: float = 1.0,
) -> Flows:
    """One year of the cohort model (see the module docstring).

    ``stock`` and ``mix`` are ages x categories; ``cessation`` is by age (or ages x
    categories); ``new_plans`` and ``net_other`` by age, in plans; ``transitions`` are
    (age, from index, to index, share) in the order applied; ``growth_factor`` is G[t].
    """
    s = np.array(stock, dtype=float)
    q = np.asarray(cessation, dtype=float)
    q = q[:, None] if q.ndim == 1 else q
    ceased = s * np.clip(q, 0.0, 1.0)
    s = s - ceased
    aged_out = float(s[-1].sum())
    s = np.vstack([np.zeros((1, s.shape[1])), s[:-1]])
    for age, i, j, share in transitions:
        x = s[age, i] * share
        s[age, i] -= x
        s[age, j] += x
    new = np.asarray(new_plans, dtype=float) * growth_factor
    s = s + new[:, None] * mix
    before = s
    s = np.maximum(0.0, s + np.asarray(net_other, dtype=float)[:, None] * mix)
    return Flows(
        stock=s,
        new=float(new.sum()),
        ceased=float(ceased.sum()),
        aged_out=aged_out,
        net_other=float((s - before).sum()),
        ceased_by_age=ceased.sum(axis=1),
    )
