"""Languages at runtime: Qt translators from resources/translations, switched live; plus the .ts/.qm tooling.

python -m kiosk.ui.i18n update    # lupdate the kiosk's sources into resources/translations/*.ts
python -m kiosk.ui.i18n release   # lrelease every .ts into its .qm
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTranslator, Signal

import resources
from kiosk.viewmodels import i18n as vm_i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = resources.path("translations")
LANGUAGES = ("en", "de", "es")
"""English is the source language: its .qm holds only the plural forms ("%n scans": 1 scan, 2 scans)."""
TRANSLATED = ("de", "es")
SOURCES = ROOT / "kiosk"
_BIN = Path(sys.executable).parent


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"kiosk_{language}.qm"


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"kiosk_{language}.ts"


class Languages(QObject):
    """Installs QCoreApplication.translate into the view-models and swaps the Qt translator on switch()."""

    switched = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.current = "en"
        self._translator: QTranslator | None = None
        vm_i18n.install(QCoreApplication.translate)
        self._install("en")

    def switch(self, language: str) -> None:
        """Qt sends QEvent.LanguageChange to every widget; the screens re-translate and re-render themselves."""
        if language == self.current:
            return
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; known: {', '.join(LANGUAGES)}")
        self._install(language)
        self.current = language
        vm_i18n.set_language(language)
        QLocale.setDefault(QLocale(language))
        # Qt posts LanguageChange; deliver it now so the snapshot rendered next is already in the new language.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        self.switched.emit(language)

    def _install(self, language: str) -> None:
        app = QCoreApplication.instance()
        translator = QTranslator(self)
        if not translator.load(str(qm_path(language))):
            raise FileNotFoundError(f"no compiled translation at {qm_path(language)} (run lrelease)")
        if self._translator is not None:
            app.removeTranslator(self._translator)
        app.installTranslator(translator)
        self._translator = translator

    def close(self) -> None:
        """Back to the bare source texts (the app is going away, or a test is done with it)."""
        if self._translator is not None:
            QCoreApplication.instance().removeTranslator(self._translator)
            self._translator = None
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        self.current = "en"
        QLocale.setDefault(QLocale("en"))
        vm_i18n.install(None)


# --- tooling: extraction and compilation --------------------------------------------------------

# View-models mark texts with an alias (`QT_TRANSLATE_NOOP as T`) that lupdate cannot see; the copy we
# extract from spells the call out on the same line, so line numbers in the .ts stay right.
_ALIAS_IMPORT = re.compile(r"import\s+QT_TRANSLATE_NOOP\s+as\s+(\w+)")


def _spelled_out(text: str) -> str:
    for alias in set(_ALIAS_IMPORT.findall(text)):
        text = re.sub(rf"(?<![\w.]){re.escape(alias)}\(", "QT_TRANSLATE_NOOP(", text)
    return text


def extract(ts_files: list[Path], *, sources: Path = SOURCES, plural_only: bool = False) -> None:
    """Run lupdate over a copy of the kiosk's Python sources (locations relative to the repository).
    ``plural_only``: English, whose source texts need no translation but their plural forms."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / sources.relative_to(ROOT)
        for path in sorted(sources.rglob("*.py")):
            target = copy / path.relative_to(sources)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_spelled_out(path.read_text(encoding="utf-8")), encoding="utf-8")
        subprocess.run(
            [
                str(_BIN / "pyside6-lupdate"),
                "-silent",
                "-extensions",
                "py",
                "-locations",
                "relative",
                "-no-obsolete",
                *(["-pluralonly"] if plural_only else []),
                str(copy),
                "-ts",
                *map(str, ts_files),
            ],
            check=True,
            cwd=tmp,
        )
        for ts in ts_files:  # lupdate writes paths relative to the .ts file; make them the repository's
            body = ts.read_text(encoding="utf-8")
            ts.write_text(
                re.sub(r'filename="[^"]*?/kiosk/', 'filename="../../kiosk/', body), encoding="utf-8"
            )


def release(ts: Path, qm: Path) -> None:
    subprocess.run([str(_BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        extract([ts_path(lang) for lang in TRANSLATED])
        extract([ts_path("en")], plural_only=True)
    elif command == "release":
        for lang in LANGUAGES:
            release(ts_path(lang), qm_path(lang))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

__all__ = ["LANGUAGES", "Languages", "extract", "release"]
