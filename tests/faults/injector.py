"""Faults injected at the HTTP layer, below botocore's retry logic, and a fake clock.

A ``before-send`` hook answers an attempt with the HTTP response AWS would send for the fault
(status code and an error body in the service's protocol) or raises the timeout botocore raises,
so botocore's real retry mode decides what is retried, how often and how long it waits; every
wait goes to a fake clock, so a scenario that would take minutes runs in milliseconds and its
duration is measured exactly. APIs moto lacks (GetResourceConfigHistory,
GetComplianceDetailsByConfigRule) are answered here too when no fault applies.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

from smguard.engine.clients import BOTO_CONFIG, ClientCache, refuse_late_attempts

UNROUTABLE = "https://fault-injected.invalid/"
"""An attempt answered here is pointed at this URL, so that moto's own before-send hook (which runs
after ours) does not also process it."""
JSON_SERVICES = frozenset({"config-service", "kms", "ssm"})
QUERY_NAMESPACES = {"sts": "https://sts.amazonaws.com/doc/2011-06-15/"}


class FakeClock:
    """Monotonic seconds that only move when the code under test sleeps or an attempt times out."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Fault:
    """What an affected attempt gets: an HTTP error (status, code) or a timeout."""

    name: str
    status: int = 0
    codes: dict[str, str] = field(default_factory=dict)
    """Error code per service id (AWS names the same fault differently per service)."""
    timeout: str | None = None
    """``read`` or ``connect``."""

    def code_for(self, service: str) -> str:
        return self.codes.get(service, self.codes.get("*", ""))


THROTTLING = Fault("throttling", 400, {"*": "ThrottlingException", "ec2": "RequestLimitExceeded", "sts": "Throttling"})
SERVER_ERROR = Fault("5xx", 503, {"*": "ServiceUnavailable", "ec2": "Unavailable", "config-service": "ServiceUnavailableException"})
ACCESS_DENIED = Fault("AccessDenied", 403, {"*": "AccessDeniedException", "ec2": "UnauthorizedOperation", "sts": "AccessDenied"})
EXPIRED_TOKEN = Fault("ExpiredToken", 400, {"*": "ExpiredTokenException", "ec2": "RequestExpired", "sts": "ExpiredToken"})
READ_TIMEOUT = Fault("ReadTimeoutError", timeout="read")
CONNECT_TIMEOUT = Fault("ConnectTimeoutError", timeout="connect")
FAULTS = (THROTTLING, SERVER_ERROR, ACCESS_DENIED, EXPIRED_TOKEN, READ_TIMEOUT, CONNECT_TIMEOUT)


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _response(status: int, body: bytes, content_type: str) -> AWSResponse:
    headers = {"x-amzn-RequestId": "fault-injected", "Content-Type": content_type, "Content-Length": str(len(body))}
    return AWSResponse("https://fault.invalid/", status, headers, _Body(body))


def error_response(service: str, status: int, code: str, message: str) -> AWSResponse:
    """The error response AWS sends, in the protocol of the service (JSON, EC2 XML or query XML)."""
    if service in JSON_SERVICES:
        return _response(status, json.dumps({"__type": code, "message": message}).encode(), "application/x-amz-json-1.1")
    if service == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                "<RequestID>fault-injected</RequestID></Response>")
        return _response(status, body.encode(), "text/xml")
    namespace = QUERY_NAMESPACES[service]
    body = (f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type><Code>{code}</Code>'
            f"<Message>{message}</Message></Error><RequestId>fault-injected</RequestId></ErrorResponse>")
    return _response(status, body.encode(), "text/xml")


def json_response(payload: dict[str, Any]) -> AWSResponse:
    return _response(200, json.dumps(payload).encode(), "application/x-amz-json-1.1")


@dataclass
class Injector:
    """Counts every HTTP attempt per operation and answers the ones a fault applies to."""

    clock: FakeClock
    faults: dict[str, Fault] = field(default_factory=dict)
    """Operation name -> fault."""
    fails: Callable[[int], bool] = lambda attempt: True
    """Which attempts (1-based, per operation) of a faulted operation the fault hits (default: all)."""
    answers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)
    """Operation name -> a JSON answer for APIs moto lacks, from the request's parameters."""
    attempts: Counter = field(default_factory=Counter)

    def __call__(self, request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        # The engine's own before-send hook (the invocation deadline) runs before the network; the
        # injector stands for the network, whatever order botocore registered the two in.
        refuse_late_attempts(event_name=event_name)
        _, service, operation = event_name.split(".", 2)
        self.attempts[operation] += 1
        fault = self.faults.get(operation)
        if fault is not None and self.fails(self.attempts[operation]):
            url, request.url = request.url, UNROUTABLE
            return self._fail(fault, service, operation, url)
        answer = self.answers.get(operation)
        if answer is not None:
            params = json.loads(request.body or b"{}")
            request.url = UNROUTABLE
            return json_response(answer(params))
        return None

    def _fail(self, fault: Fault, service: str, operation: str, url: str) -> AWSResponse:
        if fault.timeout == "read":
            self.clock.advance(BOTO_CONFIG.read_timeout)
            raise ReadTimeoutError(endpoint_url=url)
        if fault.timeout == "connect":
            self.clock.advance(BOTO_CONFIG.connect_timeout)
            raise ConnectTimeoutError(endpoint_url=url)
        return error_response(service, fault.status, fault.code_for(service), f"injected {fault.name} on {operation}")


class FaultyClients(ClientCache):
    """The engine's client cache with the injector in front of every attempt of every client, STS included."""

    def __init__(self, injector: Injector, delivery_log: Any = None) -> None:
        super().__init__()
        self.injector = injector
        self.delivery_log = delivery_log

    def client(self, service: str, region: str | None = None, role_arn: str | None = None) -> Any:
        client = super().client(service, region, role_arn)
        if service == "config" and self.delivery_log is not None:
            events = client.meta.events
            events.register("provide-client-params.config.PutEvaluations", self.delivery_log.request, unique_id="log-request")
            events.register("after-call.config-service.PutEvaluations", self.delivery_log.response, unique_id="log-response")
        return self._inject(client.meta.events, client)

    def _session(self) -> boto3.Session:
        session = super()._session()
        self._inject(session.events, session)
        return session

    def _inject(self, events: Any, owner: Any) -> Any:
        events.register_first("before-send", self.injector, unique_id="smguard-fault-injector")
        return owner
