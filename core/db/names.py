"""Translations of venue-entered names (sections of a plan, price categories of a concert)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import price_categories, sections
from core.domain.ids import ConcertId, PlanId

NamesInLanguages = Mapping[str, Mapping[str, str]]
"""{"Stalls": {"de": "Parkett", "es": "Platea"}}: by the name as entered, its name in each language."""


async def put_section_names(conn: AsyncConnection, plan_id: PlanId, names: NamesInLanguages) -> None:
    for name, translations in names.items():
        await conn.execute(
            update(sections)
            .where(sections.c.plan_id == plan_id, sections.c.name == name)
            .values(translations=dict(translations))
        )


async def put_category_names(conn: AsyncConnection, concert_id: ConcertId, names: NamesInLanguages) -> None:
    for name, translations in names.items():
        await conn.execute(
            update(price_categories)
            .where(price_categories.c.concert_id == concert_id, price_categories.c.name == name)
            .values(translations=dict(translations))
        )
