"""Notebook instances must not have the internet access SageMaker provides by default.

With ``DirectInternetAccess`` Enabled, which is what SageMaker does when it is not given,
the notebook gets a network interface in a SageMaker-managed VPC with a route to the internet.
That path bypasses every control of the organization's VPC (security groups, endpoints, flow
logs), so a user can send data anywhere. Disabled leaves only the interface in the customer's
subnet. Only the exact value ``Disabled`` passes: AWS enumerations are case-sensitive, and a
value of another type or null cannot be shown to be Disabled.
"""

from __future__ import annotations

from smguard.engine import NoParameters, Resource, Verdict, describe_typed_value
from smguard.engine.recorded import ABSENT

RECREATE = (
    "It cannot be changed after creation: recreate the notebook with a SubnetId and "
    "DirectInternetAccess=Disabled (CreateNotebookInstance)."
)


def check(resource: Resource, parameters: NoParameters, facts: object = None) -> Verdict:
    configuration = resource.configuration
    access = configuration.get("DirectInternetAccess", ABSENT)
    if access == "Disabled":
        subnet = configuration.get("SubnetId")
        through = (
            f" and reaches networks only through subnet {subnet} of the organization's VPC"
            if isinstance(subnet, str) and subnet
            else ""
        )
        return Verdict.compliant(
            f"DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route{through}."
        )
    if access is ABSENT:
        shown = "absent (defaults to Enabled)"
    elif access == "Enabled":
        shown = "Enabled (the notebook reaches the internet through SageMaker's VPC)"
    elif isinstance(access, str) and access:
        shown = f"{describe_typed_value(access)}, not Enabled or Disabled (values are case-sensitive)"
    else:
        shown = f"{describe_typed_value(access)}, not Enabled or Disabled"
    return Verdict.non_compliant(f"DirectInternetAccess is {shown}. {RECREATE}")
