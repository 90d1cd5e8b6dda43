# The two commands: `make run` serves the web chat, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test setup index eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

index: setup
	$(BIN)/tk-advisor index

run: index
	$(BIN)/tk-advisor serve

test: setup
	$(BIN)/tk-advisor kb validate
	$(BIN)/python -m pytest -q
	$(BIN)/tk-advisor eval --out evals/results/latest

bench: index
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/ask_latency.py
	$(BIN)/python benchmarks/api_load.py

clean:
	rm -rf $(VENV) .data evals/results tests/artifacts
