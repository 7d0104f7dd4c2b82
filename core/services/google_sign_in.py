"""Staff sign in with Google: a verified ID token's e-mail address names an active staff account."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import staff as db
from core.domain.errors import ErrorCode, NotAuthenticated
from core.domain.staff import StaffActor, SystemActor
from core.security.google_id import verify_google_id_token
from core.services.context import ServiceContext

__all__ = ["sign_in_google"]

_SIGN_IN = SystemActor("sign-in")


async def sign_in_google(ctx: ServiceContext, id_token: object) -> StaffActor:
    """The staff member whose address Google vouched for. Unlike a password sign-in, the refusal says whether
    the account is unknown or disabled: whoever holds the token has proved they own that address."""
    identity = await verify_google_id_token(ctx.settings, id_token)

    async def work(conn: AsyncConnection) -> StaffActor | NotAuthenticated:
        now = ctx.clock.now()
        creds = await db.credentials_by_email(conn, identity.email)
        if creds is None or not creds.staff.active:
            subject = f"staff:{creds.staff.id}" if creds else f"email:{identity.email}"[:200]
            reason = "unknown" if creds is None else "inactive"
            await audit.record(
                conn, at=now, actor=_SIGN_IN, action="sign_in_failed", subject=subject, method="google",
                reason=reason,
            )  # fmt: skip
            return _refusal(identity.email, known=creds is not None)
        who = StaffActor(creds.staff.id, creds.staff.role, creds.staff.display_name)
        await audit.record(
            conn, at=now, actor=who, action="sign_in", subject=f"staff:{creds.staff.id}", method="google"
        )
        return who

    # The refusal is returned, not raised, so its audit entry commits with it.
    outcome = await ctx.db.write(work)
    if isinstance(outcome, NotAuthenticated):
        raise outcome
    return outcome


def _refusal(email: str, *, known: bool) -> NotAuthenticated:
    if known:
        return NotAuthenticated(
            f"The Encore staff account for {email} is disabled. Ask an admin to enable it.",
            code=ErrorCode.GOOGLE_ACCOUNT_DISABLED,
        )
    return NotAuthenticated(
        f"No Encore staff account uses {email}. Ask an admin to create one for this address, or sign in "
        "with another Google account.",
        code=ErrorCode.GOOGLE_ACCOUNT_UNKNOWN,
    )
