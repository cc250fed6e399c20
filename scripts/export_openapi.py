"""Export the API's OpenAPI schema to ``packages/api-client/openapi.json`` without a server.

The output is deterministic (stable key order, fixed indentation, trailing newline), so a regenerate
followed by ``git diff --exit-code`` detects drift between the API and the committed clients.

    uv run python scripts/export_openapi.py            # write the file
    uv run python scripts/export_openapi.py --check    # exit 1 when the committed file is stale
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "packages" / "api-client" / "openapi.json"


def build_schema() -> dict[str, Any]:
    # Importing baton_api.main builds the module-level app from the environment: give it a throwaway
    # configuration so exporting never touches a real data folder or generates a development secret.
    with tempfile.TemporaryDirectory(prefix="baton-openapi-") as data_dir:
        os.environ.update(
            {
                "BATON_ENV": "test",
                "BATON_DATA_DIR": data_dir,
                "BATON_JWT_SECRET": "openapi-export-only-" + "0123456789abcdef" * 3,
            }
        )
        from baton_api.main import create_app

        schema: dict[str, Any] = create_app().openapi()
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="do not write; fail when the file differs")
    args = parser.parse_args(argv)

    text = render(build_schema())
    output: Path = args.output
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            print(f"{output} is stale: run `make generate`", file=sys.stderr)
            return 1
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
