"""Check raw JSON responses of the embedded AWS against botocore's service model.

botocore's parser silently drops members it does not know and does not check enums or lengths, so
the raw body is captured before parsing and compared with the operation's output shape here.
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
from botocore.model import Shape

EMBEDDED_OPERATIONS = frozenset(
    {
        "PutEvaluations",
        "GetComplianceDetailsByConfigRule",
        "DescribeComplianceByConfigRule",
        "DescribeAggregateComplianceByConfigRules",
        "GetAggregateComplianceDetailsByConfigRule",
        "PutOrganizationConfigRule",
        "DescribeOrganizationConfigRules",
        "DescribeOrganizationConfigRuleStatuses",
        "GetOrganizationConfigRuleDetailedStatus",
        "DeleteOrganizationConfigRule",
        "SelectResourceConfig",
        "SelectAggregateResourceConfig",
        "ListDiscoveredResources",
        "BatchGetResourceConfig",
        "ListAggregateDiscoveredResources",
        "BatchGetAggregateResourceConfig",
        "DescribeConfigurationAggregatorSourcesStatus",
        "PutConformancePack",
        "DescribeConformancePacks",
        "DescribeConformancePackStatus",
        "DeleteConformancePack",
        "DescribeConformancePackCompliance",
        "GetConformancePackComplianceDetails",
        "GetConformancePackComplianceSummary",
        "ListConformancePackComplianceScores",
        "PutOrganizationConformancePack",
        "DescribeOrganizationConformancePacks",
        "DescribeOrganizationConformancePackStatuses",
        "GetOrganizationConformancePackDetailedStatus",
        "DeleteOrganizationConformancePack",
    }
)
CONFIG_MODEL = botocore.session.get_session().get_service_model("config")


def shape_errors(value: Any, shape: Shape, path: str = "$") -> list[str]:
    """Every way ``value`` (decoded JSON) departs from ``shape``; empty when it conforms."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {value!r}"]
        errors = [f"{path}.{key}: not in {shape.name}" for key in value if key not in shape.members]
        errors += [f"{path}.{key}: required by {shape.name}" for key in shape.required_members if key not in value]
        for key, member in shape.members.items():
            if key in value:
                errors += shape_errors(value[key], member, f"{path}.{key}")
        return errors
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {value!r}"]
        errors = [error for index, item in enumerate(value) for error in shape_errors(item, shape.member, f"{path}[{index}]")]
        return errors + _bounds(len(value), shape, path, "length")
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {value!r}"]
        errors = _bounds(len(value), shape, path, "length")
        if shape.enum and value not in shape.enum and not _documented_but_not_modelled(shape, value):
            errors.append(f"{path}: {value!r} not in {shape.enum}")
        return errors
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {value!r}"]
        return [error for key, item in value.items() for error in shape_errors(item, shape.value, f"{path}.{key}")]
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected an integer, got {value!r}"]
        return _bounds(value, shape, path, "value")
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {value!r}"]
    if kind == "timestamp":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected epoch seconds, got {value!r}"]
    return [f"{path}: no check for {kind}"]


def _documented_but_not_modelled(shape: Shape, value: str) -> bool:
    """botocore's ResourceType enum lags AWS's list: AWS Config records every type a module of
    smguard/resources/types defines (ListDiscoveredResources' valid values, AWS facts section 6),
    AWS::SageMaker::NotebookInstance and EndpointConfig among them, which this model lacks."""
    from smguard.resources import resource_types

    return shape.name == "ResourceType" and value in resource_types()


def _bounds(measure: int, shape: Shape, path: str, what: str) -> list[str]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and measure < low:
        return [f"{path}: {what} {measure} < {low}"]
    if high is not None and measure > high:
        return [f"{path}: {what} {measure} > {high}"]
    return []


class RawResponses:
    """Records the raw JSON body of every response a client receives."""

    def __init__(self, client: Any) -> None:
        self.bodies: list[tuple[str, int, dict[str, Any]]] = []
        client.meta.events.register("before-parse.config.*", self._record)

    def _record(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        body = response_dict["body"]
        self.bodies.append((operation_model.name, response_dict["status_code"], json.loads(body) if body else {}))

    def last(self, operation: str) -> dict[str, Any]:
        return [body for name, _, body in self.bodies if name == operation][-1]

    def conformance_errors(self) -> list[str]:
        """Shape errors of every successful response of the APIs the embedded AWS adds to moto so far."""
        errors = []
        for name, status, body in self.bodies:
            if status == 200 and name in EMBEDDED_OPERATIONS:
                output = CONFIG_MODEL.operation_model(name).output_shape
                if output is None:
                    errors += [f"{name} $: the operation has no output, got {body!r}"] if body else []
                else:
                    errors += [f"{name} {error}" for error in shape_errors(body, output)]
        return errors
