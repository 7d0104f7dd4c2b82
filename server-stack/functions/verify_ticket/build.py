"""Make the function's deployable folder (and zip): its own files plus the few Encore modules it imports.

    python server-stack/functions/verify_ticket/build.py OUT_DIR [--zip]

The modules are found by importing the function in a clean interpreter and listing what of ``core`` it loaded,
so the folder holds exactly what the function runs (no database layer, no Qt) and nothing is copied by hand.
For AWS Lambda also install the requirements into the folder (``pip install -r requirements.txt -t OUT_DIR``,
without functions-framework) before zipping; Cloud Run functions installs requirements.txt itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
FILES = ("verifier.py", "main.py", "lambda_function.py", "requirements.txt")
_LIST_MODULES = (
    "import json, sys, verifier; "
    "print(json.dumps(sorted(m.__file__ for n, m in sys.modules.items() "
    "if (n == 'core' or n.startswith('core.')) and getattr(m, '__file__', None))))"
)


def encore_modules() -> list[Path]:
    """The Encore source files the verifier imports, found in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)])}
    found = subprocess.run(
        [sys.executable, "-c", _LIST_MODULES], cwd=HERE, env=env, check=True, capture_output=True, text=True
    )
    return [Path(p) for p in json.loads(found.stdout)]


def build(out: Path) -> list[Path]:
    """Write the function's folder; returns the files written."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = []
    for name in FILES:
        shutil.copy2(HERE / name, out / name)
        written.append(out / name)
    for source in encore_modules():
        target = out / source.resolve().relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--zip", action="store_true", help="also write OUT.zip beside the folder")
    args = parser.parse_args(argv)
    written = build(args.out)
    print(f"{len(written)} files in {args.out}")
    if args.zip:
        print(shutil.make_archive(str(args.out), "zip", args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
