"""The bundled encore-admin's entry point (PyInstaller runs a script, not a console-script entry)."""

from admin.__main__ import main

raise SystemExit(main())
