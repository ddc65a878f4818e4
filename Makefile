# Gatehouse: `make run` serves the app, `make test` runs every test. Both install what is
# missing first, and say what they install. Tools go to ~/.cargo/bin and ./node_modules.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/"/, "", $$3); print $$3; exit }' Cargo.lock)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# Installing tools needs no speed at run time, only at build time: skip LTO.
FAST_INSTALL := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: help tools browser build run test test-deps test-unit test-postgres test-e2e bench clean

help:
	@echo "make run    build and serve on http://127.0.0.1:3000 (SQLite in ./data)"
	@echo "make test   unit, integration (SQLite + PostgreSQL) and Playwright tests"
	@echo "make build  release binary (target/release/gatehouse) and site (target/site)"
	@echo "make bench  users-list latency and REST API load with 10,000 users on SQLite, audit export of 1,000,000 rows; page weights and load times"

## Tools ------------------------------------------------------------------------------

tools:
	@if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then \
	  echo ">> installing the wasm32-unknown-unknown Rust target"; \
	  rustup target add wasm32-unknown-unknown; fi
	@if [ "$$(cargo leptos --version 2>/dev/null | awk '{print $$2}')" != "$(CARGO_LEPTOS_VERSION)" ]; then \
	  echo ">> installing cargo-leptos $(CARGO_LEPTOS_VERSION) from crates.io (compiles for 10-20 minutes, once)"; \
	  $(FAST_INSTALL) cargo install cargo-leptos --version $(CARGO_LEPTOS_VERSION) --locked --features no_downloads; fi
	@if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo ">> installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (the version in Cargo.lock) from crates.io"; \
	  $(FAST_INSTALL) cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; fi
	@if ! [ -x node_modules/.bin/tailwindcss ] || ! [ -x node_modules/.bin/wasm-opt ] || ! [ -x node_modules/.bin/playwright ] \
	    || [ package-lock.json -nt node_modules/.package-lock.json ]; then \
	  echo ">> installing npm devDependencies (tailwindcss, binaryen's wasm-opt, @playwright/test)"; \
	  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund; fi
	@if ! python3 -c "import openapi_spec_validator" 2>/dev/null; then \
	  echo ">> installing openapi-spec-validator from PyPI (the REST API test checks the OpenAPI document with it)"; \
	  python3 -m pip install --quiet openapi-spec-validator; fi

browser:
	@if ! [ -x /usr/bin/chromium ]; then \
	  echo ">> installing Debian's chromium for the Playwright tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; fi

## Build and run ----------------------------------------------------------------------

build: tools
	cargo leptos build --release --precompress
	@if [ "$(TARGET_DIR)" != "$(CURDIR)/target" ]; then \
	  mkdir -p target/release && ln -sfn "$(TARGET_DIR)/release/gatehouse" target/release/gatehouse; fi
	@ls -l target/release/gatehouse target/site/pkg

run: build
	./target/release/gatehouse serve

## Tests ------------------------------------------------------------------------------

test: tools browser build test-deps test-unit test-postgres test-e2e
	@echo ">> all test suites passed"

# The browser bundle carries no database, hashing or async-runtime code (ARCHITECTURE.md).
test-deps:
	@if cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none \
	    | grep -E '^(sea-orm|sqlx|argon2|tokio) ' | sort -u | grep .; then \
	  echo "!! the frontend crate depends on the crates above"; exit 1; \
	else echo ">> frontend's dependency tree has no sea-orm, sqlx, argon2 or tokio"; fi

# Unit tests and the integration suite on SQLite, against the release build above.
test-unit:
	cargo test --release --workspace --exclude frontend

# The same integration suite on PostgreSQL, each test in a database of its own.
test-postgres:
	@if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then \
	  echo ">> integration tests on PostgreSQL ($(PG_URL))"; \
	  GATEHOUSE_TEST_BACKEND=postgres GATEHOUSE_TEST_POSTGRES_URL=$(PG_URL) \
	    cargo test --release -p server --test '*'; \
	else \
	  echo "!! SKIPPED: no PostgreSQL answers at 127.0.0.1:5432, so the PostgreSQL run of the integration tests did not happen"; \
	fi

test-e2e:
	cd end2end && npx playwright test

## Benchmarks --------------------------------------------------------------------------

# A load client against the real release server; figures are per machine, so it prints which.
# Then each page's weight as transferred and its time to interactive, in Chromium.
bench: build browser
	cargo bench -p server --bench users_list
	cargo bench -p server --bench api_load
	node end2end/weigh.mjs

clean:
	cargo clean
	rm -rf node_modules end2end/test-results end2end/.tmp
