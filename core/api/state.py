"""What every request handler shares in one server process: the service context, the token key, the limits."""

from __future__ import annotations

from dataclasses import dataclass

from core.api.limits import Limiter
from core.security.tokens import TokenKey
from core.services.context import ServiceContext


@dataclass
class ApiState:
    ctx: ServiceContext
    token_key: TokenKey
    limiter: Limiter
