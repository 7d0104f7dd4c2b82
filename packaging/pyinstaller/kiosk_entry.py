"""The bundled encore-kiosk's entry point (PyInstaller runs a script, not a console-script entry)."""

from kiosk.__main__ import main

raise SystemExit(main())
