//! Python binding of the Monte Carlo engine and batch evaluation. The GIL is released while
//! Rust computes; a simulation runs in blocks and checks for Ctrl-C (and reports progress)
//! between them. Arrays move from Rust into numpy without copying.

use super::{PyScenario, to_py_err};
use crate::simulate::{
    MAX_PATHS, Options, PIECE, Simulator, batch_driver_names, evaluate_batch, rng_floor,
};
use numpy::ndarray::{Array1, Array2, Array3};
use numpy::{IntoPyArray, PyReadonlyArray2};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The thread pool to run on: `None` for rayon's global pool, else a pool of `threads`
/// threads, built once per call and reused for every block.
fn pool(threads: Option<usize>) -> PyResult<Option<rayon::ThreadPool>> {
    threads
        .map(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .map_err(|e| PyValueError::new_err(format!("threads = {n}: {e}")))
        })
        .transpose()
}

/// Run `f` on `pool`, or on rayon's global pool when None.
fn on_pool<T: Send>(pool: &Option<rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        None => f(),
        Some(p) => p.install(f),
    }
}

fn mat(py: Python<'_>, data: Vec<f64>, rows: usize, cols: usize) -> PyResult<Py<PyAny>> {
    let a = Array2::from_shape_vec((rows, cols), data)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(a.into_pyarray(py).into_any().unbind())
}

/// Simulate a scenario; returns a dict of plain values and numpy arrays (see simulation.py).
#[pyfunction]
#[pyo3(signature = (scenario, n_paths, seed, quantiles, thresholds, keep_paths, threads=None, block=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn simulate<'py>(
    py: Python<'py>,
    scenario: &PyScenario,
    n_paths: usize,
    seed: u64,
    quantiles: Vec<f64>,
    thresholds: Vec<f64>,
    keep_paths: bool,
    threads: Option<usize>,
    block: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let opts = Options {
        n_paths,
        seed,
        quantiles,
        thresholds,
        keep_paths,
    };
    let s = &scenario.inner;
    let pool = pool(threads)?;
    let mut sim = py
        .detach(|| on_pool(&pool, || Simulator::new(s, opts)))
        .map_err(|e| to_py_err(py, e))?;
    // The first block 2% of the paths (16,384 to 131,072); then blocks sized from the speed so
    // far to take about a quarter of a second: Ctrl-C and progress within a fraction of a
    // second, and few pauses (each costs the threads a wake-up) in a long run.
    let fixed = block.map(|b| b.max(1));
    let mut block = fixed.unwrap_or((n_paths / 50).clamp(16_384, 131_072));
    loop {
        let t = std::time::Instant::now();
        let ran = py.detach(|| on_pool(&pool, || sim.run_block(block)));
        let secs = t.elapsed().as_secs_f64();
        if fixed.is_none() && ran > 0 && secs > 0.0 {
            let paths = (ran as f64 * 0.25 / secs).clamp(16_384.0, MAX_PATHS as f64) as usize;
            block = paths.next_multiple_of(PIECE);
        }
        py.check_signals()?;
        if let Some(cb) = &progress {
            cb.call1((sim.done(), sim.n_paths()))?;
        }
        if ran == 0 {
            break;
        }
    }
    let r = py.detach(|| sim.finish());
    let h = r.years.len();
    let nl = r.lines.len();
    let nq = r.quantiles.len();
    let nt = r.thresholds.len();
    let d = PyDict::new(py);
    d.set_item("years", &r.years)?;
    d.set_item("lines", &r.lines)?;
    d.set_item("n_paths", r.n_paths)?;
    d.set_item("seed", r.seed)?;
    d.set_item("quantiles", &r.quantiles)?;
    let qv = Array3::from_shape_vec((nl, nq, h), r.quantile_values)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    d.set_item("quantile_values", qv.into_pyarray(py))?;
    d.set_item("mean", mat(py, r.mean, nl, h)?)?;
    d.set_item("min", mat(py, r.min, nl, h)?)?;
    d.set_item("max", mat(py, r.max, nl, h)?)?;
    d.set_item(
        "prob_balanced",
        Array1::from(r.prob_balanced).into_pyarray(py),
    )?;
    d.set_item(
        "prob_balanced_by",
        Array1::from(r.prob_balanced_by).into_pyarray(py),
    )?;
    d.set_item("thresholds", &r.thresholds)?;
    d.set_item("prob_exceeds", mat(py, r.prob_exceeds, nt, h)?)?;
    d.set_item("prob_exceeds_by", mat(py, r.prob_exceeds_by, nt, h)?)?;
    let counts = Array3::from_shape_vec((nl, h, r.hist_counts.len() / (nl * h)), r.hist_counts)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    d.set_item("hist_counts", counts.into_pyarray(py))?;
    d.set_item("hist_lo", mat(py, r.hist_lo, nl, h)?)?;
    d.set_item("hist_hi", mat(py, r.hist_hi, nl, h)?)?;
    let under = Array2::from_shape_vec((nl, h), r.hist_under)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let over = Array2::from_shape_vec((nl, h), r.hist_over)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    d.set_item("hist_under", under.into_pyarray(py))?;
    d.set_item("hist_over", over.into_pyarray(py))?;
    d.set_item("capped_paths", r.capped_paths)?;
    d.set_item("mitigations", &r.mitigations)?;
    d.set_item("capped_by_mitigation", &r.capped_by_mitigation)?;
    match r.paths {
        None => d.set_item("paths", py.None())?,
        Some(p) => {
            let kept = PyDict::new(py);
            for (name, data) in r.lines.iter().zip(p) {
                let n = data.len() / h.max(1);
                kept.set_item(name, mat(py, data, n, h)?)?;
            }
            d.set_item("paths", kept)?;
        }
    }
    Ok(d)
}

/// Evaluate `metric` for each row of `values` (rows × drivers); returns a 1-D array.
#[pyfunction]
#[pyo3(name = "evaluate_batch", signature = (scenario, names, values, metric, threads=None))]
fn py_evaluate_batch<'py>(
    py: Python<'py>,
    scenario: &PyScenario,
    names: Vec<String>,
    values: PyReadonlyArray2<'py, f64>,
    metric: &str,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let (rows, cols) = values.as_array().dim();
    if cols != names.len() {
        return Err(to_py_err(
            py,
            crate::ScenarioError::Invalid(vec![
                crate::Issue::new(
                    "values",
                    format!("expected {} columns, one per driver name", names.len()),
                )
                .with_value(format!("{rows} × {cols}")),
            ]),
        ));
    }
    let flat: Vec<f64> = match values.as_slice() {
        Ok(s) => s.to_vec(),
        Err(_) => values.as_array().iter().copied().collect(),
    };
    let s = &scenario.inner;
    let pool = pool(threads)?;
    let out = py.detach(|| on_pool(&pool, || evaluate_batch(s, &names, &flat, metric)));
    out.map(|v| Array1::from(v).into_pyarray(py).into_any())
        .map_err(|e| to_py_err(py, e))
}

/// Driver names `evaluate_batch` accepts for this scenario.
#[pyfunction]
#[pyo3(name = "batch_driver_names")]
fn py_batch_driver_names(scenario: &PyScenario) -> Vec<String> {
    batch_driver_names(&scenario.inner)
}

/// Time floor: draw the random numbers of `n_paths` paths and nothing else.
#[pyfunction]
#[pyo3(name = "rng_floor", signature = (scenario, n_paths, seed, threads=None))]
fn py_rng_floor(
    py: Python<'_>,
    scenario: &PyScenario,
    n_paths: usize,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<f64> {
    let s = &scenario.inner;
    let pool = pool(threads)?;
    Ok(py.detach(|| on_pool(&pool, || rng_floor(s, n_paths, seed))))
}

/// Add the simulation functions to `_core`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MAX_PATHS", MAX_PATHS)?;
    m.add_function(wrap_pyfunction!(simulate, m)?)?;
    m.add_function(wrap_pyfunction!(py_evaluate_batch, m)?)?;
    m.add_function(wrap_pyfunction!(py_batch_driver_names, m)?)?;
    m.add_function(wrap_pyfunction!(py_rng_floor, m)?)?;
    Ok(())
}
