"""Shared set-up of the template tests: the committed template, per deployment mode, and its SAM transform."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.template.intrinsics import Resolver

REPOSITORY = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPOSITORY / "template.yaml"
VENV_BIN = Path(sys.executable).parent
TOOLS = REPOSITORY / ".tools"
MODES = ("Account", "Organization")

# Values a deployment in each mode would pass; organization mode needs these three, and the
# optional features (VPC, e-mail, exemptions, excluded accounts) are switched on so their
# resources and statements are checked too.
MODE_PARAMETERS: dict[str, dict[str, str]] = {
    "Account": {"DeploymentScope": "Account"},
    "Organization": {
        "DeploymentScope": "Organization",
        "OrganizationId": "o-abcdefghij",
        "StackSetTargetOuIds": "r-abcd",
    },
}
OPTIONAL_FEATURES = {
    "SubnetIds": "subnet-0123456789abcdef0",
    "SecurityGroupIds": "sg-0123456789abcdef0",
    "AlarmEmail": "security@example.com",
    "ExcludedAccounts": "444455556666",
    "ExemptionsParameterName": "/smguard/exemptions",
    "FlowLogRemediationDestinationArn": "arn:aws:s3:::central-flow-logs",
    "ExemptionsParameterKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555",
    "DeployProductPortfolio": "true",
    "ProductTemplatesBucket": "central-it-product-templates",
    "PortfolioShareOrganizationNodes": "ou-abcd-abcdefgh",
    "PortfolioShareAccountId": "444455556666",
}


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as CloudFormation reads it (the generator writes long-form intrinsics only)."""
    return yaml.safe_load(path.read_text())


def with_defaults(template: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A copy whose parameter defaults are ``values``: how the linters, which resolve conditions from
    defaults, see one deployment mode."""
    result = copy.deepcopy(template)
    for name, value in values.items():
        if name in result["Parameters"]:
            result["Parameters"][name]["Default"] = value
    return result


def resolver(template: dict[str, Any], mode: str, optional_features: bool = True) -> Resolver:
    values = dict(MODE_PARAMETERS[mode])
    if optional_features:
        values.update(OPTIONAL_FEATURES)
    return Resolver(template, values)


def sam_transform(template: dict[str, Any]) -> dict[str, Any]:
    """Plain CloudFormation from the SAM template, offline; code locations become s3:// URIs as
    ``sam package`` would make them (the translator accepts nothing else)."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from samtranslator.translator.transform import transform

    source = copy.deepcopy(template)
    for resource in source["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in properties:
                properties[key] = "s3://smguard-artifacts/code.zip"

    class NoManagedPolicies:
        """The template names no managed policies, so the translator never needs IAM."""

        def load(self) -> dict[str, str]:
            return {}

    return transform(source, {}, NoManagedPolicies())


def pack_body(template: dict[str, Any]) -> str:
    """The conformance pack template, as both pack resources give it (one constant text)."""
    [body] = {
        template["Resources"][logical_id]["Properties"]["TemplateBody"]
        for logical_id in ("ConformancePack", "OrganizationConformancePack")
    }
    return body


def deployed_pack(template: dict[str, Any], values: dict[str, str]) -> Resolver:
    """The conformance pack as AWS Config deploys it from a stack given ``values``: the pack template,
    with the input parameters the stack's pack resource of that mode passes."""
    outer = Resolver(template, values)
    logical_id = "ConformancePack" if outer.condition("AccountScope") else "OrganizationConformancePack"
    properties = outer.resolve(template["Resources"][logical_id]["Properties"])
    inputs = {item["ParameterName"]: item["ParameterValue"] for item in properties["ConformancePackInputParameters"]}
    return Resolver(yaml.safe_load(properties["TemplateBody"]), inputs)


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


def require_tool(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make tools` (make test does it)")
    return path
