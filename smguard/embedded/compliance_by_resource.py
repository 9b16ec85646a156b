"""GetComplianceDetailsByResource for the embedded AWS: one resource's results under every rule.

moto 5.2.5 lacks it; sagemaker_jobs reads its previous window with it (its result on the
account). As the Config API reference documents it
(https://docs.aws.amazon.com/config/latest/APIReference/API_GetComplianceDetailsByResource.html):
ResourceType and ResourceId name the resource; ComplianceTypes filters on COMPLIANT,
NON_COMPLIANT and NOT_APPLICABLE (absent = all three, at most 3 values); the answer holds the
resource's current result under each rule of the account and region, in the EvaluationResult shape
of GetComplianceDetailsByConfigRule. Decisions where AWS does not say: a page holds at most 100
results, sorted by rule name, with config_compliance's signed NextToken; ResourceEvaluationId
(proactive evaluations) is refused as unsupported.
"""

from __future__ import annotations

import json
from typing import Any

from moto.config.exceptions import InvalidParameterValueException
from moto.config.models import ConfigBackend
from moto.config.responses import ConfigResponse

from smguard.embedded.config_compliance import (
    POSTABLE_COMPLIANCE_TYPES,
    _compliance_filter,
    _page,
    _request,
    _required,
    _with_token,
    evaluation_store,
)

PAGE_SIZE = 100


def get_compliance_details_by_resource(
    self: ConfigBackend, resource_type: str, resource_id: str, compliance_types: list[str] | None, next_token: str | None
) -> dict[str, Any]:
    wanted = _compliance_filter(compliance_types, POSTABLE_COMPLIANCE_TYPES, "complianceTypes")
    store = evaluation_store(self)
    results = sorted(
        (
            result
            for rule in self.config_rules.values()
            for result in store.results(rule.config_rule_id)
            if result.key == (resource_type, resource_id) and result.compliance_type in wanted
        ),
        key=lambda result: result.rule_name,
    )
    listing = f"GetComplianceDetailsByResource {resource_type} {resource_id} {sorted(wanted)}"
    page, token = _page(results, lambda result: (result.rule_name,), PAGE_SIZE, next_token, listing)
    return _with_token({"EvaluationResults": [result.to_evaluation_result() for result in page]}, token)


def _get_compliance_details_by_resource_response(self: ConfigResponse) -> str:
    request = _request(self)
    if request.get("ResourceEvaluationId") is not None:
        raise InvalidParameterValueException("ResourceEvaluationId (proactive evaluation) is not supported by the embedded AWS.")
    resource_type, resource_id = _required(request, "ResourceType", "ResourceId")
    return json.dumps(
        get_compliance_details_by_resource(
            self.config_backend, resource_type, resource_id, request.get("ComplianceTypes"), request.get("NextToken")
        )
    )


def install() -> None:
    """Give moto's Config GetComplianceDetailsByResource (idempotent, process-wide)."""
    setattr(ConfigBackend, "get_compliance_details_by_resource", get_compliance_details_by_resource)
    setattr(ConfigResponse, "get_compliance_details_by_resource", _get_compliance_details_by_resource_response)
