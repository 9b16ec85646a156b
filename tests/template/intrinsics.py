"""Resolve a template's intrinsic functions for one set of parameter values, as CloudFormation would.

The tools that read policies (parliament) and the consistency tests need plain values: which
statements exist in organization mode, which actions a role gets. Resources resolve to made-up but
well-formed ARNs and names; an intrinsic this resolver does not know raises, so nothing is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

NO_VALUE = object()
ACCOUNT_ID = "111122223333"
REGION = "eu-west-1"
PSEUDO = {
    "AWS::AccountId": ACCOUNT_ID,
    "AWS::Region": REGION,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "smguard",
    "AWS::StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/smguard/1",
}


class UnresolvableError(ValueError):
    """An intrinsic function or reference the resolver does not know."""


class Resolver:
    def __init__(self, template: Mapping[str, Any], overrides: Mapping[str, Any] | None = None) -> None:
        self.template = template
        self.parameters: dict[str, Any] = {}
        for name, spec in template.get("Parameters", {}).items():
            value = (overrides or {}).get(name, spec.get("Default", ""))
            if spec.get("Type") == "CommaDelimitedList" and isinstance(value, str):
                value = value.split(",") if value else [""]
            self.parameters[name] = value if isinstance(value, list) else str(value)
        self._conditions: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self._conditions[name]

    def resource_exists(self, logical_id: str) -> bool:
        condition = self.template["Resources"][logical_id].get("Condition")
        return condition is None or self.condition(condition)

    def ref(self, name: str) -> Any:
        if name in PSEUDO:
            return PSEUDO[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in self.template.get("Resources", {}):
            return self._physical_id(name)
        raise UnresolvableError(f"Ref {name}")

    def _physical_id(self, logical_id: str) -> str:
        resource = self.template["Resources"][logical_id]
        kind = resource["Type"]
        if kind == "AWS::SNS::Topic":
            return f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:{logical_id}"
        if kind == "AWS::SQS::Queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{logical_id}"
        if kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            return resource["Properties"].get("FunctionName", logical_id)
        if kind in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
            return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:layer:{logical_id}:1"
        if kind == "AWS::Scheduler::ScheduleGroup":
            return resource["Properties"]["Name"]
        return logical_id

    def get_att(self, logical_id: str, attribute: str) -> str:
        kind = self.template["Resources"][logical_id]["Type"]
        arns = {
            "AWS::KMS::Key": f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/11111111-2222-3333-4444-555555555555",
            "AWS::SQS::Queue": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{logical_id}",
            "AWS::IAM::Role": f"arn:aws:iam::{ACCOUNT_ID}:role/{logical_id}",
            "AWS::Serverless::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{logical_id}",
            "AWS::Lambda::Function": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{logical_id}",
            # Config names a rule's ARN after a generated ID, not its name.
            "AWS::Config::ConfigRule": f"arn:aws:config:{REGION}:{ACCOUNT_ID}:config-rule/config-rule-{logical_id.lower()}",
        }
        if attribute == "Arn" and kind in arns:
            return arns[kind]
        if attribute == "QueueName" and kind == "AWS::SQS::Queue":
            return logical_id
        raise UnresolvableError(f"Fn::GetAtt {logical_id}.{attribute}")

    def sub(self, text: str, variables: Mapping[str, Any] | None = None) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if variables and name in variables:
                return str(variables[name])
            if "." in name:
                return self.get_att(*name.split(".", 1))
            value = self.ref(name)
            if isinstance(value, list):
                raise UnresolvableError(f"Fn::Sub of the list parameter {name}")
            return str(value)

        return re.sub(r"\$\{([^}!]+)\}", replace, text)

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.resolve(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, value), = node.items()
            if key == "Ref":
                return self.ref(value)
            if key == "Fn::GetAtt":
                return self.get_att(*(value if isinstance(value, list) else value.split(".", 1)))
            if key == "Fn::Sub":
                if isinstance(value, list):
                    return self.sub(value[0], {k: self.resolve(v) for k, v in value[1].items()})
                return self.sub(value)
            if key == "Fn::Join":
                return value[0].join(str(part) for part in self.resolve(value[1]))
            if key == "Fn::If":
                return self.resolve(value[1] if self.condition(value[0]) else value[2])
            if key == "Fn::Equals":
                left, right = self.resolve(value)
                return left == right
            if key == "Fn::Not":
                return not self.resolve(value[0])
            if key == "Fn::And":
                return all(self.resolve(item) for item in value)
            if key == "Fn::Or":
                return any(self.resolve(item) for item in value)
            if key == "Condition":
                return self.condition(value)
            if key.startswith("Fn::"):
                raise UnresolvableError(key)
        resolved = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not NO_VALUE}
