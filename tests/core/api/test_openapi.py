"""The committed OpenAPI document is what the code serves (regenerate: python -m core.api.openapi)."""

from __future__ import annotations

from core.api.openapi import COMMITTED, current_document, render


def test_the_committed_openapi_document_matches_the_code() -> None:
    assert COMMITTED.read_text() == render(current_document()), (
        "core/api/openapi.json is stale: run `python -m core.api.openapi` and commit the result"
    )


def test_every_route_but_sign_in_and_health_needs_a_device_token() -> None:
    document = current_document()
    open_paths = {"/v1/health", "/v1/devices/enrol", "/v1/auth/challenge", "/v1/auth/token"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security")
            if path in open_paths:
                assert not security, f"{method.upper()} {path} should be open"
            else:
                assert security == [{"deviceToken": []}], f"{method.upper()} {path} must need a token"
