# Two commands matter: `make run` (the local system) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test check browser bench package lint clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m infra.local

test: $(STAMP) browser check
	$(PY) -m pytest

# ruff (lint and format) and mypy on the package, pinned in requirements-dev.txt; `make test` runs them first.
check: $(STAMP)
	$(VENV)/bin/ruff check chalicelib
	$(VENV)/bin/ruff format --check chalicelib
	$(VENV)/bin/mypy

browser:
	./infra/ensure_chromium.sh

# `make bench`: the figures of bench/README.md (cold start, request overhead, AWS calls, burst), as ratios
# to bare boto3/moto in the same run. BENCH_BURST=<n> scales the burst down (default 10000).
bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache build artifacts

# `make package STAGE=prod`: the merge template from infra/ (resources, IAM policies, alarms), then
# `chalice package` -> build/$(STAGE)/sam.json + deployment.zip. `chalice package` wants a region;
# the template itself names none (${AWS::Region}), so any region works here. Chalice packages a copy
# of the project whose dependencies are already installed for Lambda's python3.13 on arm64
# (infra/lambda_package.py), not for the Python that runs make.
STAGE ?= prod
BUILD := build/$(STAGE)
LAMBDA_PROJECT := build/lambda-$(STAGE)
CHECKOV_VENV ?= build/checkov-venv
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

package: $(STAMP)
	rm -rf $(BUILD)
	$(PY) -m infra.template $(STAGE) build/merge-$(STAGE).json
	$(PY) -m infra.lambda_package $(LAMBDA_PROJECT)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(VENV)/bin/chalice --project-dir $(LAMBDA_PROJECT) \
		package --stage $(STAGE) --merge-template $(CURDIR)/build/merge-$(STAGE).json $(CURDIR)/$(BUILD)

# checkov pins boto3/networkx versions that conflict with requirements-dev.txt: it gets its own venv.
$(CHECKOV_STAMP): infra/requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r infra/requirements-checkov.txt
	touch $@

# `make lint STAGE=prod`: package, then cfn-lint (no errors) and checkov (no failed checks; skips carry
# their reason in the template's Metadata). tests/infra/test_package.py runs this inside `make test`.
lint: package $(CHECKOV_STAMP)
	$(VENV)/bin/cfn-lint --format parseable -- $(BUILD)/sam.json
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --skip-download --framework cloudformation -f $(BUILD)/sam.json
