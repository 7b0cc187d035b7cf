"""Fault injection on the app's own boto3 clients, through botocore's event hooks.

A fault names a service, an operation (and optionally a predicate on the call's parameters),
what goes wrong and how many times. Where it strikes:

- "call": the call fails as the app sees it once botocore has given up retrying (raised from
  `before-call`, nothing reaches AWS). One hit = one failed API call.
- "send": every HTTP attempt fails (from `before-send`: a real error response or a transport
  exception), so botocore's own retries run. With `max_attempts=3` (3 retries after the first
  attempt), 3 hits are absorbed and 4 hits make one failed API call.
- "lost": the call reached AWS and did its work, then the answer was lost (raised from
  `after-call` on a 2xx): the app sees a timeout for something that happened.
- "lost_in_transit": the request is sent to AWS for real, then the attempt times out, so
  botocore sends it again: the second attempt meets the effects of the first.
"""
from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

import requests
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError

# (error code, HTTP status) per service and kind of failure, as each service reports it.
ERRORS = {
    "dynamodb": {"throttle": ("ProvisionedThroughputExceededException", 400), "5xx": ("InternalServerError", 500),
                 "unavailable": ("ServiceUnavailable", 503)},
    "sns": {"throttle": ("Throttling", 400), "5xx": ("InternalError", 500), "unavailable": ("ServiceUnavailable", 503)},
    "scheduler": {"throttle": ("ThrottlingException", 429), "5xx": ("InternalServerException", 500),
                  "unavailable": ("ServiceUnavailable", 503)},
    "cognito-idp": {"throttle": ("TooManyRequestsException", 400), "5xx": ("InternalErrorException", 500),
                    "unavailable": ("InternalErrorException", 503)},
    "s3": {"throttle": ("SlowDown", 503), "5xx": ("InternalError", 500), "unavailable": ("ServiceUnavailable", 503)},
}
KINDS = ("throttle", "5xx", "unavailable", "timeout", "connect", "unprocessed")


@dataclass
class Fault:
    service: str
    operation: str
    kind: str = "throttle"
    times: int | None = 1  # None: until healed
    stage: str = "call"
    match: Callable[[dict[str, Any]], bool] | None = None
    hits: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)  # params of the calls it struck

    @property
    def active(self) -> bool:
        return self.times is None or self.hits < self.times

    def heal(self) -> None:
        self.times = self.hits


class Injector:
    def __init__(self, client_of: Callable[[str], Any]):
        self._client_of = client_of
        self._hooked: set[str] = set()
        self._local = threading.local()
        self.faults: list[Fault] = []
        self.calls: Counter = Counter()  # (service, operation) -> API calls made while injecting

    def inject(self, service: str, operation: str, kind: str = "throttle", times: int | None = 1,
               stage: str = "call", match: Callable[[dict[str, Any]], bool] | None = None) -> Fault:
        assert kind in KINDS and stage in ("call", "send", "lost", "lost_in_transit"), (kind, stage)
        self._hook(service)
        fault = Fault(service, operation, kind, times, stage, match)
        self.faults.append(fault)
        return fault

    def heal(self) -> None:
        """Everything works again."""
        for fault in self.faults:
            fault.heal()

    # hooks -----------------------------------------------------------------------------------

    def _hook(self, service: str) -> None:
        if service in self._hooked:
            return
        client = self._client_of(service)
        service_id = client.meta.service_model.service_id.hyphenize()
        events = client.meta.events
        events.register_first(f"before-parameter-build.{service_id}", self._before_parameter_build)
        events.register_first(f"before-call.{service_id}", self._before_call)
        events.register_first(f"before-send.{service_id}", self._before_send)
        events.register_first(f"after-call.{service_id}", self._after_call)
        self._hooked.add(service)

    def _striking(self, model: Any, params: dict[str, Any]) -> list[Fault]:
        service = model.service_model.service_name
        return [f for f in self.faults if f.active and f.service == service and f.operation == model.name
                and (f.match is None or f.match(params))]

    def _before_parameter_build(self, params, **_: Any):
        self._local.params = dict(params)  # the API call's own parameters, before serialisation

    def _before_call(self, model, **_: Any):
        self.calls[(model.service_model.service_name, model.name)] += 1
        params = self._local.params
        striking = self._striking(model, params)
        self._local.armed = [f for f in striking if f.stage != "call"]
        for fault in striking:
            if fault.stage == "call":
                fault.hits += 1
                fault.seen.append(params)
                raise _error(fault, model)
        return None

    def _before_send(self, request, **_: Any):
        for fault in getattr(self._local, "armed", []):
            if fault.stage == "send" and fault.active:
                fault.hits += 1
                fault.seen.append(self._local.params)
                if fault.kind in ("timeout", "connect"):
                    raise _error(fault, None, request.url)
                if fault.kind == "unprocessed":
                    return _unprocessed_response(request)
                return _error_response(fault, request)
            if fault.stage == "lost_in_transit" and fault.active:
                fault.hits += 1
                fault.seen.append(self._local.params)
                body = request.body.read() if hasattr(request.body, "read") else request.body
                sent = requests.request(request.method, request.url, headers=dict(request.headers), data=body,
                                        timeout=30)
                assert sent.status_code < 300, sent.text  # it landed; only the answer is lost
                raise ReadTimeoutError(endpoint_url=request.url)
        return None

    def _after_call(self, http_response, model, **_: Any):
        armed, self._local.armed = getattr(self._local, "armed", []), []
        for fault in armed:
            if fault.stage == "lost" and fault.active and http_response.status_code < 300:
                fault.hits += 1
                fault.seen.append(self._local.params)
                raise ReadTimeoutError(endpoint_url=getattr(http_response, "url", "aws"))


def _error(fault: Fault, model: Any, url: str = "https://aws.invalid") -> Exception:
    if fault.kind == "timeout":
        return ReadTimeoutError(endpoint_url=url)
    if fault.kind == "connect":
        return EndpointConnectionError(endpoint_url=url) if model else ConnectTimeoutError(endpoint_url=url)
    code, status = ERRORS[fault.service][fault.kind]
    response = {"Error": {"Code": code, "Message": f"injected {fault.kind}"},
                "ResponseMetadata": {"HTTPStatusCode": status, "RetryAttempts": 2}}
    return ClientError(response, model.name)


def _unprocessed_response(request: Any) -> AWSResponse:
    """DynamoDB under throttling: a BatchGetItem that answers 200 but reads none of the keys."""
    asked = json.loads(request.body)["RequestItems"]
    body = json.dumps({"Responses": {table: [] for table in asked}, "UnprocessedKeys": asked}).encode()
    return AWSResponse(request.url, 200, {"content-type": "application/x-amz-json-1.0"}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_: Any):
        yield self._body


def _error_response(fault: Fault, request: Any) -> AWSResponse:
    """The HTTP error answer the service would give, in its protocol, for botocore to parse and retry."""
    code, status = ERRORS[fault.service][fault.kind]
    message = f"injected {fault.kind}"
    headers = {"x-amzn-requestid": "injected"}
    if fault.service == "dynamodb":
        headers["content-type"] = "application/x-amz-json-1.0"
        body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}).encode()
    elif fault.service == "scheduler":
        headers.update({"content-type": "application/json", "x-amzn-errortype": code})
        body = json.dumps({"message": message}).encode()
    elif fault.service == "sns":
        headers["content-type"] = "text/xml"
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                f"</Error><RequestId>injected</RequestId></ErrorResponse>").encode()
    else:  # s3: HEAD answers carry no body
        headers["content-type"] = "application/xml"
        body = b"" if request.method == "HEAD" else (
            f"<Error><Code>{code}</Code><Message>{message}</Message></Error>").encode()
    return AWSResponse(request.url, status, headers, _Raw(body))
