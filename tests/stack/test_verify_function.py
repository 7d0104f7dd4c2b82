"""The ticket-verification function (server-stack/functions/verify_ticket), built as it is deployed and run for
real: under functions-framework over HTTP, and as an AWS Lambda handler with API Gateway and function-URL events.
Real tickets sold on PostgreSQL, one refunded; forged and altered tickets; a forged, stale and broken bundle."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.domain.clock import ManualClock
from core.services import orders, verification_bundle
from core.services import tickets as ticket_service
from core.tickets import signing
from core.tickets.bundle import open_bundle, seal_bundle
from tests.builders import ROOT, build_stage, sell
from tests.support.context import open_context
from tests.support.probes import free_port
from tests.support.s3 import reset_moto

FUNCTION = Path(__file__).resolve().parents[2] / "server-stack" / "functions" / "verify_ticket"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Sold:
    genuine: str
    refunded: str
    bundle: bytes
    forged_bundle: bytes
    stale_bundle: bytes
    signer: str
    """The server's public key, base64: the function's trust anchor."""


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deployable folder, as build.py makes it."""
    out = tmp_path_factory.mktemp("function") / "verify_ticket"
    _load("verify_ticket_build", FUNCTION / "build.py").build(out)
    return out


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sold(pg_module_database_url: str) -> Sold:
    """Sold once for the module (a stage, an order of two, one refunded), with the bundles to serve."""
    clock = ManualClock(datetime.now(UTC))
    async with open_context(pg_module_database_url, clock) as ctx:
        stage = await build_stage(ctx)
        order = await sell(ctx, stage, stage.kiosk, stage.seats[:2], "verify-fn-1")
        texts = {
            d.serial: d.qr_text for d in await ticket_service.order_documents(ctx, stage.manager, order.code)
        }
        refunded = order.tickets[1]
        await orders.refund_tickets(
            ctx, stage.manager, order.code, reason="Cannot come", ticket_ids=[refunded.id]
        )
        data = await verification_bundle.make_bundle(ctx, ROOT)
        assert ctx.signer is not None
        server = ctx.signer.key
    public = server.public_key_bytes
    opened = open_bundle(data, [public], clock.now())
    aged = replace(
        opened, issued_at=clock.now() - timedelta(hours=7), expires_at=clock.now() - timedelta(hours=1)
    )
    impostor = Ed25519PrivateKey.generate()
    return Sold(
        genuine=texts[order.tickets[0].serial],
        refunded=texts[refunded.serial],
        bundle=data,
        forged_bundle=seal_bundle(opened, impostor.sign, signing.public_key_bytes(impostor)),
        stale_bundle=seal_bundle(aged, server.sign, public),
        signer=base64.b64encode(public).decode(),
    )


def _environment(folder: Path, bundle_file: Path, signer: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(folder),
        "ENCORE_BUNDLE_URL": str(bundle_file),
        "ENCORE_BUNDLE_SIGNERS": signer,
        "ENCORE_BUNDLE_REFRESH_S": "0",  # read the file on every request: the test swaps it
    }


def test_the_built_function_carries_its_own_encore_modules_and_no_database_layer(built: Path) -> None:
    files = {p.relative_to(built).as_posix() for p in built.rglob("*.py")}
    assert {
        "main.py",
        "lambda_function.py",
        "verifier.py",
        "core/tickets/bundle.py",
        "core/tickets/qr.py",
    } <= files
    assert not any(f.startswith(("core/db/", "core/services/", "core/api/")) for f in files)
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import verifier, core, sys; print(core.__file__); print('sqlalchemy' in sys.modules)",
        ],
        cwd=built,
        env={**os.environ, "PYTHONPATH": str(built)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert Path(found[0]).is_relative_to(built)  # the folder's copy, not the source tree's
    assert found[1] == "False"


@pytest.fixture(scope="module")
def http_function(
    built: Path, sold: Sold, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx.Client, Path]]:
    """One functions-framework process for the module; a test that swaps the bundle puts the good one back."""
    bundle_file = tmp_path_factory.mktemp("published") / "bundle.json"
    bundle_file.write_bytes(sold.bundle)
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "functions-framework"), "--target=verify_ticket", "--source=main.py", f"--port={port}"],
        cwd=built,
        env=_environment(built, bundle_file, sold.signer),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = datetime.now(UTC) + timedelta(seconds=30)
            while True:
                try:
                    client.get("/", params={"qr": "warm-up"})
                    break
                except httpx.TransportError:
                    assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                    assert datetime.now(UTC) < deadline, "functions-framework did not start in 30 s"
            yield client, bundle_file
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.postgres
def test_over_http_real_tickets_get_the_right_verdict(
    http_function: tuple[httpx.Client, Path], sold: Sold
) -> None:
    client, _ = http_function
    genuine = client.get("/", params={"qr": sold.genuine})
    assert genuine.status_code == 200
    verdict = genuine.json()
    assert (verdict["valid"], verdict["reason"]) == (True, "genuine")
    assert verdict["concert"]["artist"] == "The Testers"
    assert verdict["issued_at"].endswith("Z")
    assert verdict["bundle_issued_at"].endswith("Z")

    posted = client.post("/", content=sold.refunded, headers={"content-type": "text/plain"})
    assert (posted.status_code, posted.json()["reason"], posted.json()["valid"]) == (200, "void", False)
    as_json = client.post("/", json={"qr": sold.genuine})
    assert as_json.json()["reason"] == "genuine"

    text = sold.genuine
    altered = text[:-4] + ("A" if text[-4] != "A" else "B") + text[-3:]
    forged = client.post("/", json={"qr": altered}).json()
    assert not forged["valid"]
    assert forged["reason"] in ("not_genuine", "not_a_ticket")
    assert client.get("/", params={"qr": "not a ticket at all"}).json()["reason"] == "not_a_ticket"


@pytest.mark.postgres
def test_over_http_bad_requests_are_told_what_to_send(http_function: tuple[httpx.Client, Path]) -> None:
    client, _ = http_function
    for reply, status, code in (
        (client.get("/"), 400, "invalid_input"),
        (client.post("/", json={"ticket": "x"}), 400, "invalid_input"),
        (
            client.post("/", content=b"{not json", headers={"content-type": "application/json"}),
            400,
            "invalid_input",
        ),
        (client.post("/", content=b"\xff\xfe", headers={"content-type": "text/plain"}), 400, "invalid_input"),
        (client.post("/", content=b"A" * 5000), 413, "request_too_large"),
        (client.put("/", content=b"x"), 405, "method_not_allowed"),
    ):
        assert (reply.status_code, reply.json()["error"]) == (status, code)
        assert reply.json()["message"]


@pytest.mark.postgres
def test_over_http_a_forged_stale_or_broken_bundle_judges_nothing(
    http_function: tuple[httpx.Client, Path], sold: Sold
) -> None:
    client, bundle_file = http_function
    for data, code in (
        (sold.forged_bundle, "bundle_forged"),
        (sold.stale_bundle, "bundle_stale"),
        (b'{"format": "encore-verification-bundle/1", "body": "AA==", "signature": "!"}', "bundle_malformed"),
        (b"\x00" * 100, "bundle_malformed"),
    ):
        bundle_file.write_bytes(data)
        reply = client.get("/", params={"qr": sold.genuine})
        assert (reply.status_code, reply.json()["error"]) == (503, code)
        assert "valid" not in reply.json()  # no verdict from a bundle that cannot be trusted
    bundle_file.unlink()
    missing = client.get("/", params={"qr": sold.genuine})
    assert (missing.status_code, missing.json()["error"]) == (503, "bundle_unreachable")
    bundle_file.write_bytes(sold.bundle)  # published again: verdicts come back
    assert client.get("/", params={"qr": sold.genuine}).json()["valid"] is True


@pytest.fixture
def lambda_handler(built: Path, sold: Sold, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_bytes(sold.bundle)
    for key, value in _environment(built, bundle_file, sold.signer).items():
        if key.startswith("ENCORE_BUNDLE_"):
            monkeypatch.setenv(key, value)
    monkeypatch.syspath_prepend(str(built))
    sys.modules.pop("verifier", None)
    yield _load("verify_lambda_function", built / "lambda_function.py").lambda_handler
    sys.modules.pop("verifier", None)


def _v2(method: str, body: str = "", query: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """A function-URL / HTTP API (payload 2.0) event, as AWS sends it."""
    return {
        "version": "2.0",
        "rawPath": "/",
        "headers": {"Content-Type": "text/plain", **extra.pop("headers", {})},
        "queryStringParameters": query,
        "requestContext": {"http": {"method": method, "path": "/"}},
        "body": body,
        "isBase64Encoded": False,
        **extra,
    }


@pytest.mark.postgres
def test_as_a_lambda_behind_a_function_url_or_api_gateway(lambda_handler: Any, sold: Sold) -> None:
    reply = lambda_handler(_v2("POST", sold.genuine), None)
    assert reply["statusCode"] == 200
    assert reply["headers"]["content-type"] == "application/json"
    assert json.loads(reply["body"])["reason"] == "genuine"

    encoded = base64.b64encode(sold.refunded.encode()).decode()
    void = lambda_handler(_v2("POST", encoded, isBase64Encoded=True), None)
    assert json.loads(void["body"])["reason"] == "void"
    query = lambda_handler(_v2("GET", query={"qr": sold.genuine}), None)
    assert json.loads(query["body"])["valid"] is True

    rest_v1 = {  # API Gateway REST API (payload 1.0)
        "httpMethod": "POST",
        "headers": {"content-type": "application/json"},
        "queryStringParameters": None,
        "body": json.dumps({"qr": sold.genuine}),
        "isBase64Encoded": False,
    }
    assert json.loads(lambda_handler(rest_v1, None)["body"])["reason"] == "genuine"
    bad = lambda_handler(_v2("POST", "%%%", isBase64Encoded=True), None)
    assert (bad["statusCode"], json.loads(bad["body"])["error"]) == (400, "invalid_input")
    assert lambda_handler(_v2("DELETE"), None)["statusCode"] == 405


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """moto's S3 in server mode: the bucket the venue server publishes the bundle into, as on AWS."""
    server_module = pytest.importorskip(
        "moto.moto_server.threaded_moto_server", reason="moto[server] missing"
    )
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    reset_moto(endpoint)
    for key, value in {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(key, value)
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.mark.postgres
def test_as_a_lambda_reading_the_bundle_from_the_bucket(
    lambda_handler: Any, sold: Sold, s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the Terraform module deploys: ENCORE_BUNDLE_URL=s3://<backup bucket>/verification/bundle.json."""
    import boto3

    s3 = boto3.client("s3")
    s3.create_bucket(
        Bucket="encore-backups", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    monkeypatch.setenv("ENCORE_BUNDLE_URL", "s3://encore-backups/verification/bundle.json")
    missing = lambda_handler(_v2("POST", sold.genuine), None)
    assert (missing["statusCode"], json.loads(missing["body"])["error"]) == (503, "bundle_unreachable")
    s3.put_object(Bucket="encore-backups", Key="verification/bundle.json", Body=sold.bundle)
    reply = lambda_handler(_v2("POST", sold.genuine), None)
    assert (reply["statusCode"], json.loads(reply["body"])["reason"]) == (200, "genuine")


def test_the_knative_service_sets_what_the_function_reads() -> None:
    import yaml

    service = yaml.safe_load((FUNCTION / "knative-service.yaml").read_text())
    assert (service["apiVersion"], service["kind"]) == ("serving.knative.dev/v1", "Service")
    container = service["spec"]["template"]["spec"]["containers"][0]
    names = {e["name"] for e in container["env"]}
    read = set(re.findall(r'"(ENCORE_BUNDLE_[A-Z_]+)"', (FUNCTION / "verifier.py").read_text()))
    assert read == {"ENCORE_BUNDLE_URL", "ENCORE_BUNDLE_SIGNERS", "ENCORE_BUNDLE_REFRESH_S"}
    assert names == read
    assert container["securityContext"]["runAsNonRoot"] is True
