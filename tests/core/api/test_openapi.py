"""The committed OpenAPI document is what the code serves (regenerate: python -m core.api.openapi)."""

from __future__ import annotations

import httpx

from core.api.app import create_app
from core.api.openapi import COMMITTED, current_document, render
from core.config import Settings

STAFF_ROUTES = {
    "/v1/auth/sign-out",
    "/v1/me",
    "/v1/devices",
    "/v1/staff",
    "/v1/concerts",
    "/v1/concerts/{concert_id}",
    "/v1/audit",
    "/v1/audit/export",
    "/v1/concerts/{concert_id}/exports/{kind}",
    "/v1/concerts/{concert_id}/sales-report",
    "/v1/orders/search",
    "/v1/orders/{order_code}",
    "/v1/orders/{order_code}/refund",
    "/v1/orders/{order_code}/reprint",
    "/v1/orders/{order_code}/resend",
}
STAFF_CONCERT_ACTIONS = ("/put-on-sale", "/close-sales", "/cancel")


def test_the_committed_openapi_document_matches_the_code() -> None:
    assert COMMITTED.read_text() == render(current_document()), (
        "core/api/openapi.json is stale: run `python -m core.api.openapi` and commit the result"
    )


def test_every_route_but_sign_in_and_health_needs_a_device_token_or_a_staff_session() -> None:
    document = current_document()
    open_paths = {
        "/v1/health",
        "/v1/health/ready",
        "/v1/devices/enrol",
        "/v1/auth/challenge",
        "/v1/auth/token",
        "/v1/auth/sign-in",
        "/v1/auth/google",
        "/v1/auth/remembered",
    }
    assert set(document["components"]["securitySchemes"]) == {"deviceToken", "staffSession"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security")
            if path in open_paths:
                assert not security, f"{method.upper()} {path} should be open"
            elif (
                path in STAFF_ROUTES
                or path.startswith(
                    (
                        "/v1/devices/",
                        "/v1/staff/",
                        "/v1/venues",
                        "/v1/plans/",
                        "/v1/dashboard/",
                        "/v1/checkin-conflicts",
                    )
                )
                or (path.startswith("/v1/concerts/") and path.endswith(STAFF_CONCERT_ACTIONS))
            ):
                assert security == [{"staffSession": []}], f"{method.upper()} {path} must need a session"
            else:
                assert security == [{"deviceToken": []}], f"{method.upper()} {path} must need a token"


async def test_options_lists_every_method_of_a_path() -> None:
    """Litestar lists only the first handler's methods for a path served by several; RFC 9110 wants them all."""
    document = current_document()
    transport = httpx.ASGITransport(app=create_app(Settings()))
    async with httpx.AsyncClient(transport=transport, base_url="http://encore.test") as http:
        for path, operations in document["paths"].items():
            concrete = (
                path.replace("{hold_id}", "h1").replace("{device_id}", "1").replace("{order_code}", "C1")
            )
            for name in ("{concert_id}", "{venue_id}", "{plan_id}", "{staff_id}", "{conflict_id}"):
                concrete = concrete.replace(name, "1")
            response = await http.options(concrete)
            allowed = {m.strip() for m in response.headers["allow"].split(",")}
            assert allowed == {m.upper() for m in operations} | {"OPTIONS"}, path
