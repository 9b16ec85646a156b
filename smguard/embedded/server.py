"""The embedded AWS as a real HTTP endpoint, for code that must talk to AWS over the network.

A ``ThreadedMotoServer`` runs in this process (its backends are moto's, with the compliance and
organization-rule APIs installed), bound to 127.0.0.1 on a free port. Point boto3 at it with
``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from moto.server import ThreadedMotoServer

from smguard.embedded import install

RESET_TIMEOUT_SECONDS = 10


@contextmanager
def embedded_server() -> Iterator[str]:
    """Run the server for the ``with`` block; yield its endpoint URL; drop every resource it held at exit."""
    install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        yield endpoint
    finally:
        requests.post(f"{endpoint}/moto-api/reset", timeout=RESET_TIMEOUT_SECONDS)
        server.stop()
