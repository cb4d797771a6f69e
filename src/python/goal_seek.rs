//! Bindings for goal seek, the tornado and drivers. Conversion only: the search and the
//! projections run in Rust with the GIL released.

use super::{PyProjection, PyScenario, to_py_err};
use crate::analysis::driver::Driver;
use crate::analysis::goal_seek::{GoalSeek, goal_seek};
use crate::analysis::sensitivity::{default_ranges, tornado};
use crate::engine::projection::project;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// Find the lever value that meets a target; returns a dict (see `dsg_forecast.goal_seek`).
#[pyfunction]
#[pyo3(name = "goal_seek", signature = (scenario, lever, target, year=None, amount=0.0, bounds=None, from_year=None, tolerance=1000.0, exact=false))]
#[allow(clippy::too_many_arguments)]
fn py_goal_seek<'py>(
    py: Python<'py>,
    scenario: &PyScenario,
    lever: String,
    target: String,
    year: Option<String>,
    amount: f64,
    bounds: Option<(f64, f64)>,
    from_year: Option<String>,
    tolerance: f64,
    exact: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let req = GoalSeek {
        lever,
        target,
        year,
        amount,
        bounds,
        from_year,
        tolerance,
        exact,
    };
    let s = &scenario.inner;
    let (r, p) = py
        .detach(|| {
            goal_seek(s, &req).map(|r| {
                let p = project(&r.scenario);
                (r, p)
            })
        })
        .map_err(|e| to_py_err(py, e))?;
    let d = PyDict::new(py);
    d.set_item("lever", &r.lever)?;
    d.set_item("unit", r.unit)?;
    d.set_item("target", &r.target)?;
    d.set_item("year", &r.year)?;
    d.set_item("from_year", &r.from_year)?;
    d.set_item("limit", r.limit)?;
    d.set_item("mode", r.mode)?;
    d.set_item("value", r.value)?;
    d.set_item("start_value", r.start_value)?;
    d.set_item("achieved", r.achieved)?;
    d.set_item("measure", r.measure)?;
    d.set_item("start_measure", r.start_measure)?;
    d.set_item("bounds", r.bounds)?;
    d.set_item("projections", r.projections)?;
    d.set_item("message", &r.message)?;
    d.set_item("scenario", PyScenario { inner: r.scenario })?;
    d.set_item("projection", PyProjection { inner: p })?;
    Ok(d)
}

/// One-at-a-time sensitivity of `metric`; `ranges` is a list of (driver, low, high), the
/// defaults when None. Returns a dict with metric, base, projections and bars (dicts; a bar's
/// low/high are the valid part of requested_low/requested_high, and `note` says why).
#[pyfunction]
#[pyo3(name = "tornado", signature = (scenario, metric, ranges=None))]
fn py_tornado<'py>(
    py: Python<'py>,
    scenario: &PyScenario,
    metric: String,
    ranges: Option<Vec<(String, f64, f64)>>,
) -> PyResult<Bound<'py, PyDict>> {
    let s = &scenario.inner;
    let t = py
        .detach(|| {
            let ranges = ranges.unwrap_or_else(|| default_ranges(s));
            tornado(s, &metric, &ranges)
        })
        .map_err(|e| to_py_err(py, e))?;
    let bars = PyList::empty(py);
    for b in &t.bars {
        let d = PyDict::new(py);
        d.set_item("driver", &b.driver)?;
        d.set_item("label", &b.label)?;
        d.set_item("unit", b.unit)?;
        d.set_item("base_value", b.base_value)?;
        d.set_item("low", b.low)?;
        d.set_item("high", b.high)?;
        d.set_item("at_low", b.at_low)?;
        d.set_item("at_high", b.at_high)?;
        d.set_item("swing", b.swing())?;
        d.set_item("requested_low", b.requested.0)?;
        d.set_item("requested_high", b.requested.1)?;
        d.set_item("note", &b.note)?;
        bars.append(d)?;
    }
    let d = PyDict::new(py);
    d.set_item("metric", &t.metric)?;
    d.set_item("base", t.base)?;
    d.set_item("projections", t.projections)?;
    d.set_item("bars", bars)?;
    Ok(d)
}

/// The default tornado ranges: a list of (driver, low, high).
#[pyfunction]
#[pyo3(name = "default_ranges")]
fn py_default_ranges(scenario: &PyScenario) -> Vec<(String, f64, f64)> {
    default_ranges(&scenario.inner)
}

/// Every driver of the scenario as (name, label, unit, allowed low, allowed high).
#[pyfunction]
#[pyo3(name = "drivers")]
fn py_drivers(scenario: &PyScenario) -> Vec<(String, String, &'static str, f64, f64)> {
    let s = &scenario.inner;
    Driver::all(s)
        .into_iter()
        .map(|d| {
            let (lo, hi) = d.allowed();
            (d.name(), d.label(s), d.unit(), lo, hi)
        })
        .collect()
}

/// A copy of the scenario with one driver set (from `from_year` on for rates and shares; a
/// `from_year` for another driver is an error), validated.
#[pyfunction]
#[pyo3(name = "set_driver", signature = (scenario, driver, value, from_year=None))]
fn py_set_driver(
    py: Python<'_>,
    scenario: &PyScenario,
    driver: &str,
    value: f64,
    from_year: Option<String>,
) -> PyResult<PyScenario> {
    let s = &scenario.inner;
    let d = Driver::parse(driver, s).map_err(|e| to_py_err(py, e))?;
    let from = match from_year {
        None => 0,
        Some(y) if !d.takes_from_year() => {
            return Err(to_py_err(
                py,
                crate::error::ScenarioError::Invalid(vec![
                    crate::error::Issue::new(
                        "from_year",
                        format!(
                            "{} applies to every year; from_year is only for block_transfer, hnb_growth, ehcp_growth and unit_cost_inflation, so leave it out",
                            d.name()
                        ),
                    )
                    .with_value(format!("{y:?}")),
                ]),
            ));
        }
        Some(y) => s
            .year_labels()
            .iter()
            .position(|l| *l == y)
            .ok_or_else(|| {
                let years = s.year_labels();
                to_py_err(
                    py,
                    crate::error::ScenarioError::Invalid(vec![
                        crate::error::Issue::new(
                            "from_year",
                            format!(
                                "outside the projection; expected a year from {} to {}",
                                years[0],
                                years[years.len() - 1]
                            ),
                        )
                        .with_value(format!("{y:?}")),
                    ]),
                )
            })?,
    };
    d.write(s, value, from)
        .map(|inner| PyScenario { inner })
        .map_err(|e| to_py_err(py, e))
}

/// Add this file's functions to the `_core` module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(py_goal_seek, m)?)?;
    m.add_function(wrap_pyfunction!(py_tornado, m)?)?;
    m.add_function(wrap_pyfunction!(py_default_ranges, m)?)?;
    m.add_function(wrap_pyfunction!(py_drivers, m)?)?;
    m.add_function(wrap_pyfunction!(py_set_driver, m)?)?;
    Ok(())
}
