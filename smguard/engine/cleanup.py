"""Retire results of resources that a periodic rule no longer sees.

A periodic rule reports every resource it finds; a resource deleted since the last run would keep
its old result forever. rdklib clears these but reads only the first page of results and matches
on the resource id alone; here every page is read and results are matched on type and id.
NOT_APPLICABLE results are read in the same call (an exempt or out-of-scope resource may be gone
too); those already retired are left alone, so a retired result is posted once, not every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from smguard.engine.verdict import Compliance

GONE_ANNOTATION = "The resource no longer exists: it was not found in this periodic evaluation."


def stale_evaluations(
    config_client: Any,
    rule_name: str,
    resource_types: Iterable[str],
    current: set[tuple[str, str]],
    ordering_timestamp: str,
) -> list[dict[str, Any]]:
    """NOT_APPLICABLE evaluations for the rule's recorded results whose resource is gone.

    One paginated GetComplianceDetailsByConfigRule over all three postable compliance types, so
    the calls stay max(1, ceil(R/100)) for R recorded results.
    """
    types = set(resource_types)
    paginator = config_client.get_paginator("get_compliance_details_by_config_rule")
    stale = []
    for page in paginator.paginate(
        ConfigRuleName=rule_name,
        ComplianceTypes=[compliance.value for compliance in Compliance],
        PaginationConfig={"PageSize": 100},
    ):
        for result in page.get("EvaluationResults", []):
            qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
            key = (qualifier["ResourceType"], qualifier["ResourceId"])
            retired = (
                result.get("ComplianceType") == Compliance.NOT_APPLICABLE.value
                and result.get("Annotation") == GONE_ANNOTATION
            )
            if key[0] in types and key not in current and not retired:
                stale.append(
                    {
                        "ComplianceResourceType": key[0],
                        "ComplianceResourceId": key[1],
                        "ComplianceType": Compliance.NOT_APPLICABLE.value,
                        "Annotation": GONE_ANNOTATION,
                        "OrderingTimestamp": ordering_timestamp,
                    }
                )
    return stale
