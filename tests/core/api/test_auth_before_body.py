"""Authentication comes before the body: an anonymous caller gets 401 whatever it sends (never the 400, 413 or
422 that would tell it about the route); with a credential the same body is refused for what it is. And every
refusal of Litestar's own (400, 413) is a problem detail with its class's declared fields."""

from __future__ import annotations

import pytest

from core.api.app import create_app
from core.api.auth import AUTHENTICATE
from core.api.limits import MAX_BODY_BYTES
from core.config import Settings
from core.domain.devices import DeviceKind
from core.domain.errors import InputError, RequestTooLarge
from core.domain.problems import from_problem
from core.domain.staff import Role
from tests.dbstate import snapshot
from tests.support.staff_api import bearer, device_token, make_staff, session_for

NOT_JSON = b'{"concert_id": 1, "place_ids": ['
WRONG_SHAPE = b'{"unexpected": true}'
TOO_LARGE = b"[" + b"1," * MAX_BODY_BYTES + b"1]"
ROUTES = {
    "/v1/holds/places": DeviceKind.KIOSK,
    "/v1/kiosk/unlock": DeviceKind.KIOSK,
    "/v1/door/scans": DeviceKind.DOOR,
    "/v1/staff": None,  # a staff session
}
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("path", list(ROUTES))
@pytest.mark.parametrize(
    "body", [NOT_JSON, WRONG_SHAPE, TOO_LARGE], ids=["not-json", "wrong-shape", "too-large"]
)
@pytest.mark.parametrize("token", [None, "forged-token"], ids=["no-token", "forged-token"])
async def test_an_anonymous_caller_with_a_bad_body_is_only_told_to_authenticate(
    served, path: str, body: bytes, token: str | None
) -> None:
    before = await snapshot(served.ctx)
    async with served.http() as http:
        headers = {**JSON, **(bearer(token) if token else {})}
        response = await http.post(path, content=body, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] in {"unauthenticated", "session_invalid"}
    assert await snapshot(served.ctx) == before


@pytest.mark.parametrize("path", list(ROUTES))
async def test_with_a_credential_the_same_bodies_are_refused_for_what_they_are(served, path: str) -> None:
    """The control: the bodies above are bad, so without authentication first they would say so."""
    async with served.http() as http:
        kind = ROUTES[path]
        if kind is None:
            token = await session_for(http, await make_staff(served.ctx, Role.ADMIN))
        else:
            token, _ = await device_token(served.ctx, http, kind, f"{kind.value} 1")
        before = await snapshot(served.ctx)
        headers = {**JSON, **bearer(token)}
        unreadable = await http.post(path, content=NOT_JSON, headers=headers)
        shapeless = await http.post(path, content=WRONG_SHAPE, headers=headers)
        large = await http.post(path, content=TOO_LARGE, headers=headers)
    assert (unreadable.status_code, unreadable.json()["code"]) == (400, "request_malformed")
    assert (shapeless.status_code, shapeless.json()["code"]) == (422, "request_invalid")
    assert (large.status_code, large.json()["code"]) == (413, "request_too_large")
    assert await snapshot(served.ctx) == before


async def test_request_too_large_is_a_problem_detail_with_its_declared_fields(served) -> None:
    async with served.http() as http:  # an open route: nothing to authenticate
        response = await http.post("/v1/devices/enrol", content=TOO_LARGE, headers=JSON)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem == {
        "type": "urn:encore:problem:request_too_large",
        "title": "Request too large",
        "status": 413,
        "detail": f"request: is larger than the {MAX_BODY_BYTES} bytes allowed; send less at a time.",
        "code": "request_too_large",
        "field": "request",
        "problem": f"is larger than the {MAX_BODY_BYTES} bytes allowed; send less at a time.",
        "limit_bytes": MAX_BODY_BYTES,
    }
    error = from_problem(problem)
    assert type(error) is RequestTooLarge
    assert (error.code, error.limit_bytes, error.field) == ("request_too_large", MAX_BODY_BYTES, "request")


async def test_an_unreadable_body_is_an_input_error_with_its_declared_fields(served) -> None:
    async with served.http() as http:
        response = await http.post("/v1/devices/enrol", content=NOT_JSON, headers=JSON)
    assert response.status_code == 400
    problem = response.json()
    assert (problem["code"], problem["field"]) == ("request_malformed", "request")
    assert "could not be read" in problem["problem"]
    error = from_problem(problem)
    assert type(error) is InputError
    assert (error.code, error.field) == ("request_malformed", "request")


def test_every_route_with_a_security_requirement_authenticates_in_a_guard() -> None:
    app = create_app(Settings())
    checked = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if handler.resolve_security():
                guards = set(handler.resolve_guards())
                assert guards & AUTHENTICATE, f"{route.path} needs a credential but no guard checks it first"
                checked += 1
    assert checked >= 20
