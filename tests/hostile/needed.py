"""Which recorded properties each rule's check needs, and the value that satisfies it.

Derived by reading each rule's ``check.py``. A resource whose needed property is absent, null, of
the wrong type, in the wrong casing or otherwise not the satisfying value must never be reported
COMPLIANT. Every rule the catalogue discovers must have an entry here (test_coverage.py fails
otherwise), so a new rule cannot slip past the hostile suite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from smguard.resources.base import (
    SAMPLE_ACCOUNT,
    SAMPLE_GROUP_ID,
    SAMPLE_KEY_ARN,
    SAMPLE_KEY_ID,
    SAMPLE_REGION,
    SAMPLE_SUBNET_ID,
    SAMPLE_VPC_ID,
)
from smguard.resources.types import domain, endpoint_config, model, notebook_instance, security_group, vpc

NOTEBOOK = notebook_instance.TYPE.name
ENDPOINT_CONFIG = endpoint_config.TYPE.name
DOMAIN = domain.TYPE.name
MODEL = model.TYPE.name
SECURITY_GROUP = security_group.TYPE.name
VPC = vpc.TYPE.name

ACCOUNT = SAMPLE_ACCOUNT
REGION = SAMPLE_REGION
KEY_ID = SAMPLE_KEY_ID
"""Stands for the customer managed key the hostile world creates in moto (moto picks its own id;
the harness swaps this placeholder for it in every event): the key of the types' samples."""
KEY_ARN = SAMPLE_KEY_ARN
VPC_WITH_FLOW_LOG = SAMPLE_VPC_ID
"""Stands for the seeded VPC that has a flow log and SageMaker endpoints (swapped in like KEY_ID)."""
SUBNET_ID = SAMPLE_SUBNET_ID
GROUP_ID = SAMPLE_GROUP_ID

EXACT = "exact"
"""Only this value satisfies the check (enumerations are case-sensitive, lists must be these)."""
CASELESS = "caseless"
"""This string in any casing (EC2 returns endpoint states in lower case, its documentation capitalises them)."""
ONE_OF = "one of"
"""Exactly one of the values of the tuple ``value``."""
ID_LIST = "id list"
"""A non-empty list of non-empty strings (subnet or security group ids)."""
REFERENCE = "reference"
"""Any non-empty string satisfies the presence check (e.g. a KMS key id, alias or ARN); absent,
null, empty or a non-string must not. Rules that resolve the reference check more, not less."""
UNLESS_ABSENT = "unless absent"
"""Absent or null is accepted (the rule says the field was not checked, as for a template-built
fact); any other value must be exactly ``value``: a value present but unreadable never counts."""


def _always(configuration: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Needed:
    """One property the check cannot decide COMPLIANT without."""

    path: str
    """Dotted path in the ``configuration`` object."""
    value: Any
    """The value written into the baseline (compliant) configuration."""
    kind: str = EXACT
    applies: Callable[[Mapping[str, Any]], bool] = field(default=_always, compare=False)
    """Some properties are needed only in some configurations (capture key when capture is on)."""

    def satisfied(self, configuration: Mapping[str, Any]) -> bool:
        if not self.applies(configuration):
            return True
        found, value = lookup(configuration, self.path)
        if self.kind == UNLESS_ABSENT:
            return not found or value is None or (type(value) is type(self.value) and value == self.value)
        if not found:
            return False
        if self.kind == REFERENCE:
            return isinstance(value, str) and bool(value)
        if self.kind == ONE_OF:
            return isinstance(value, str) and value in self.value
        if self.kind == ID_LIST:
            return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)
        if self.kind == CASELESS:
            return isinstance(value, str) and value.lower() == self.value.lower()
        return type(value) is type(self.value) and value == self.value


def lookup(configuration: Any, path: str) -> tuple[bool, Any]:
    value = configuration
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return False, None
        value = value[part]
    return True, value


def _sharing_on(configuration: Mapping[str, Any]) -> bool:
    """Studio notebook sharing is on when SharingSettings is recorded and not null (even as an empty object)."""
    found, sharing = lookup(configuration, "DefaultUserSettings.SharingSettings")
    return found and sharing is not None


def _capture_enabled(configuration: Mapping[str, Any]) -> bool:
    capture = configuration.get("DataCaptureConfig")
    if capture is None or capture == {}:
        return False  # an empty object records no capture: a real one has DestinationS3Uri and CaptureOptions
    return not (isinstance(capture, Mapping) and capture.get("EnableCapture") is False)


NEEDED: dict[str, dict[str, tuple[Needed, ...]]] = {
    "notebook_root_access": {NOTEBOOK: (Needed("RootAccess", "Disabled"),)},
    "notebook_direct_internet": {NOTEBOOK: (Needed("DirectInternetAccess", "Disabled"),)},
    "notebook_in_vpc": {NOTEBOOK: (Needed("SubnetId", SUBNET_ID, REFERENCE),)},
    "studio_domain_vpc_only": {
        DOMAIN: (
            Needed("AppNetworkAccessType", "VpcOnly"),
            Needed("DefaultUserSettings.SharingSettings.S3KmsKeyId", KEY_ARN, REFERENCE, applies=_sharing_on),
        ),
    },
    "sagemaker_kms": {
        NOTEBOOK: (Needed("KmsKeyId", KEY_ARN, REFERENCE),),
        DOMAIN: (Needed("KmsKeyId", KEY_ARN, REFERENCE),),
        ENDPOINT_CONFIG: (
            Needed("KmsKeyId", KEY_ARN, REFERENCE),
            Needed("DataCaptureConfig.KmsKeyId", KEY_ARN, REFERENCE, applies=_capture_enabled),
        ),
    },
    "sagemaker_model_isolation": {
        MODEL: (
            Needed("EnableNetworkIsolation", True),
            Needed("VpcConfig.Subnets", [SUBNET_ID], ID_LIST),
            Needed("VpcConfig.SecurityGroupIds", [GROUP_ID], ID_LIST),
        ),
    },
    "vpc_default_sg": {
        SECURITY_GROUP: (
            Needed("groupName", "default"),
            Needed("ipPermissions", []),
            Needed("ipPermissionsEgress", []),
        ),
    },
}


FACTS_ONLY = {
    "vpc_flow_logs": "compliance comes from DescribeFlowLogs entries (FACT_NEEDED), the VPC item only says whether it is pending or deleting",
    "vpc_endpoints": "periodic only: compliance comes from DescribeVpcEndpoints entries (FACT_NEEDED)",
}
"""Rules whose recorded item holds no property the check needs; their needs are in FACT_NEEDED."""
NEEDED.update({"vpc_flow_logs": {VPC: ()}, "vpc_endpoints": {VPC: ()}})


def _interface(entry: Mapping[str, Any]) -> bool:
    return entry.get("VpcEndpointType") == "Interface"


FACT_NEEDED: dict[str, tuple[Needed, ...]] = {
    "vpc_flow_logs": (
        Needed("ResourceId", VPC_WITH_FLOW_LOG),
        Needed("TrafficType", "ALL"),
        Needed("FlowLogStatus", "ACTIVE"),
        Needed("DeliverLogsStatus", "SUCCESS", UNLESS_ABSENT),
    ),
    "vpc_endpoints": (
        Needed("VpcEndpointType", ("Interface", "Gateway"), ONE_OF),
        Needed("State", "available", CASELESS),
        Needed("PrivateDnsEnabled", True, applies=_interface),
    ),
}
"""Per API entry (a DescribeFlowLogs or DescribeVpcEndpoints result), what must hold for it to count.
FlowLogStatus must be ACTIVE (absent or null never counts). DeliverLogsStatus may be absent or null
(a template-built fact has none: the rule then says delivery was not checked); any other value than
SUCCESS must not count. The default MaxAggregationInterval (absent means 600) is left out on purpose."""
