# Two commands matter: `make run` (the local system) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test browser bench package clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m infra.local

test: $(STAMP) browser
	$(PY) -m pytest

browser:
	./infra/ensure_chromium.sh

clean:
	rm -rf $(VENV) .pytest_cache build artifacts
