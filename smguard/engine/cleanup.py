"""Retire results of resources that a periodic rule no longer sees.

A periodic rule reports every resource it finds; a resource deleted since the last run would keep
its old result forever. rdklib clears these but reads only the first page of results and matches
on the resource id alone; here every page is read and results are matched on type and id.
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
    """NOT_APPLICABLE evaluations for the rule's recorded results whose resource is gone."""
    types = set(resource_types)
    paginator = config_client.get_paginator("get_compliance_details_by_config_rule")
    stale = []
    for page in paginator.paginate(
        ConfigRuleName=rule_name,
        ComplianceTypes=[Compliance.COMPLIANT.value, Compliance.NON_COMPLIANT.value],
        PaginationConfig={"PageSize": 100},
    ):
        for result in page.get("EvaluationResults", []):
            qualifier = result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
            key = (qualifier["ResourceType"], qualifier["ResourceId"])
            if key[0] in types and key not in current:
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
