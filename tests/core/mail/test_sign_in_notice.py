"""A sign-in from a desktop new to a staff member queues a notice in the mail outbox (once per desktop), and
the mail worker sends it through a real SMTP server: when, how, where, and what to do if it was not them."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes, policy

from sqlalchemy import select

from core.db.tables import audit_log, mail_outbox
from core.domain.staff import Role, StaffActor
from core.mail.smtp import SmtpMailer
from core.services import mail, sessions
from core.services.staff_devices import SignInDevice
from tests.core.mail.conftest import StartServer
from tests.support.staff_api import make_staff

OFFICE = SignInDevice("install-office", "Encore admin on office-1 (Linux, user ada)", "password")
LAPTOP = SignInDevice("install-laptop", "Encore admin on ada-laptop (Darwin, user ada)", "google")


async def _outbox(ctx) -> list[tuple[str, str, str]]:
    async def work(conn):
        rows = await conn.execute(
            select(mail_outbox.c.kind, mail_outbox.c.to_address, mail_outbox.c.status).order_by(
                mail_outbox.c.id
            )
        )
        return [tuple(r) for r in rows.all()]

    return await ctx.db.read(work)


async def test_a_new_desktop_mails_one_notice_and_a_known_one_none(ctx, start_smtp: StartServer) -> None:
    member = await make_staff(ctx, Role.MANAGER)
    actor = StaffActor(member.id, member.role, member.display_name)
    await sessions.open_session(ctx, actor, device=OFFICE)
    await sessions.open_session(ctx, actor, device=OFFICE)  # seen before: no second notice
    await sessions.open_session(ctx, actor, device=LAPTOP)
    await sessions.open_session(ctx, actor)  # a client that names no desktop: nothing to compare
    assert await _outbox(ctx) == [
        ("sign_in_notice", member.email, "pending"),
        ("sign_in_notice", member.email, "pending"),
    ]

    server = start_smtp()
    ctx.settings = replace(ctx.settings, mail_from=server.settings.mail_from)
    run = await mail.send_due_mail(ctx, SmtpMailer(server.settings))
    assert (run.sent, run.failed) == (2, 0)
    assert [s for _, _, s in await _outbox(ctx)] == ["sent", "sent"]
    received = [message_from_bytes(e.content, policy=policy.default) for e in server.recorder.envelopes]
    assert [m["To"] for m in received] == [member.email, member.email]
    assert received[0]["Subject"] == "New sign-in to your Encore account"
    office, laptop = (m.get_body(("plain",)).get_content() for m in received)
    assert ("office-1" in office, "e-mail and password" in office) == (True, True)
    assert ("ada-laptop" in laptop, "Google sign-in" in laptop) == (True, True)
    assert "If this was not you, tell your venue's administrator at once" in office

    async def audited(conn):
        rows = await conn.execute(
            select(audit_log.c.details).where(audit_log.c.action == "sign_in_new_device")
        )
        return [r.details["where"] for r in rows.all()]

    assert await ctx.db.read(audited) == [OFFICE.label, LAPTOP.label]
