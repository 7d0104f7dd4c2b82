"""The ASGI app: core's services behind device tokens and staff sessions, problem details for every refusal,
a deadline on every request, OpenAPI served."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, get
from litestar.datastructures import State
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from core import __version__
from core.api import (
    problems,
    routes_catalog,
    routes_concerts,
    routes_dashboard,
    routes_devices,
    routes_door,
    routes_orders,
    routes_reports,
    routes_sales,
    routes_staff,
    routes_staff_admin,
    routes_venues,
)
from core.api.auth import api_state
from core.api.collector import tune_for_serving
from core.api.health_collector import collecting_health
from core.api.limits import MAX_BODY_BYTES, Limiter, limits_from
from core.api.problems import problem_responses
from core.api.state import ApiState
from core.api.timeouts import request_timeout
from core.config import Settings
from core.domain.errors import ConfigError, EncoreError
from core.security.secret_store import resolve_secret
from core.security.tokens import TokenKey
from core.services.context import ServiceContext

__all__ = ["MAX_BODY_BYTES", "create_app", "openapi_document"]


@get("/v1/health", tags=["server"])
async def health() -> dict[str, str]:
    """Liveness: the process is up and serving HTTP (no database read: a replica whose database is away is
    alive, and restarting it would not bring the database back). Orchestrators restart on this one."""
    return {"status": "ok", "version": __version__}


@get("/v1/health/ready", tags=["server"], responses=problem_responses())
async def ready(state: State) -> dict[str, str]:
    """Readiness: the database answers SELECT 1 through this replica's pool (one check a second at most,
    whoever asks). 503 with a problem naming what is down otherwise. Load balancers route on this one."""
    problem = await api_state(state).readiness.problem()
    if problem is not None:
        raise problem
    return {"status": "ready", "version": __version__}


async def load_token_key(settings: Settings) -> TokenKey:
    text = await asyncio.to_thread(resolve_secret, settings.server_token_key_ref)
    if not text:
        raise ConfigError(
            "settings",
            "server_token_key_ref",
            "set a secret reference to 32+ random characters (every replica "
            "the same), e.g. env:ENCORE_TOKEN_KEY",
        )
    try:
        key = TokenKey.from_text(text)
    except ValueError as exc:
        raise ConfigError("settings", "server_token_key_ref", str(exc)) from None
    if not settings.server_token_previous_key_ref:
        return key
    previous = await asyncio.to_thread(resolve_secret, settings.server_token_previous_key_ref)
    try:
        return key.accepting(TokenKey.from_text(previous or ""))
    except ValueError as exc:
        raise ConfigError("settings", "server_token_previous_key_ref", str(exc)) from None


def create_app(
    settings: Settings,
    *,
    token_key: TokenKey | None = None,
    ctx: ServiceContext | None = None,
    own_process: bool = False,
) -> Litestar:
    """The server app. ``ctx`` lets tests share a context; otherwise the app opens its own at start-up.
    ``own_process``: the app is all its process serves (an encore-server worker), so once started it sets the
    process's garbage collector for serving (core/api/collector.py)."""

    state = State({})
    if ctx is not None:
        if token_key is None:
            raise ValueError("a shared context needs its token key too")
        state["api"] = ApiState(ctx, token_key, Limiter(limits_from(settings.server_rate_limits)))

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if ctx is not None:
            yield
            return
        key = token_key or await load_token_key(settings)
        async with ServiceContext.open(settings) as opened, collecting_health(opened):
            app.state["api"] = ApiState(opened, key, Limiter(limits_from(settings.server_rate_limits)))
            if own_process:  # a server worker: what start-up made lives as long as the process
                tune_for_serving()
            yield

    return Litestar(
        route_handlers=[
            health,
            ready,
            *routes_devices.ROUTES,
            *routes_catalog.ROUTES,
            *routes_sales.ROUTES,
            *routes_door.ROUTES,
            *routes_staff.ROUTES,
            *routes_staff_admin.ROUTES,
            *routes_venues.ROUTES,
            *routes_concerts.ROUTES,
            *routes_reports.ROUTES,
            *routes_dashboard.ROUTES,
            *routes_orders.ROUTES,
        ],
        middleware=[request_timeout(settings.server_request_timeout_s)],
        lifespan=[lifespan],
        state=state,
        exception_handlers={
            EncoreError: problems.encore_error,
            ValidationException: problems.validation_error,
            HTTPException: problems.http_error,
            Exception: problems.unexpected_error,
        },
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=_openapi(),
        # Litestar's default logging config takes over the root logger and starts a queue-listener thread per app
        # that nothing stops (100+ threads in one test run hid the main thread from faulthandler's dump). The
        # server configures logging itself, and problems.unexpected_error logs what escapes.
        logging_config=None,
        debug=False,
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Encore venue server",
        version=__version__,
        path="/schema",
        components=Components(
            security_schemes={
                "deviceToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A device's short-lived token: POST /v1/auth/challenge, sign it with the device "
                    "key, POST /v1/auth/token.",
                ),
                "staffSession": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="A staff member's session: POST /v1/auth/sign-in with e-mail and password; "
                    "POST /v1/auth/sign-out ends it.",
                ),
            }
        ),
    )


def openapi_document(app: Litestar) -> dict[str, Any]:
    return app.openapi_schema.to_schema()
