"""A moto server on 127.0.0.1 that counts the requests it serves, by service and operation.

Tests and benchmarks point a client (smguard, or Cloud Custodian in its own virtualenv) at it with
``AWS_ENDPOINT_URL`` and read the count at the server, so every request is seen whoever made it.
It is moto's own WSGI application, served the way ``ThreadedMotoServer`` serves it, behind a
small counting middleware.
"""

from __future__ import annotations

import io
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

import requests
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from smguard.embedded import install

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


class QuietRequestHandler(MotoRequestHandler):
    """No access log line per request: a benchmark makes thousands."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass


class RequestCounter:
    """WSGI middleware counting (service, operation) of every request except moto's own API."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith("/moto-api"):
            key = self._operation(environ)
            with self._lock:
                self.counts[key] += 1
        return self.app(environ, start_response)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()

    def total(self, service: str | None = None) -> int:
        with self._lock:
            return sum(n for (s, _), n in self.counts.items() if service is None or s == service)

    @staticmethod
    def _operation(environ: dict[str, Any]) -> tuple[str, str]:
        scope = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope.group(1) if scope else "unknown"
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return service, target.rsplit(".", 1)[-1]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        action = parse_qs(body.decode("utf-8", "replace")).get("Action") or parse_qs(environ.get("QUERY_STRING", "")).get(
            "Action"
        )
        if action:
            return service, action[0]
        return service, f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"


class CountingMotoServer:
    """Start with ``start()``; ``url`` is the endpoint; ``requests`` counts what it served."""

    def __init__(self) -> None:
        self.requests = RequestCounter(DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> CountingMotoServer:
        install()  # moto completed as smguard's embedded AWS (SageMaker resources moto lacks, Config's compliance APIs)
        self._server = make_server("127.0.0.1", 0, self.requests, threaded=True, request_handler=QuietRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        """Forget every resource (moto's reset) and every count."""
        requests.post(f"{self.url}/moto-api/reset", timeout=30).raise_for_status()
        self.requests.reset()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
