# cwlogs-emulator: one command to run it, one to test everything.
# `make test` works on a fresh clone: it builds the workspace and creates the Python venv
# (boto3, the AWS CLI, pytest) that the client tests need.

SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.installed
PY_REQUIREMENTS := client-tests/python/requirements.txt
BIN := target/debug/cwlogs-emulator
RELEASE_BIN := target/release/cwlogs-emulator

.PHONY: run test test-rust test-python test-js build build-release fmt fmt-check lint check venv clean \
	bench bench-smoke bench-compare fuzz

JS_DIR := client-tests/js
JS_STAMP := $(JS_DIR)/node_modules/.installed

## run: start an empty emulator on 127.0.0.1:4566, as the binary and the image start;
## `make run FIXTURES=fixtures` preloads the examples (the article's 26,351-event stream and
## more); ARGS adds flags (see --help)
FIXTURES ?=
run:
	$(CARGO) run --release -p cwlogs-emulator --bin cwlogs-emulator -- \
		$(if $(FIXTURES),--fixtures $(FIXTURES)) $(ARGS)

## test: every test: Rust (unit, protocol, SDK client tests), boto3 / AWS CLI, JS SDK v3
test: test-rust test-python test-js

test-rust:
	$(CARGO) test --workspace

## build: the debug binary, built by the workspace's test build (the emulator's integration
## tests need it) so it shares that build's dependencies instead of compiling a second set with
## other features; test-rust and bench-smoke then reuse everything
build:
	$(CARGO) test --workspace --no-run --quiet

## fuzz: FUZZ_CASES (default 100000) malformed requests through the router; none may answer a
## 5xx other than 501 (the 512-case proptest of the same kind runs in `make test`)
FUZZ_CASES ?= 100000
fuzz:
	CWLOGS_FUZZ_CASES=$(FUZZ_CASES) $(CARGO) test -p cwlogs-emulator --lib fuzz_router -- \
		--ignored --nocapture

$(VENV_STAMP): $(PY_REQUIREMENTS)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -r $(PY_REQUIREMENTS)
	touch $(VENV_STAMP)

venv: $(VENV_STAMP)

test-python: build $(VENV_STAMP) $(JS_STAMP)
	CWLOGS_BIN=$(abspath $(BIN)) PATH=$(abspath $(VENV))/bin:$$PATH \
		$(VENV)/bin/python -m pytest -q client-tests/python

$(JS_STAMP): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(JS_STAMP)

test-js: build $(JS_STAMP)
	cd $(JS_DIR) && CWLOGS_BIN=$(abspath $(BIN)) node --test

## bench: the load generator (see client-tests/benches/loadgen/main.rs); BENCH_ARGS=--quick for a
## smoke run. The release binary is built first: the bench times its cold start (--binary).
bench: build-release
	$(CARGO) bench -p client-tests --bench loadgen -- --binary $(abspath $(RELEASE_BIN)) $(BENCH_ARGS)

## bench-smoke: the bench's --quick mode in a debug build, as CI runs it: it proves the bench
## still works (its cold start spawns the debug binary), it judges no timings
bench-smoke: build
	$(CARGO) test --workspace --bench loadgen -- --quick --binary $(abspath $(BIN))

## bench-compare: the same workload against moto_server too, with ratios
bench-compare: build-release $(VENV_STAMP)
	$(VENV)/bin/pip install --quiet 'moto[server]==5.2.5'
	$(CARGO) bench -p client-tests --bench loadgen -- --binary $(abspath $(RELEASE_BIN)) \
		--compare-moto $(abspath $(VENV))/bin/moto_server $(BENCH_ARGS)

build-release:
	$(CARGO) build --release -p cwlogs-emulator --bin cwlogs-emulator

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## check: what CI runs (the bench smoke runs before the tests so the last lines are test results)
check: fmt-check lint bench-smoke test

clean:
	$(CARGO) clean
	rm -rf $(VENV)
