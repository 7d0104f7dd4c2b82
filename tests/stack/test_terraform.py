"""server-stack/terraform checked offline (no provider can be downloaded here): `terraform fmt -check`, the
provider-free cloud-init module's `terraform test`, every file parsed with python-hcl2 (module inputs exist and
required ones are given, the example sets every required variable, no secret in any file), and checkov with no
failed check and every skip justified."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2.utils import SerializationOptions

from tests.support.tools import tool

TERRAFORM = Path(__file__).resolve().parents[2] / "server-stack" / "terraform"
ENV = TERRAFORM / "envs" / "venue-hybrid"
META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}
PLAIN = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
"""Names and strings as written, without python-hcl2's own markers."""
SECRET_PATTERNS = [
    re.compile(r"AKIA[0-9A-Z]{16}"),  # an AWS access key id
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"(?i)(password|secret|token)\s*=\s*\"[^\"$]{6,}\""),  # a literal, not a variable
]


def _terraform() -> str:
    found = shutil.which("terraform")
    if found is None:
        pytest.skip("terraform is not installed (https://developer.hashicorp.com/terraform/install)")
    return found


def _run(*args: str, cwd: Path, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}
    env |= {"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "NO_COLOR": "1"}
    if data_dir is not None:
        env["TF_DATA_DIR"] = str(data_dir)
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def _tf_files() -> list[Path]:
    return sorted(TERRAFORM.rglob("*.tf"))


def _parsed(path: Path) -> dict[str, Any]:
    with path.open() as file:
        return dict(hcl2.load(file, serialization_options=PLAIN))


def _variables(folder: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.tf")):
        for block in _parsed(path).get("variable", []):
            for name, body in block.items():
                found[name] = body
    return found


def _modules(folder: Path) -> Iterator[tuple[Path, str, dict[str, Any]]]:
    for path in sorted(folder.glob("*.tf")):
        for block in _parsed(path).get("module", []):
            for name, body in block.items():
                yield path, name, body


def test_every_file_is_formatted() -> None:
    done = _run(_terraform(), "fmt", "-check", "-recursive", "-diff", ".", cwd=TERRAFORM)
    assert done.returncode == 0, f"run `terraform fmt -recursive server-stack/terraform`:\n{done.stdout}"


def test_the_cloud_init_module_passes_its_terraform_tests(tmp_path: Path) -> None:
    """Provider-free, so it initialises and runs here: the rendered cloud-init, snapshots, a refused ref."""
    module = TERRAFORM / "modules" / "venue-cloud-init"
    init = _run(_terraform(), "init", "-backend=false", "-input=false", cwd=module, data_dir=tmp_path)
    assert init.returncode == 0, init.stdout + init.stderr
    tested = _run(_terraform(), "test", cwd=module, data_dir=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "4 passed, 0 failed" in tested.stdout
    assert not (module / ".terraform.lock.hcl").exists()  # nothing left in the source tree


def test_every_file_parses_and_every_variable_is_described_and_typed() -> None:
    assert len(_tf_files()) >= 12
    for folder in sorted({p.parent for p in _tf_files()}):
        for name, body in _variables(folder).items():
            assert body.get("description"), f"{folder.name}: variable {name} needs a description"
            assert "type" in body, f"{folder.name}: variable {name} needs a type"


def test_every_module_call_gives_existing_inputs_and_all_required_ones() -> None:
    calls = 0
    for folder in sorted({p.parent for p in _tf_files()}):
        for path, name, body in _modules(folder):
            source = (folder / body["source"]).resolve()
            assert source.is_dir(), f"{path}: module {name}: no module at {body['source']}"
            declared = _variables(source)
            given = set(body) - META_ARGUMENTS
            unknown = given - set(declared)
            assert not unknown, f"{path}: module {name} has no input {sorted(unknown)}"
            required = {v for v, spec in declared.items() if "default" not in spec}
            missing = required - given
            assert not missing, f"{path}: module {name} needs {sorted(missing)}"
            calls += 1
    assert calls >= 4  # venue, offsite, and the cloud-init of each


def test_the_example_sets_every_required_variable_and_nothing_unknown() -> None:
    example = _parsed(ENV / "terraform.tfvars.example")
    declared = _variables(ENV)
    required = {v for v, spec in declared.items() if "default" not in spec}
    assert required <= set(example), f"terraform.tfvars.example lacks {sorted(required - set(example))}"
    assert set(example) <= set(declared), f"unknown in the example: {sorted(set(example) - set(declared))}"


def test_no_file_holds_a_secret() -> None:
    for path in sorted(p for p in TERRAFORM.rglob("*") if p.is_file()):
        text = path.read_text()
        for pattern in SECRET_PATTERNS:
            assert not pattern.search(text), f"{path.relative_to(TERRAFORM)} holds what looks like a secret"


def test_the_remote_state_is_configured_at_init_not_in_a_file() -> None:
    backends = [
        b for p in ENV.glob("*.tf") for t in _parsed(p).get("terraform", []) for b in t.get("backend", [])
    ]
    assert backends == [{"s3": {}}]  # partial configuration: backend.hcl, kept out of git, fills it in
    assert (ENV / "backend.hcl.example").exists()


def test_checkov_finds_no_failed_check_and_every_skip_is_justified() -> None:
    done = _run(
        tool("checkov"), "-d", ".", "--framework", "terraform", "--skip-download", "--quiet", "-o", "json",
        cwd=TERRAFORM,
    )  # fmt: skip
    report = json.loads(done.stdout)
    summary = report["summary"]
    failed = [(c["check_id"], c["resource"], c["file_path"]) for c in report["results"]["failed_checks"]]
    assert summary["failed"] == 0, failed
    assert summary["passed"] >= 100
    assert summary["parsing_errors"] == 0
    for path in _tf_files():
        for reason in re.findall(r"#checkov:skip=CKV[\w]+:(.*)", path.read_text()):
            assert len(reason.strip()) >= 30, f"{path.name}: a checkov skip needs its reason ({reason!r})"
