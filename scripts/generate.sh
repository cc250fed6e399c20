#!/usr/bin/env bash
# Regenerate everything derived from the API's OpenAPI schema (DESIGN §1):
#   packages/api-client/openapi.json            exported without a server
#   packages/api-client/src/generated/          TypeScript client (@hey-api/openapi-ts)
#   packages/api-client/python/baton_client/    Python client (openapi-python-client)
# Generated code is committed and never edited by hand; `scripts/check_generated.sh` fails on drift.
set -euo pipefail
cd "$(dirname "$0")/.."

uv run --frozen python scripts/export_openapi.py
npm run --silent generate --workspace @baton/api-client
(
  cd packages/api-client/python
  uv run --frozen openapi-python-client generate --path ../openapi.json --meta none \
    --output-path baton_client --overwrite --config openapi-python-client.yaml
)
