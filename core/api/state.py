"""What every request handler shares in one server process: the service context, the token key, the limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.api.limits import Limiter
from core.api.readiness import Readiness
from core.security.tokens import TokenKey
from core.services.context import ServiceContext


@dataclass
class ApiState:
    ctx: ServiceContext
    token_key: TokenKey
    limiter: Limiter
    readiness: Readiness = field(init=False)

    def __post_init__(self) -> None:
        self.readiness = Readiness(self.ctx.db)
