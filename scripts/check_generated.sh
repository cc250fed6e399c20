#!/usr/bin/env bash
# Fail when the committed OpenAPI schema or generated clients differ from a fresh regeneration,
# then make sure the TypeScript client still builds and typechecks.
set -euo pipefail
cd "$(dirname "$0")/.."

GENERATED=(
  packages/api-client/openapi.json
  packages/api-client/src/generated
  packages/api-client/python/baton_client
)

scripts/generate.sh >/dev/null
untracked=$(git ls-files --others --exclude-standard -- "${GENERATED[@]}")
if ! git diff --exit-code --stat -- "${GENERATED[@]}" || [ -n "$untracked" ]; then
  [ -z "$untracked" ] || printf 'untracked generated files:\n%s\n' "$untracked"
  echo "generated code is out of date: run \`make generate\` and commit the result" >&2
  exit 1
fi
npm run --silent typecheck --workspace @baton/api-client
echo "generated clients are up to date"
