"""The committed OpenAPI document: `python -m core.api.openapi` writes it; a test fails when it drifts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.api.app import create_app, openapi_document
from core.config import Settings

COMMITTED = Path(__file__).with_name("openapi.json")


def current_document() -> dict[str, Any]:
    """The document the code serves now (no database needed: the schema comes from the route signatures)."""
    return openapi_document(create_app(Settings()))


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> None:
    COMMITTED.write_text(render(current_document()))
    print(f"wrote {COMMITTED}")


if __name__ == "__main__":
    main()
