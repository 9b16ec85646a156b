# Every target creates the virtual environment it needs when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv test
.DEFAULT_GOAL := test

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -e .
	touch $@

venv: $(STAMP)

# The Lambda runtime's Python (3.12, smguard/deploy/runtime.py): the suite runs on it too, and the
# build compiles the artifacts' bytecode with it. Found under pyenv or in /usr; RUNTIME_PYTHON=... names another.
RUNTIME_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12.*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12))
RUNTIME_VENV := .venv-runtime
RUNTIME_STAMP := $(RUNTIME_VENV)/.installed
export SMGUARD_RUNTIME_PYTHON ?= $(RUNTIME_PYTHON)

$(RUNTIME_STAMP): requirements.txt requirements-dev.txt pyproject.toml setup.py
	test -x $(RUNTIME_VENV)/bin/python || $(RUNTIME_PYTHON) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RUNTIME_VENV)/bin/python -m pip install --quiet -r requirements-dev.txt -e .
	touch $@

.PHONY: test-runtime

## typecheck: mypy over smguard/ and rules/ ([tool.mypy] in pyproject.toml); the suite runs only once it passes
.PHONY: typecheck
typecheck: $(STAMP)
	$(BIN)/python -m mypy

# The suite spreads over every core (pytest-xdist); a test file stays on one worker, so a module's
# shared fixture (a cfn-lint or checkov run, the fault scenarios) runs once. PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= auto
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist loadfile

## test: set up and run the whole test suite, on this machine's Python and on the Lambda runtime's
test: $(STAMP) tools typecheck
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)
	$(MAKE) test-runtime

## test-runtime: the whole test suite again on the Lambda runtime's Python (3.12)
test-runtime: $(STAMP) tools
ifeq ($(RUNTIME_PYTHON),)
	@echo "NOTICE: no Python 3.12 found (name one with RUNTIME_PYTHON=...): the suite ran on $$($(BIN)/python --version) only, not on the Lambda runtime's version."
else
	$(MAKE) $(RUNTIME_STAMP)
	$(RUNTIME_VENV)/bin/python -m pytest $(PYTEST_PARALLEL)
endif

# --- generated files ----------------------------------------------------------------------------
# Every file generated from the rule folders and the code; a test fails when one of them is stale.
# Adding a rule is adding its folder under rules/ and running `make generate`.
.PHONY: generate regenerate regenerate-from-rules
GENERATOR_PYTHON ?= $(BIN)/python

## generate: regenerate template.yaml, docs/rules.md, docs/demo-output.txt (and README.md's excerpt of it), docs/faults.md and docs/schemas/
generate: $(STAMP)
	$(MAKE) --no-print-directory regenerate

# regenerate: the generation alone, with GENERATOR_PYTHON and no set-up.
regenerate: regenerate-from-rules
	$(GENERATOR_PYTHON) -m tests.faults.table
	$(GENERATOR_PYTHON) -m smguard.results docs/schemas

# regenerate-from-rules: what a rule folder changes (tests/test_adding_a_rule.py runs it in a copy of
# the repository). In this order: the demo deploys what the template holds. The demo's sample is
# what `make demo > file` prints (stdout no terminal, COLUMNS unset) without rich's trailing blanks;
# its bundle goes where `make demo` writes it; README.md's excerpt is cut from it.
regenerate-from-rules:
	$(GENERATOR_PYTHON) -m smguard.deploy.template > template.yaml.tmp
	mv template.yaml.tmp template.yaml
	$(GENERATOR_PYTHON) -m smguard.docgen > docs/rules.md.tmp
	mv docs/rules.md.tmp docs/rules.md
	env -u COLUMNS $(GENERATOR_PYTHON) -m smguard.cli demo --out $(DEMO_BUNDLE) --replace > docs/demo-output.txt.tmp
	sed 's/[[:space:]]*$$//' docs/demo-output.txt.tmp > docs/demo-output.txt
	rm docs/demo-output.txt.tmp
	$(GENERATOR_PYTHON) -m smguard.demo.excerpt docs/demo-output.txt README.md

# --- deployment (template.yaml, sam build) and the tools that check it -------------------------
TOOLS := .tools
CHECKOV_STAMP := $(TOOLS)/checkov/.installed
SAM_STAMP := $(TOOLS)/sam/.installed

.PHONY: build tools

# checkov and the SAM CLI pin libraries that clash with ours: each gets its own virtual environment.
$(CHECKOV_STAMP): tools/checkov-requirements.txt
	test -x $(TOOLS)/checkov/bin/python || $(PYTHON) -m venv $(TOOLS)/checkov
	$(TOOLS)/checkov/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/checkov/bin/python -m pip install --quiet -r tools/checkov-requirements.txt
	touch $@

$(SAM_STAMP): tools/sam-requirements.txt
	test -x $(TOOLS)/sam/bin/python || $(PYTHON) -m venv $(TOOLS)/sam
	$(TOOLS)/sam/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/sam/bin/python -m pip install --quiet -r tools/sam-requirements.txt
	touch $@

tools: $(CHECKOV_STAMP) $(SAM_STAMP)

## publish-products: upload products/*.yaml where the portfolio's products read them (PRODUCTS_BUCKET=..., PRODUCTS_PREFIX=...)
PRODUCTS_PREFIX ?= smguard-products/v1
.PHONY: publish-products
publish-products: $(STAMP)
	test -n "$(PRODUCTS_BUCKET)" || { echo "PRODUCTS_BUCKET=<the stack's ProductTemplatesBucket> is required"; exit 2; }
	$(BIN)/python -m smguard.deploy.publish --bucket $(PRODUCTS_BUCKET) --prefix $(PRODUCTS_PREFIX)

## build: sam build (no Docker, no Python 3.12 needed: see smguard/deploy/codeuri/Makefile)
build: $(SAM_STAMP)
	SAM_CLI_TELEMETRY=0 $(TOOLS)/sam/bin/sam build --template-file template.yaml --build-dir .aws-sam/build

# --- the demo and the evaluate benchmark --------------------------------------------------------
C7N_STAMP := $(TOOLS)/c7n/.installed
DEMO_BUNDLE := demo-evidence

.PHONY: demo bench-evaluate

## demo: set up and run the demo: an embedded AWS account, every rule, the dashboard, an evidence bundle
demo: $(STAMP)
	$(BIN)/smguard demo --out $(DEMO_BUNDLE) --replace  # replaces only an unchanged bundle of an earlier demo

# Cloud Custodian pins its own boto3: its own virtual environment, for the benchmark only.
$(C7N_STAMP): tools/c7n-requirements.txt
	test -x $(TOOLS)/c7n/bin/python || $(PYTHON) -m venv $(TOOLS)/c7n
	$(TOOLS)/c7n/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/c7n/bin/python -m pip install --quiet -r tools/c7n-requirements.txt
	touch $@

## bench-evaluate: smguard evaluate (Describe, --source config, --aggregator) vs Cloud Custodian, 100 to 10,000 resources over 5 accounts
bench-evaluate: $(STAMP) $(C7N_STAMP)
	$(BIN)/python benchmarks/evaluate_vs_custodian.py --custodian $(TOOLS)/c7n/bin/custodian --custodian-up-to 2000

# --- the scan benchmark -------------------------------------------------------------------------
.PHONY: bench bench-scan

## bench-scan: smguard scan vs checkov on a generated 500-resource template (median of 3, into docs/performance.md)
bench-scan: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/python benchmarks/scan_vs_checkov.py --checkov $(TOOLS)/checkov/bin/checkov --smguard $(BIN)/smguard

## bench: every benchmark (each adds itself as a prerequisite)
bench: bench-scan

# --- the rule benchmarks: cold start, periodic rules at scale, change-rule throughput ------------
.PHONY: bench-cold-start bench-periodic bench-change bench-period bench-recorded-facts bench-jobs

## bench-cold-start: each rule's handler, imported and handling one event in a fresh process, vs import boto3
bench-cold-start: $(STAMP)
	$(BIN)/python benchmarks/cold_start.py

## bench-periodic: the periodic rules over 100, 500 and 2,000 VPCs: calls per VPC against their formula
bench-periodic: $(STAMP)
	$(BIN)/python benchmarks/periodic_scale.py

## bench-jobs: sagemaker_jobs over 100 and 1,000 jobs: calls per run (first, nothing new, 12 new) against its formula
bench-jobs: $(STAMP)
	$(BIN)/python benchmarks/jobs_window.py

## bench-change: 10,000 change notifications through the change-triggered rules in one process
bench-change: $(STAMP)
	$(BIN)/python benchmarks/change_throughput.py

## bench-period: export --from/--to over a year of compliance history at 1,000 resources (Config API and history files)
bench-period: $(STAMP)
	$(BIN)/python benchmarks/period_export.py

## bench-recorded-facts: a periodic VPC rule's reads from AWS Config vs from EC2, in a fresh process
bench-recorded-facts: $(STAMP)
	$(BIN)/python benchmarks/recorded_facts_cold_start.py

bench: bench-cold-start bench-periodic bench-jobs bench-change bench-evaluate bench-period bench-recorded-facts

# --- the mutation score of the rules' checks ---------------------------------------------------
.PHONY: mutation

## mutation: mutate rules/*/check.py (mutmut, one worker, from scratch) and print the score per rule and in total
mutation: $(STAMP)
	rm -rf mutants
	start=$$(date +%s) && $(BIN)/mutmut run --max-children 1 && \
	$(BIN)/python tools/mutation_report.py --wall-seconds $$(( $$(date +%s) - start ))
