"""The two candidate venue-server apps of the framework benchmark: FastAPI + pydantic, Litestar + msgspec.

Both serve the same two endpoints with the same work per request, so their difference is the framework's:
  POST /v1/holds/standing  {concert_id, section_id, quantity, request_key} -> the Hold as JSON (201);
                           the actor is the device named by an HMAC-signed bearer token, verified per request;
                           an EncoreError becomes an RFC 9457 problem (application/problem+json) with its code
  GET  /v1/ping            {"ok": true}, no database: the framework's own overhead
Each worker process opens its own ServiceContext (from ENCORE_APIBENCH_CONFIG, a JSON file) in the lifespan.
Started as ``uvicorn --factory tests.benchmarks._api_apps:fastapi_app`` (or litestar_app), or by granian.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import msgspec
from fastapi import Depends, FastAPI
from fastapi import Request as FastAPIRequest
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from litestar import Litestar, Response, get, post
from litestar import Request as LitestarRequest
from litestar.datastructures import State
from litestar.di import Provide
from pydantic import BaseModel, ConfigDict, Field

from core.config import Settings
from core.domain.errors import Conflict, EncoreError, InputError, NotAuthenticated, NotFound
from core.domain.holds import Hold
from core.domain.ids import ConcertId, DeviceId, SectionId
from core.domain.staff import DeviceActor
from core.services import sales
from core.services.context import ServiceContext
from tests.benchmarks._api_http import CONFIG_ENV

MAX_BODY = 16 * 1024


# --- what both apps share: config, the bearer token, problem details -------------------------------


@dataclass(frozen=True)
class BenchConfig:
    database_url: str
    redis_url: str
    pool_size: int
    token_secret: str

    @classmethod
    def load(cls) -> BenchConfig:
        with open(os.environ[CONFIG_ENV]) as f:
            return cls(**json.load(f))

    def settings(self) -> Settings:
        return Settings(
            database_url=self.database_url, redis_url=self.redis_url, database_pool_size=self.pool_size
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(secret: str, device_id: int, name: str) -> str:
    body = _b64(json.dumps({"dev": device_id, "name": name}, separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


BadToken = NotAuthenticated
"""A token the benchmark apps refuse (the domain's own 401 error)."""


def verify_token(secret: bytes, authorization: str | None) -> DeviceActor:
    """The device a bearer token names, if its MAC is right: the same work per request in both apps."""
    scheme, _, token = (authorization or "").partition(" ")
    body, _, mac = token.partition(".")
    if scheme.lower() != "bearer" or not body or not mac:
        raise BadToken("send 'Authorization: Bearer <device token>'")
    expected = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    try:
        good = hmac.compare_digest(expected, _unb64(mac))
        claims = json.loads(_unb64(body)) if good else None
    except ValueError:
        good = False
    if not good or not isinstance(claims, dict):
        raise BadToken("the device token is not valid: enrol the device again")
    return DeviceActor(DeviceId(int(claims["dev"])), str(claims["name"]))


def problem(exc: EncoreError) -> tuple[int, dict[str, Any]]:
    status = (
        401
        if isinstance(exc, BadToken)
        else 422
        if isinstance(exc, InputError)
        else 403
        if isinstance(exc, NotAuthenticated)
        else 404
        if isinstance(exc, NotFound)
        else 409
        if isinstance(exc, Conflict)
        else 503
    )
    body = {"type": f"urn:encore:error:{exc.code}", "title": exc.code, "status": status}
    return status, {**body, "detail": exc.message, "code": exc.code}


PROBLEM_JSON = "application/problem+json"


# --- (a) FastAPI + pydantic v2 ---------------------------------------------------------------------


class HoldInModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    concert_id: int = Field(gt=0)
    section_id: int = Field(gt=0)
    quantity: int = Field(ge=1, le=100)
    request_key: str | None = Field(default=None, max_length=100)


class PriceModel(BaseModel):
    minor: int
    currency: str


class HeldPlaceModel(BaseModel):
    place_id: int
    label: str
    category: str
    price: PriceModel


class HoldModel(BaseModel):
    id: str
    concert_id: int
    places: list[HeldPlaceModel]
    expires_at: datetime
    extensions_used: int
    extensions_allowed: int

    @classmethod
    def of(cls, hold: Hold) -> HoldModel:
        return cls(
            id=hold.id,
            concert_id=hold.concert_id,
            places=[
                HeldPlaceModel(
                    place_id=p.place_id,
                    label=p.label,
                    category=p.category,
                    price=PriceModel(minor=p.price.minor, currency=p.price.currency),
                )
                for p in hold.places
            ],
            expires_at=hold.expires_at,
            extensions_used=hold.extensions_used,
            extensions_allowed=hold.extensions_allowed,
        )


_bearer = HTTPBearer(auto_error=False)


def _fastapi_device(
    request: FastAPIRequest, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> DeviceActor:
    header = f"{creds.scheme} {creds.credentials}" if creds else None
    return verify_token(request.app.state.secret, header)


Device = Annotated[DeviceActor, Depends(_fastapi_device)]
"""The acting device, from the bearer token (FastAPI resolves Depends from module-level names only)."""


def fastapi_app() -> FastAPI:
    config = BenchConfig.load()
    secret = config.token_secret.encode()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with ServiceContext.open(config.settings()) as ctx:
            app.state.ctx = ctx
            yield

    app = FastAPI(title="Encore bench (FastAPI)", lifespan=lifespan, max_body_size=MAX_BODY)
    app.state.secret = secret

    @app.exception_handler(EncoreError)
    async def on_encore_error(request: FastAPIRequest, exc: EncoreError) -> JSONResponse:
        status, body = problem(exc)
        return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)

    @app.post("/v1/holds/standing", status_code=201)
    async def hold_standing(body: HoldInModel, request: FastAPIRequest, actor: Device) -> HoldModel:
        hold = await sales.hold_standing(
            request.app.state.ctx,
            actor,
            ConcertId(body.concert_id),
            SectionId(body.section_id),
            body.quantity,
            request_key=body.request_key,
        )
        return HoldModel.of(hold)

    @app.get("/v1/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    return app


# --- (b) Litestar + msgspec ------------------------------------------------------------------------


class HoldInStruct(msgspec.Struct, forbid_unknown_fields=True):
    concert_id: Annotated[int, msgspec.Meta(gt=0)]
    section_id: Annotated[int, msgspec.Meta(gt=0)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=100)]
    request_key: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class PriceStruct(msgspec.Struct):
    minor: int
    currency: str


class HeldPlaceStruct(msgspec.Struct):
    place_id: int
    label: str
    category: str
    price: PriceStruct


class HoldStruct(msgspec.Struct):
    id: str
    concert_id: int
    places: list[HeldPlaceStruct]
    expires_at: datetime
    extensions_used: int
    extensions_allowed: int

    @classmethod
    def of(cls, hold: Hold) -> HoldStruct:
        return cls(
            id=hold.id,
            concert_id=hold.concert_id,
            places=[
                HeldPlaceStruct(p.place_id, p.label, p.category, PriceStruct(p.price.minor, p.price.currency))
                for p in hold.places
            ],
            expires_at=hold.expires_at,
            extensions_used=hold.extensions_used,
            extensions_allowed=hold.extensions_allowed,
        )


def litestar_app() -> Litestar:
    config = BenchConfig.load()
    secret = config.token_secret.encode()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with ServiceContext.open(config.settings()) as ctx:
            app.state.ctx = ctx
            yield

    async def device(request: LitestarRequest[Any, Any, Any]) -> DeviceActor:
        return verify_token(secret, request.headers.get("authorization"))

    def on_encore_error(request: LitestarRequest[Any, Any, Any], exc: EncoreError) -> Response[Any]:
        status, body = problem(exc)
        return Response(body, status_code=status, media_type=PROBLEM_JSON)

    @post("/v1/holds/standing", dependencies={"actor": Provide(device)})
    async def hold_standing(data: HoldInStruct, state: State, actor: DeviceActor) -> HoldStruct:
        hold = await sales.hold_standing(
            state.ctx,
            actor,
            ConcertId(data.concert_id),
            SectionId(data.section_id),
            data.quantity,
            request_key=data.request_key,
        )
        return HoldStruct.of(hold)

    @get("/v1/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    return Litestar(
        route_handlers=[hold_standing, ping],
        lifespan=[lifespan],
        exception_handlers={EncoreError: on_encore_error},
        request_max_body_size=MAX_BODY,
        debug=False,
    )
