"""Translatable text for Qt-free view-models: marked for lupdate, translated when shown (so a switch applies).

    from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
    notice = T("SaleFlow", "{count} seats were taken by someone else.").format(count=2)
    label.setText(str(notice))          # translated into the current language at render time

pyside6-lupdate finds QT_TRANSLATE_NOOP(...) and translate(...) calls by name, so both are extracted into the
.ts files; the app installs QCoreApplication.translate with `install()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Translator = Callable[[str, str], str]


def _identity(context: str, source: str) -> str:
    return source


_translator: Translator = _identity
_language = "en"


def install(translator: Translator | None) -> None:
    """The app passes QCoreApplication.translate; None goes back to English source texts (tests)."""
    global _translator, _language
    _translator = translator or _identity
    if translator is None:
        _language = "en"


def set_language(language: str) -> None:
    """The buyer's language now ('de'): venue names, money and dates follow it (see kiosk.viewmodels.words)."""
    global _language
    _language = language


def current_language() -> str:
    return _language


def translate(context: str, source: str) -> str:
    return _translator(context, source)


@dataclass(frozen=True, slots=True)
class Text:
    """A sentence for people, translated each time it is turned into a string."""

    context: str
    source: str
    args: tuple[tuple[str, Any], ...] = ()

    def format(self, **args: Any) -> Text:
        return Text(self.context, self.source, (*self.args, *args.items()))

    def __str__(self) -> str:
        values = {k: str(v) if isinstance(v, Text) else v for k, v in self.args}
        return (
            translate(self.context, self.source).format(**values)
            if values
            else translate(self.context, self.source)
        )


def QT_TRANSLATE_NOOP(context: str, source: str) -> Text:
    return Text(context, source)


def plain(message: str) -> Text:
    """A message that is already a sentence for people (a core error's .message): shown as it is."""
    return Text("", message)
