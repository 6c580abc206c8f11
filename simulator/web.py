"""A very small request/response layer over WSGI."""

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes
    base_url: str

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> "Request":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        host = environ.get("HTTP_HOST") or (
            f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        )
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=environ.get("PATH_INFO") or "/",
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            headers=headers,
            body=body,
            base_url=f"{environ.get('wsgi.url_scheme', 'http')}://{host}",
        )

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def csv_arg(self, name: str) -> list[str] | None:
        """An array query parameter, comma-separated or repeated."""
        if name not in self.query:
            return None
        return [item for value in self.query[name] for item in value.split(",") if item]

    def form(self) -> dict[str, str]:
        fields = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[-1] for key, values in fields.items()}

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> "Response":
        return cls(
            status,
            json.dumps(data).encode("utf-8"),
            [("Content-Type", "application/json")],
        )

    @classmethod
    def html(cls, text: str, status: int = 200) -> "Response":
        return cls(
            status, text.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8")]
        )

    @classmethod
    def redirect(cls, location: str) -> "Response":
        return cls(302, b"", [("Location", location)])

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def send(self, start_response: Callable) -> Iterable[bytes]:
        reason = HTTPStatus(self.status).phrase
        headers = [*self.headers, ("Content-Length", str(len(self.body)))]
        start_response(f"{self.status} {reason}", headers)
        return [self.body]


Handler = Callable[..., Response]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    operation: str | None  # Amazon's operationId for SP-API routes


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self, method: str, template: str, handler: Handler, operation: str | None = None
    ) -> None:
        """Register a path like /feeds/{feedId}; {name} matches one segment."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self.routes.append(Route(method, re.compile(f"^{regex}$"), handler, operation))

    def match(
        self, method: str, path: str
    ) -> tuple[Route | None, dict[str, str], bool]:
        """The route, its path parameters, and whether the path exists."""
        path_known = False
        for route in self.routes:
            found = route.pattern.match(path)
            if found:
                path_known = True
                if route.method == method:
                    return route, found.groupdict(), True
        return None, {}, path_known
