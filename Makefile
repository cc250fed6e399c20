# Baton — the front door. Every target bootstraps what it needs, idempotently.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PATH := $(HOME)/.local/bin:$(PATH)

UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PYTEST_ARGS ?=

.PHONY: help bootstrap dev test test-py test-web test-e2e lint typecheck migrate openapi generate check-generated serve bench

help:
	@echo "make dev    install what is missing, migrate, start API :8000 and web :3000"
	@echo "make generate  regenerate openapi.json and the TypeScript and Python clients"
	@echo "make serve  production serving: migrate, then BATON_WORKERS API processes (PostgreSQL + Redis via BATON_*)"
	@echo "make bench  benchmark with real servers and wrk: table, results.json, charts in scripts/bench/results"
	@echo "make test   the whole suite (Python on SQLite, PostgreSQL/Redis when their URLs are set, web, browser)"

$(UV):
	python3 -m pip install --user --quiet "uv==0.13.9" || python3 -m pip install --quiet "uv==0.13.9"

.venv/.synced: $(UV) pyproject.toml uv.lock apps/api/pyproject.toml packages/api-client/python/pyproject.toml
	$(UV) sync --frozen
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

bootstrap: .venv/.synced node_modules/.installed

migrate: .venv/.synced
	cd apps/api && $(UV) run baton-api migrate

# The browser calls the API directly: let the dev web origin through CORS unless told otherwise.
dev: export BATON_CORS_ORIGINS ?= ["http://localhost:3000","http://127.0.0.1:3000"]
# The Next server signs users in on their behalf and forwards each browser's address: believe it.
dev: export BATON_TRUSTED_PROXIES ?= ["127.0.0.1","::1"]
dev: export NEXT_TELEMETRY_DISABLED ?= 1
dev: bootstrap
	npx turbo run dev

test: bootstrap lint typecheck check-generated test-py test-web test-e2e

test-py: .venv/.synced
	$(UV) run pytest $(PYTEST_ARGS)

# vitest: useAuthClient, the server-side refresh, the retry policy
test-web: node_modules/.installed
	npx turbo run test --filter=@baton/web

# Playwright + Debian's Chromium against `next build` + `next start` and a real API (free ports)
CHROMIUM ?= /usr/bin/chromium
test-e2e: export NEXT_TELEMETRY_DISABLED ?= 1
test-e2e: export BATON_E2E_CHROMIUM ?= $(CHROMIUM)
test-e2e: .venv/.synced node_modules/.installed
	@test -x "$(CHROMIUM)" || { echo "$(CHROMIUM) is missing: apt-get install -y chromium (.ci/run does)"; exit 1; }
	npx turbo run test:e2e --filter=@baton/web

lint: .venv/.synced
	$(UV) run ruff check . && $(UV) run ruff format --check .

typecheck: .venv/.synced node_modules/.installed
	$(UV) run mypy
	npx turbo run typecheck

openapi: .venv/.synced
	$(UV) run baton-api openapi

# openapi.json + TypeScript client + Python client, all from the API's schema (commit the result)
generate: bootstrap
	scripts/generate.sh

# fails when regenerating changes anything, then builds the TypeScript client
check-generated: bootstrap
	scripts/check_generated.sh

# Production serving: apply migrations, then `baton-api serve` (uvicorn worker processes; graceful
# shutdown on SIGTERM/Ctrl-C). Configure with BATON_* variables, see README "Production serving".
serve: .venv/.synced
	cd apps/api && $(UV) run baton-api migrate
	cd apps/api && exec $(UV) run baton-api serve

# Benchmark (not part of `make test`): real servers, wrk (installed with apt-get if missing),
# PostgreSQL at BATON_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
bench: .venv/.synced
	scripts/bench/ensure_wrk.sh
	$(UV) run python scripts/bench/run.py
