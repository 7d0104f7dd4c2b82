"""Offline checks of server-stack/: both kustomize overlays build; every object is valid Kubernetes (and every
CloudNativePG object valid against the operator's CRD schemas); the compose files are valid compose; hadolint
passes both Dockerfiles; checkov finds nothing failing in the Dockerfiles, the rendered manifests or the
committed files (secrets). The tools come with the test extras; checkov with `make tools` (.venv-tools)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "server-stack"
OVERLAYS = ("single-venue", "cloud")
CNPG_SCHEMAS = ROOT.parent / "shared" / "schemas" / "cloudnative-pg"
CNPG_GROUP = "postgresql.cnpg.io"
KUBERNETES_VERSION = "1.30.0"


def _tool(name: str) -> str:
    """A tool from the test extras (beside this Python), else on PATH; a missing one fails under CI."""
    for candidate in (Path(sys.executable).parent / name, ROOT / ".venv-tools" / "bin" / name):  # make tools
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed (make test installs it)")
    pytest.skip(f"{name} is not installed (make test installs it)")


def _render(overlay: str) -> str:
    built = subprocess.run(
        [_tool("kubectl"), "kustomize", "--load-restrictor", "LoadRestrictionsNone",
         str(STACK / "k8s" / "overlays" / overlay)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    return built.stdout


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    text = _render(request.param)
    return request.param, [doc for doc in yaml.safe_load_all(text) if doc]


def _kinds(objects: list[dict[str, Any]]) -> set[str]:
    return {o["kind"] for o in objects}


def test_both_overlays_build_with_every_part_the_stack_needs(rendered):
    overlay, objects = rendered
    kinds = _kinds(objects)
    assert {"Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job", "ConfigMap", "Secret",
            "NetworkPolicy", "Ingress", "Service"} <= kinds  # fmt: skip
    names = {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert ("Deployment", "encore-server") in names
    assert ("Deployment", "encore-scheduler") in names
    assert ("Job", "encore-migrate") in names
    assert ("Deployment", "encore-redis") in names
    if overlay == "cloud":
        assert {"Cluster", "Pooler", "ScheduledBackup"} <= kinds
        assert not any(o["kind"] == "StatefulSet" for o in objects)
    else:
        assert ("StatefulSet", "encore-db") in names
        assert ("Deployment", "encore-db-pooler") in names
    assert all(o["metadata"].get("namespace") == "encore" for o in objects if o["kind"] != "Namespace")


def test_redis_keeps_its_acl_file_on_a_claim_across_pod_restarts(rendered):
    """The users the migrate Job makes live in Redis's ACL file (REDIS_DIR, /var/lib/redis): on an emptyDir a
    rescheduled Redis came back without them and refused every server and device until the Job ran again."""
    _, objects = rendered
    (redis,) = [o for o in objects if (o["kind"], o["metadata"]["name"]) == ("Deployment", "encore-redis")]
    pod = redis["spec"]["template"]["spec"]
    (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["mountPath"] == "/var/lib/redis"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    claim = volume["persistentVolumeClaim"]["claimName"]
    claims = {o["metadata"]["name"] for o in objects if o["kind"] == "PersistentVolumeClaim"}
    assert claim in claims
    assert redis["spec"]["strategy"]["type"] == "Recreate"  # one pod at a time on a ReadWriteOnce claim


def test_every_pod_runs_unprivileged_with_probes_and_limits(rendered):
    _, objects = rendered
    pods = [
        (o["metadata"]["name"], o["spec"]["template"]["spec"])
        for o in objects
        if o["kind"] in {"Deployment", "StatefulSet", "Job"}
    ]
    assert pods
    for name, pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["securityContext"]["capabilities"]["drop"] == ["ALL"], name
            assert {"requests", "limits"} <= container["resources"].keys(), name
            if not name.endswith("migrate"):  # a Job runs to its end: nothing to probe
                assert "readinessProbe" in container, name
                assert "livenessProbe" in container, name


def test_network_policies_let_only_devices_reach_server_and_redis_and_only_encore_reach_postgres(rendered):
    _, objects = rendered
    policies = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "NetworkPolicy"}
    assert policies["default-deny-ingress"] == {"podSelector": {}, "policyTypes": ["Ingress"]}
    server_from = policies["encore-server-from-devices"]["ingress"][0]["from"]
    assert any("ipBlock" in peer for peer in server_from)
    db_from = policies["encore-db-from-pooler-and-owner"]["ingress"][0]["from"]
    allowed = [peer["podSelector"]["matchLabels"] for peer in db_from]
    assert allowed == [{"encore.dev/role": "db-pooler"}, {"encore.dev/database-client": "owner"}]
    pooler_from = policies["encore-db-pooler-from-servers"]["ingress"][0]["from"]
    assert [p["podSelector"]["matchLabels"] for p in pooler_from] == [
        {"encore.dev/database-client": "pooler"}
    ]
    # Which pods carry which database label: the servers go through the pooler; only migrate and scheduler own.
    labels = {
        o["metadata"]["name"]: o["spec"]["template"]["metadata"]["labels"].get("encore.dev/database-client")
        for o in objects
        if o["kind"] in {"Deployment", "Job"}
    }
    assert labels["encore-server"] == "pooler"
    assert {n for n, v in labels.items() if v == "owner"} == {"encore-scheduler", "encore-migrate"}
    assert labels["encore-redis"] is None


def test_every_kubernetes_object_is_valid(rendered):
    _, objects = rendered
    checked = 0
    for obj in objects:
        if obj["apiVersion"].startswith(CNPG_GROUP):
            continue  # their schemas are the operator's CRDs (next test)
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        checked += 1
    assert checked > 20


def _cnpg_schema(kind: str) -> dict[str, Any]:
    # The C loader: the Cluster CRD is megabytes of YAML.
    crd = yaml.load(
        (CNPG_SCHEMAS / f"{CNPG_GROUP}_{kind.lower()}s.yaml").read_text(), Loader=yaml.CSafeLoader
    )
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    return version["schema"]["openAPIV3Schema"]


@pytest.mark.skipif(
    not CNPG_SCHEMAS.is_dir(),
    reason=f"CloudNativePG CRD schemas not found at {CNPG_SCHEMAS} (shared/schemas/cloudnative-pg beside the repo)",
)
def test_cloudnative_pg_objects_match_the_operator_crds():
    _, objects = "cloud", [doc for doc in yaml.safe_load_all(_render("cloud")) if doc]
    cnpg = [o for o in objects if o["apiVersion"] == f"{CNPG_GROUP}/v1"]
    assert {o["kind"] for o in cnpg} == {"Cluster", "Pooler", "ScheduledBackup"}
    for obj in cnpg:
        schema = _cnpg_schema(obj["kind"])
        jsonschema.validate(obj, schema, cls=jsonschema.Draft7Validator)
    # Control: the schemas are strict enough to refuse a wrong field.
    broken = next(o for o in cnpg if o["kind"] == "Pooler")
    broken = json.loads(json.dumps(broken))
    broken["spec"]["pgbouncer"]["poolMode"] = "statement-ish"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, _cnpg_schema("Pooler"), cls=jsonschema.Draft7Validator)


def test_the_compose_file_is_valid_compose():
    checked = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(STACK / "compose.yaml")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Compose itself merges the host-network override and checks the result (with the example's variables).
    env = {**os.environ, "TICKET_SIGNING_KEY": "example", "PIN_KEY": "example"}
    merged = subprocess.run(
        [_tool("docker-compose"), "--project-directory", str(STACK), "--env-file", str(STACK / ".env.example"),
         "-f", str(STACK / "compose.yaml"), "-f", str(STACK / "compose.host.yaml"), "config", "--format", "json"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    services = json.loads(merged.stdout)["services"]
    assert {s["network_mode"] for s in services.values()} == {"host"}
    assert "ops" not in services  # a profile: only `run` starts it


def test_hadolint_passes_both_dockerfiles():
    linted = subprocess.run(
        [_tool("hadolint"), str(STACK / "Dockerfile"), str(STACK / "services" / "Dockerfile")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout + linted.stderr


def _checkov(*args: str) -> dict[str, dict[str, Any]]:
    """checkov's JSON per framework: passed counts summed, failed checks listed (one document per -d folder)."""
    ran = subprocess.run(
        [_tool("checkov"), "--quiet", "--compact", "--output", "json", "--skip-download", *args],
        capture_output=True, text=True, timeout=600, env={**os.environ, "LOG_LEVEL": "ERROR"},
    )  # fmt: skip
    merged: dict[str, dict[str, Any]] = {}
    decoder, text = json.JSONDecoder(), ran.stdout.strip()
    at = 0
    while at < len(text):
        document, at = decoder.raw_decode(text, at)
        while at < len(text) and text[at].isspace():
            at += 1
        for report in document if isinstance(document, list) else [document]:
            into = merged.setdefault(report["check_type"], {"passed": 0, "failed": []})
            into["passed"] += report["summary"]["passed"]
            into["failed"] += [
                f"{c['check_id']} {c['resource']} {c.get('file_path', '')}: {c['check_name']}"
                for c in report["results"]["failed_checks"]
            ]
    assert merged, f"checkov printed no report: {ran.stderr[-2000:]}"
    return merged


def test_checkov_finds_nothing_failing(tmp_path):
    for overlay in OVERLAYS:
        (tmp_path / f"{overlay}.yaml").write_text(_render(overlay))
    # One run (checkov takes seconds to start): the rendered manifests, the Dockerfiles, and every committed
    # file under server-stack/ for secrets.
    # (the kustomize sources under k8s/ only as rendered: alone they are not what gets applied; functions/ and
    # terraform/ have their own checkov tests).
    reports = _checkov(
        "--framework", "kubernetes", "dockerfile", "secrets", "-d", str(tmp_path), "-d", str(STACK),
        "--skip-path", "k8s/", "--skip-path", "functions/", "--skip-path", "terraform/",
    )  # fmt: skip
    assert reports["kubernetes"]["passed"] > 100
    assert reports["dockerfile"]["passed"] > 10
    assert [failed for report in reports.values() for failed in report["failed"]] == []


def test_the_server_image_leaves_the_desktop_apps_qt_out():
    spec = importlib.util.spec_from_file_location(
        "server_requirements", STACK / "image" / "server_requirements.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    requirements = module.server_requirements(str(ROOT / "pyproject.toml"))
    assert any(r.startswith("litestar") for r in requirements)
    assert not [r for r in requirements if r.lower().startswith(("pyside6", "qasync"))]
