# Open Host Factory: `make run` and `make test` work on a fresh clone (they install what is missing).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# On machines that cannot download MongoDB, use the mongod shipped beside the repository.
SHARED_MONGOD := $(wildcard $(CURDIR)/../shared/tools/mongod)
ifneq ($(SHARED_MONGOD),)
  export MONGOMS_SYSTEM_BINARY ?= $(realpath $(SHARED_MONGOD))
  export MONGOMS_SYSTEM_BINARY_VERSION_CHECK ?= false
endif

node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: help install build run test lint typecheck arch unit bench clean
help:
	@echo "make run    start the service on http://127.0.0.1:8080 (embedded MongoDB in .data/)"
	@echo "make test   lint, type-check, architecture rules and the whole test suite"
	@echo "make bench  benchmarks (figures printed as a table)"

install: node_modules/.installed

build: install
	npx tsc -p tsconfig.build.json

# A 32 MB young generation: fewer, shorter GC pauses while Host Factory polls.
NODE_FLAGS ?= --max-semi-space-size=32

run: build
	node $(NODE_FLAGS) dist/infrastructure/bootstrap/main.js

lint: install
	npx eslint .
	npx prettier --check .

typecheck: install
	npx tsc -p tsconfig.json --noEmit

arch: install
	npx depcruise --config .dependency-cruiser.cjs domain application api integration infrastructure

unit: install
	@mkdir -p .data
	npx jest --ci --json --outputFile=.data/jest-results.json; status=$$?; \
	  node -e 'const r=require("./.data/jest-results.json"); console.log(`jest: $${r.numPassedTests} passed, $${r.numFailedTests} failed, $${r.numPendingTests} skipped`)'; \
	  exit $$status

test: lint typecheck arch unit

bench: build
	node -r @swc-node/register test/bench/run.ts $(ONLY)

clean:
	rm -rf dist .data coverage
