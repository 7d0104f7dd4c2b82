"""Cloud Run functions / Knative entry point (functions-framework): ``functions-framework --target=verify_ticket``.

GET /?qr=TEXT or POST the QR text: 200 with the verdict (valid or not), 400/413 for a bad request, 503 when the
bundle cannot be trusted (malformed, forged, too old). Set ENCORE_BUNDLE_URL and ENCORE_BUNDLE_SIGNERS.
"""

from __future__ import annotations

from typing import Any

import flask
import functions_framework
from verifier import ConfigProblem, Verifier

_verifier: Verifier | None = None


def _get() -> Verifier:
    global _verifier
    if _verifier is None:
        _verifier = Verifier.from_environment()
    return _verifier


@functions_framework.http
def verify_ticket(request: flask.Request) -> Any:
    try:
        verifier = _get()
    except ConfigProblem as exc:
        return flask.jsonify({"error": "config_invalid", "message": str(exc)}), 500
    answer = verifier.handle(
        request.method, request.args, request.get_data(cache=False), request.content_type or ""
    )
    return flask.Response(answer.json_bytes(), status=answer.status, mimetype="application/json")
