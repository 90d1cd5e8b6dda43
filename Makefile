# The two commands: `make run` serves the web chat, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test setup index eval bench clean model corpus-check

RUN_STARTED := $(shell date +%s)

$(STAMP): pyproject.toml
	@echo "tk-advisor: installing the Python packages into $(VENV) (the first time: about a minute with a warm pip cache, a few without)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

index: setup
	$(BIN)/tk-advisor index

run: index
	TK_RUN_STARTED=$(RUN_STARTED) $(BIN)/tk-advisor serve

test: setup
	$(BIN)/tk-advisor kb validate
	$(BIN)/tk-advisor corpus check
	$(BIN)/python -m pytest -q
	$(BIN)/tk-advisor eval --out evals/results/latest

corpus-check: setup
	$(BIN)/tk-advisor corpus check

# Fit the reader's models on corpus/ (train split), calibrate on dev, report on test: writes
# assistant/engine/reading/model/*.npz and metrics.json. Deterministic; commit what it writes.
model: setup
	$(BIN)/python -m pip install --quiet -e '.[train]'
	$(BIN)/python -m assistant.engine.reading.train

bench: index
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/ask_latency.py
	$(BIN)/python benchmarks/api_load.py

clean:
	rm -rf $(VENV) .data evals/results tests/artifacts
