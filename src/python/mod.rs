//! The only PyO3 code: the `dsg_forecast._core` extension module. It converts between Python
//! and the pure-Rust core and maps [`ScenarioError`] to `dsg_forecast.ScenarioError`
//! (a `ValueError`). No arithmetic lives here.

mod goal_seek;
mod simulate;

use crate::engine::projection::{Projection, project};
use crate::error::ScenarioError as CoreError;
use crate::scenario::Scenario;
use numpy::IntoPyArray;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

pyo3::create_exception!(
    dsg_forecast,
    ScenarioError,
    PyValueError,
    "A scenario (or a request about one) is invalid. `.issues` lists every problem as dicts with \
     keys path, year, value and message."
);

/// Convert a core error into `ScenarioError`, with `.issues` attached.
pub(crate) fn to_py_err(py: Python<'_>, e: CoreError) -> PyErr {
    let err = ScenarioError::new_err(e.to_string());
    let issues = PyList::empty(py);
    for i in e.issues() {
        let d = PyDict::new(py);
        let _ = d.set_item("path", &i.path);
        let _ = d.set_item("year", &i.year);
        let _ = d.set_item("value", &i.value);
        let _ = d.set_item("message", &i.message);
        let _ = issues.append(d);
    }
    let _ = err.value(py).setattr("issues", issues);
    err
}

/// A validated, immutable scenario.
#[pyclass(frozen, module = "dsg_forecast._core", name = "Scenario")]
pub struct PyScenario {
    pub(crate) inner: Scenario,
}

#[pymethods]
impl PyScenario {
    /// Parse and validate TOML text.
    #[staticmethod]
    fn from_toml_str(py: Python<'_>, text: &str) -> PyResult<Self> {
        Scenario::from_toml_str(text)
            .and_then(crate::engine::runnable)
            .map(|inner| PyScenario { inner })
            .map_err(|e| to_py_err(py, e))
    }

    /// Parse and validate JSON text.
    #[staticmethod]
    fn from_json_str(py: Python<'_>, text: &str) -> PyResult<Self> {
        Scenario::from_json_str(text)
            .and_then(crate::engine::runnable)
            .map(|inner| PyScenario { inner })
            .map_err(|e| to_py_err(py, e))
    }

    /// TOML text that reads back to the same scenario.
    fn to_toml_str(&self) -> String {
        self.inner.to_toml_string()
    }

    /// JSON text that reads back to the same scenario.
    fn to_json_str(&self) -> String {
        self.inner.to_json_string()
    }

    #[getter]
    fn name(&self) -> String {
        self.inner.meta.name.clone()
    }

    #[getter]
    fn years(&self) -> Vec<String> {
        self.inner.year_labels()
    }

    /// Category ids and display labels, in file order.
    #[getter]
    fn categories(&self) -> Vec<(String, String)> {
        self.inner
            .categories()
            .into_iter()
            .map(|c| {
                let l = self.inner.category_label(&c);
                (c, l)
            })
            .collect()
    }

    /// Mitigation names, in file order.
    #[getter]
    fn mitigation_names(&self) -> Vec<String> {
        self.inner
            .mitigations
            .iter()
            .map(|m| m.name.clone())
            .collect()
    }

    fn without_mitigations(&self) -> Self {
        PyScenario {
            inner: self.inner.without_mitigations(),
        }
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

/// A projection computed in Rust; the Python `Projection` wraps it.
#[pyclass(frozen, module = "dsg_forecast._core", name = "Projection")]
pub struct PyProjection {
    pub(crate) inner: Projection,
}

#[pymethods]
impl PyProjection {
    #[getter]
    fn scenario(&self) -> String {
        self.inner.scenario.clone()
    }

    #[getter]
    fn years(&self) -> Vec<String> {
        self.inner.years.clone()
    }

    /// Every line as (name, label, unit, numpy float64 array), in display order.
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for l in &self.inner.lines {
            let arr = l.values.clone().into_pyarray(py);
            out.append((l.name.as_ref(), l.label.as_ref(), l.unit, arr))?;
        }
        Ok(out)
    }

    /// Headline metrics as a dict (money in £, years as labels, None where not applicable).
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let m = &self.inner.metrics;
        let d = PyDict::new(py);
        d.set_item("first_balanced_year", &m.first_balanced_year)?;
        d.set_item("peak_deficit", m.peak_deficit)?;
        d.set_item("peak_deficit_year", &m.peak_deficit_year)?;
        d.set_item("closing_deficit", m.closing_deficit)?;
        d.set_item("total_financing_cost", m.total_financing_cost)?;
        d.set_item("deficit_at_override_end", m.deficit_at_override_end)?;
        d.set_item("reserves_exceeded_year", &m.reserves_exceeded_year)?;
        Ok(d)
    }

    /// Warnings about the plan that are not errors (plain English).
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.inner.notes.clone()
    }

    /// Every actual in the scenario as (line, year label, value), history included.
    fn actuals(&self) -> Vec<(String, String, f64)> {
        self.inner.actuals.clone()
    }

    /// The projection with every mitigation removed, or None when there are none.
    #[getter]
    fn unmitigated(&self) -> Option<PyProjection> {
        self.inner.unmitigated.as_ref().map(|u| PyProjection {
            inner: (**u).clone(),
        })
    }
}

/// Roll a scenario forward to base year `to` (see `analysis::roll_forward`): the new scenario
/// and the notes on what was rolled from where.
#[pyfunction]
#[pyo3(signature = (scenario, to, horizon_end=None))]
fn roll_forward(
    py: Python<'_>,
    scenario: &PyScenario,
    to: &str,
    horizon_end: Option<&str>,
) -> PyResult<(PyScenario, Vec<String>)> {
    let s = &scenario.inner;
    py.detach(|| crate::analysis::roll_forward::roll_forward(s, to, horizon_end))
        .map(|r| (PyScenario { inner: r.scenario }, r.notes))
        .map_err(|e| to_py_err(py, e))
}

/// The savings (negative = headroom) that make the closing deficit follow `targets`
/// ((year, £) pairs): the scenario with them as one `save` mitigation called `name`, and the
/// savings by year (see `analysis::required_savings`).
#[pyfunction]
fn required_savings(
    py: Python<'_>,
    scenario: &PyScenario,
    targets: Vec<(String, f64)>,
    name: &str,
    gross: bool,
) -> PyResult<(PyScenario, Vec<f64>)> {
    let s = &scenario.inner;
    py.detach(|| crate::analysis::required_savings::required_savings(s, &targets, name, gross))
        .map(|r| (PyScenario { inner: r.scenario }, r.savings))
        .map_err(|e| to_py_err(py, e))
}

/// Project a scenario (the GIL is released while Rust computes).
#[pyfunction]
#[pyo3(name = "project")]
fn py_project(py: Python<'_>, scenario: &PyScenario) -> PyProjection {
    let s = &scenario.inner;
    let inner = py.detach(|| project(s));
    PyProjection { inner }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add_class::<PyScenario>()?;
    m.add_class::<PyProjection>()?;
    m.add_function(wrap_pyfunction!(py_project, m)?)?;
    m.add_function(wrap_pyfunction!(roll_forward, m)?)?;
    m.add_function(wrap_pyfunction!(required_savings, m)?)?;
    goal_seek::register(m)?;
    simulate::register(m)?;
    Ok(())
}
