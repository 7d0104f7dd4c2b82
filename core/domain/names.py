"""Names a venue enters (sections, price categories) with their optional translations, and the one to show."""

from __future__ import annotations

from collections.abc import Mapping

Translations = tuple[tuple[str, str], ...]
"""(language, name) pairs such as (("de", "Parkett"), ("es", "Platea")): a tuple, so the frozen domain types that
carry one stay hashable. A language without an entry shows the name as entered."""


def translations_from(mapping: Mapping[str, object] | None) -> Translations:
    """The pairs of a stored map (a JSON column), sorted; entries that are not text are left out."""
    if not mapping:
        return ()
    return tuple(sorted((str(k), v) for k, v in mapping.items() if isinstance(v, str) and v.strip()))


def name_in(name: str, translations: Translations, language: str) -> str:
    """The name in ``language`` ('de', or 'de_AT' falling back to 'de'), else the name as entered."""
    table = dict(translations)
    return table.get(language) or table.get(language.split("_")[0].split("-")[0]) or name
