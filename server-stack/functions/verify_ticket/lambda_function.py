"""AWS Lambda entry point (handler ``lambda_function.lambda_handler``), behind a function URL or API Gateway
(HTTP API payload 2.0, or REST API payload 1.0): the same verdicts as main.py."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from verifier import Answer, ConfigProblem, Verifier

_verifier: Verifier | None = None


def _get() -> Verifier:
    global _verifier
    if _verifier is None:
        _verifier = Verifier.from_environment()
    return _verifier


def _reply(answer: Answer) -> dict[str, Any]:
    return {
        "statusCode": answer.status,
        "headers": {"content-type": "application/json"},
        "body": answer.json_bytes().decode(),
        "isBase64Encoded": False,
    }


def lambda_handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    try:
        verifier = _get()
    except ConfigProblem as exc:
        return _reply(Answer(500, {"error": "config_invalid", "message": str(exc)}))
    http = (event.get("requestContext") or {}).get("http") or {}
    method = str(http.get("method") or event.get("httpMethod") or "GET").upper()
    query = {str(k): str(v) for k, v in (event.get("queryStringParameters") or {}).items()}
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    raw = event.get("body") or ""
    try:
        body = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else str(raw).encode()
    except (binascii.Error, ValueError):
        return _reply(Answer(400, {"error": "invalid_input", "message": "The body is not valid base64."}))
    return _reply(verifier.handle(method, query, body, headers.get("content-type", "")))
