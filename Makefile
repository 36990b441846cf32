# Fresh clone: `make demo` and `make test` each create .venv and install everything first.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export HRSNN_CACHE_DIR ?= $(CURDIR)/.cache
export MPLCONFIGDIR    ?= $(CURDIR)/.cache/matplotlib
export NUMBA_CACHE_DIR ?= $(CURDIR)/.cache/numba

.PHONY: install lock demo test test-slow bench bench-search optimize optimize-quick frontier frontier-quick quenched quenched-quick stdp stdp-quick scml-search scml-search-quick operating-point classify predict reproduce reproduce-quick nir-consumer clean

# constraints.txt pins every package to the versions the shipped figures were made with (make lock renews it).
$(STAMP): setup.cfg pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Resolve the newest versions setup.cfg allows in a scratch environment and pin them in constraints.txt.
lock:
	rm -rf .venv-lock
	$(PY) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e '.[dev]'
	{ echo "# Exact versions the shipped figures were made with; make install uses them (-c). Regenerate: make lock"; \
	  .venv-lock/bin/pip freeze --exclude-editable; } > constraints.txt
	rm -rf .venv-lock

# The main job in small: the heterogeneous and the homogeneous MC-vs-rate fronts, compared level by level on fresh
# seeds (results/frontier-demo/report.md and memory.png).
demo: $(STAMP)
	$(BIN)/hrsnn frontier experiments/frontier-demo.toml

# Heterogeneous vs homogeneous on the whole spikes-vs-quality front: memory protocol (N = 1000, 6 searches per arm,
# a grid check) and the six development tasks (N = 500): results/frontier/report.md, 90–100 min on 2 cores
# (rerunning resumes the stored arms).
frontier: $(STAMP)
	$(BIN)/hrsnn frontier experiments/frontier.toml

frontier-quick: $(STAMP)
	$(BIN)/hrsnn frontier experiments/frontier-quick.toml

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m hrsnn.bench --sizes 500 1000 2000 --evals 10 --out results/bench.json

# ParEGO against Optuna (TPE, NSGA-II), pymoo (NSGA-II) and random search on ZDT1, DTLZ2 and the memory study at
# N = 300, same budget and seeds: results/search/report.md (about 15 minutes on 2 cores).
bench-search: $(STAMP)
	$(BIN)/python -m optimize.studies.bench_search --budget 60 --repeats 5 --memory-repeats 3 --out results/search

optimize: $(STAMP)
	$(BIN)/hrsnn optimize experiments/studies/hrsnn.toml --resume

optimize-quick: $(STAMP)
	$(BIN)/hrsnn optimize experiments/studies/quick.toml --resume

# Architecture search over SC-ML motif-layer reservoirs with intrinsic plasticity, and its pick against random wiring
# of the same synapse count: results/scml-search/report.md (rerunning resumes the stored trials).
scml-search: $(STAMP)
	$(BIN)/hrsnn architecture experiments/scml-search.toml

scml-search-quick: $(STAMP)
	$(BIN)/hrsnn architecture experiments/scml-search-quick.toml

# The default operating point by measurement: candidates ranked on E and the development tasks' validation hold-outs
# (results/operating-point/report.md).
operating-point: $(STAMP)
	$(BIN)/hrsnn operating-point experiments/operating-point.toml

# Heterogeneity as quenched disorder: task battery, size and recurrent-weight sweeps, rate and spiking, with verdicts
# (results/quenched/report.md).
quenched: $(STAMP)
	$(BIN)/hrsnn quenched --config experiments/bias-default.toml --out results/quenched

quenched-quick: $(STAMP)
	$(BIN)/hrsnn quenched --quick --config experiments/bias-default.toml --out results/quenched-quick

# Heterogeneous vs homogeneous STDP per rule (additive, multiplicative, triplet) and regime, on the memory protocol and
# the development tasks, with a CV sweep of each STDP parameter (results/stdp/report.md).
stdp: $(STAMP)
	$(BIN)/hrsnn stdp experiments/stdp.toml

stdp-quick: $(STAMP)
	$(BIN)/hrsnn stdp experiments/stdp-quick.toml

# Reproduction: models x datasets x seeds; hrsnn-bo uses the best of `make optimize` (reproduce-quick: of
# `make optimize-quick`).
classify: optimize
	$(BIN)/hrsnn reproduce experiments/reproduce.toml --part classify

predict: optimize
	$(BIN)/hrsnn reproduce experiments/reproduce.toml --part predict

reproduce: optimize
	$(BIN)/hrsnn reproduce experiments/reproduce.toml

reproduce-quick: optimize-quick
	$(BIN)/hrsnn reproduce experiments/reproduce-quick.toml

# An exported reservoir (NIR, cubalif form) run by Norse and snnTorch against hrsnn's kernel: results/nir-consumer/.
# Installs torch, norse and snntorch in their own environment, .venv-nir (a few GB; not needed by anything else).
NIRVENV := .venv-nir
$(NIRVENV)/.installed: setup.cfg pyproject.toml
	$(PY) -m venv $(NIRVENV)
	$(NIRVENV)/bin/pip install --quiet --upgrade pip
	$(NIRVENV)/bin/pip install --quiet -e . norse==1.1.0 snntorch==1.0.0
	touch $@

nir-consumer: $(NIRVENV)/.installed
	$(NIRVENV)/bin/python experiments/nir_consumer.py --out results/nir-consumer

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

clean:
	rm -rf $(VENV) $(NIRVENV) .venv-lock .cache results *.egg-info   # studies/ (trial stores) are kept
