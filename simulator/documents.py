"""Presigned document URLs, answering like S3 does.

An upload URL accepts one kind of request: a PUT whose Content-Type is
exactly the contentType given to createFeedDocument, within five minutes.
A download URL serves a result or report document for five minutes.
"""

import logging
from typing import Any
from xml.sax.saxutils import escape

from simulator.web import Request, Response

logger = logging.getLogger(__name__)

S3_MESSAGES = {
    "SignatureDoesNotMatch": (
        "The request signature we calculated does not match the signature you "
        "provided. Check your key and signing method."
    ),
    "AccessDenied": "Request has expired",
    "NoSuchKey": "The specified key does not exist.",
}


def s3_error(code: str, status: int = 403) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(S3_MESSAGES[code])}</Message>"
        "</Error>"
    )
    return Response(status, body.encode(), [("Content-Type", "application/xml")])


def upload(sim: Any, request: Request, document_id: str) -> Response:
    with sim.lock:
        document = sim.state.documents.get(document_id)
        if document is None:
            return s3_error("NoSuchKey", 404)
        problem = sim.check_presigned(request, "PUT")
        if problem:
            return s3_error(problem)
        sent_type = request.headers.get("content-type", "")
        if sent_type.strip() != document.content_type.strip():
            logger.info(
                "Upload to %s refused: Content-Type %r, expected %r",
                document_id,
                sent_type,
                document.content_type,
            )
            return s3_error("SignatureDoesNotMatch")
        document.content = request.body
        sim.counters["documents"]["uploaded"] += 1
        sim.counters["documents"]["bytesUploaded"] += len(request.body)
    return Response(200, b"", [("ETag", f'"{document_id[-12:]}"')])


def download(sim: Any, request: Request, document_id: str) -> Response:
    with sim.lock:
        document = sim.state.documents.get(document_id)
        if document is None or document.content is None:
            return s3_error("NoSuchKey", 404)
        problem = sim.check_presigned(request, "GET")
        if problem:
            return s3_error(problem)
        headers = [("Content-Type", document.content_type)]
        if request.arg("response-content-encoding") == "gzip":
            headers.append(("Content-Encoding", "gzip"))
        return Response(200, document.content, headers)


ROUTES = [
    ("PUT", "/_s3/uploads/{document_id}", upload, None),
    ("GET", "/_s3/documents/{document_id}", download, None),
]
