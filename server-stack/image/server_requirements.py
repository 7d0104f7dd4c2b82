"""Print the project's runtime requirements without the desktop apps' Qt stack: the server image needs core only.

Run by the Dockerfile's build stage (python3 server_requirements.py pyproject.toml > requirements.txt) so the
image follows pyproject.toml without a second list to keep in step.
"""

import sys
import tomllib

DESKTOP_ONLY = ("pyside6", "qasync")


def server_requirements(pyproject: str) -> list[str]:
    with open(pyproject, "rb") as fh:
        dependencies = tomllib.load(fh)["project"]["dependencies"]
    return [d for d in dependencies if not d.lower().startswith(DESKTOP_ONLY)]


if __name__ == "__main__":
    print("\n".join(server_requirements(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml")))
