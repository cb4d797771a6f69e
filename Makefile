# Two commands for a fresh machine:
#   make demo   set up, build, project the BCP example, print the table, write a chart
#   make test   set up, build, run every test (Rust, Python, notebooks) and the linters
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.deps-installed
EXAMPLE := examples/bcp_safety_valve_2024.toml

.PHONY: demo test venv build rust-test python-test lint bench clean data

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "maturin>=1.9.4,<2" "numpy>=1.26" "pandas>=2.1" "matplotlib>=3.8" \
		"pytest>=8" "hypothesis>=6.100" "ruff>=0.6" "nbclient>=0.10" "nbformat>=5.10" \
		"ipykernel>=6.29" "openpyxl>=3.1" "ipywidgets>=8" "tqdm>=4.66" "mypy>=1.11" "SALib>=1.5" \
		"dask[distributed]>=2024.1" "odfpy>=1.4"
	touch $(STAMP)

venv: $(STAMP)

build: venv
	VIRTUAL_ENV=$(abspath $(VENV)) PATH=$(abspath $(VENV))/bin:$$PATH \
		$(VENV)/bin/maturin develop --release --quiet

# The chart is the demo's own output in the ignored out/ folder, so each run redraws it
# (`--force`); the command still refuses a folder or anything else that is not a file.
demo: build
	mkdir -p out
	$(VENV)/bin/dsg-forecast project $(EXAMPLE)
	$(VENV)/bin/dsg-forecast project $(EXAMPLE) --chart out/bcp_deficit.png --force
	@echo "Chart written to out/bcp_deficit.png"

lint: venv
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --features python -- -D warnings
	$(VENV)/bin/ruff check python tests benches examples data
	$(VENV)/bin/ruff format --check python tests benches examples data

rust-test:
	cargo test --quiet

python-test: build
	$(PY) -m mypy.stubtest dsg_forecast._core --allowlist stubtest-allowlist.txt
	$(PY) -m pytest -q

test: lint rust-test python-test

# Benchmarks (not part of `make test`): the figures quoted in README.md and docs/. numba (the
# `bench` extra in pyproject.toml) is installed here only, for benches/compare.py's numba
# baseline; numba 0.68 works with numpy up to 2.5, so it goes into the same .venv.
bench: build
	$(PIP) install --quiet "numba>=0.61"
	cargo bench --bench project
	cargo bench --bench simulate
	$(PY) benches/python_project.py
	$(PY) benches/toolkit_speed.py
	$(PY) benches/compare.py
	$(PY) benches/compare.py --model cohort
	$(PY) benches/backtest_all.py

# Rebuild the package's public-data tables from data/raw/ (see data/build.py).
data: venv
	$(PY) data/build.py

clean:
	rm -rf target $(VENV) out
