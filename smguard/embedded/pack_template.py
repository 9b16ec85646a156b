"""A conformance pack template, read as AWS Config deploys it: into the Config rules and remediation
configurations it declares, for one account and region.

AWS Config deploys a conformance pack as a CloudFormation stack in the account (AWS Config Developer
Guide, "Deploying a conformance pack using the AWS CLI": DescribeConformancePackStatus names the
stack ``awsconfigconforms-<pack>-<id>``), so the template is a CloudFormation template whose
resources are ``AWS::Config::ConfigRule`` and ``AWS::Config::RemediationConfiguration`` (API
Reference, PutConformancePack, TemplateBody: "You can use a YAML template with two resource types:
Config rule (AWS::Config::ConfigRule) and remediation action
(AWS::Config::RemediationConfiguration)"). The intrinsics are resolved by smguard scan's resolver,
told what a deployment knows (account, region, every parameter's value).

What the embedded AWS interprets, and refuses the rest of, naming what and where (a template it
would otherwise deploy differently from AWS):

- sections AWSTemplateFormatVersion, Description, Metadata, Parameters, Conditions, Resources;
- parameters of Type String (the default), Number or CommaDelimitedList, with Default,
  AllowedValues, AllowedPattern, MinLength, MaxLength, MinValue and MaxValue; the pack's input parameters override defaults. An input
  parameter the template does not declare, or a parameter left without a value, is refused
  (CloudFormation refuses both when it creates the stack);
- ``Ref`` to a parameter or to the pseudo parameters AWS::AccountId, AWS::Region, AWS::Partition
  and AWS::NoValue; ``Fn::If``; ``Fn::Sub`` in its string form; in Conditions ``Fn::Equals``,
  ``Fn::Not``, ``Fn::And``, ``Fn::Or`` and ``Condition``;
- resource attributes Type, Properties, Condition, DependsOn (naming resources of the template)
  and Metadata;
- a ConfigRule's ConfigRuleName (required here: the rule's remediations name it), Description,
  InputParameters (an object, given to PutConfigRule as its JSON text, as CloudFormation does),
  MaximumExecutionFrequency, Scope and Source;
- a RemediationConfiguration's ConfigRuleName (the DECLARED name of a rule of the same template),
  TargetType, TargetId, TargetVersion, Parameters, ResourceType, Automatic, ExecutionControls,
  MaximumAutomaticAttempts and RetryAttemptSeconds (strings from parameters are converted to the
  property's type, as CloudFormation converts them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smguard.scan.errors import TemplateError
from smguard.scan.intrinsics import Resolver, parameter_text
from smguard.scan.loader import LoadedTemplate, parse_template
from smguard.scan.values import Opaque, Unresolved

TEMPLATE_SOURCE = "TemplateBody"
"""How messages name the template (the request member it came from)."""
CONFIG_RULE = "AWS::Config::ConfigRule"
REMEDIATION_CONFIGURATION = "AWS::Config::RemediationConfiguration"
SECTIONS = ("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Conditions", "Resources")
PARAMETER_TYPES = ("String", "Number", "CommaDelimitedList")
RESOURCE_ATTRIBUTES = ("Type", "Properties", "Condition", "DependsOn", "Metadata")
FUNCTIONS = ("Ref", "Fn::If", "Fn::Sub")
CONDITION_FUNCTIONS = ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition")
PSEUDO_PARAMETERS = ("AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::NoValue")
RULE_PROPERTIES = ("ConfigRuleName", "Description", "InputParameters", "MaximumExecutionFrequency", "Scope", "Source")
REMEDIATION_PROPERTIES = (
    "ConfigRuleName", "TargetType", "TargetId", "TargetVersion", "Parameters", "ResourceType", "Automatic",
    "ExecutionControls", "MaximumAutomaticAttempts", "RetryAttemptSeconds",
)  # fmt: skip
REQUIRED = {CONFIG_RULE: ("ConfigRuleName", "Source"), REMEDIATION_CONFIGURATION: ("ConfigRuleName", "TargetType", "TargetId")}
INTEGER_PROPERTIES = ("MaximumAutomaticAttempts", "RetryAttemptSeconds")


class PackTemplateError(ValueError):
    """The template cannot be deployed as a conformance pack (invalid, or beyond what the embedded
    AWS interprets); the message names what and where."""


@dataclass(frozen=True)
class DeclaredRule:
    logical_id: str
    name: str
    """The ConfigRuleName the template declares; AWS Config creates the rule under another name."""
    definition: dict[str, Any]
    """PutConfigRule's ConfigRule, with the declared name."""


@dataclass(frozen=True)
class DeclaredRemediation:
    logical_id: str
    rule: str
    """The declared name of the rule it remediates."""
    configuration: dict[str, Any]
    """PutRemediationConfigurations' RemediationConfiguration, naming the rule by its declared name."""


@dataclass(frozen=True)
class PackTemplate:
    rules: tuple[DeclaredRule, ...]
    remediations: tuple[DeclaredRemediation, ...]


def interpret(body: str, parameters: Mapping[str, str], *, account_id: str, region: str) -> PackTemplate:
    """The rules and remediations ``body`` deploys in ``account_id`` and ``region`` with the pack's
    input ``parameters`` (name -> value). Raises :class:`PackTemplateError`."""
    try:
        template = parse_template(TEMPLATE_SOURCE, body)
        return _Interpreter(template, parameters, account_id, region).run()
    except TemplateError as error:
        raise PackTemplateError(str(error)) from None


class _PackResolver(Resolver):
    """scan's resolver, limited to what a pack template may use here and knowing the account."""

    def __init__(self, template: LoadedTemplate, parameters: Mapping[str, str], region: str, account_id: str) -> None:
        super().__init__(template, parameters, region)
        self.account_id = account_id

    def _function(self, node: Any, name: str, argument: Any, path: str) -> Any:
        if name not in FUNCTIONS:
            raise self.error(
                f"{path or 'Conditions'}: {name} is not interpreted by the embedded AWS in a conformance pack template "
                f"(it interprets {', '.join(FUNCTIONS)} and, in Conditions, {', '.join(CONDITION_FUNCTIONS)})",
                node,
                name,
            )
        if name == "Fn::Sub" and not isinstance(argument, str):
            raise self.error(f"{path}: Fn::Sub with a variable map is not interpreted by the embedded AWS; use its string form", node, name)
        return super()._function(node, name, argument, path)

    def _ref(self, node: Any, name: Any, path: str) -> Any:
        if isinstance(name, str) and name in self.resources:
            raise self.error(f"{path}: Ref {name} (a resource) is not interpreted by the embedded AWS in a conformance pack template", node, "Ref")
        return super()._ref(node, name, path)

    def _allowed(self, name: str, spec: Mapping[str, Any], value: str) -> None:
        """CloudFormation's parameter constraints (AllowedValues, AllowedPattern, MinLength, MaxLength,
        MinValue, MaxValue), worded for a pack's input parameters."""
        origin = "input parameter value" if name in self.overrides else "Default"
        allowed = spec.get("AllowedValues")
        if isinstance(allowed, list) and value not in [parameter_text(item) for item in allowed]:
            raise self.error(f"parameter {name}: {origin} {value!r} is not in AllowedValues ({', '.join(map(parameter_text, allowed))})", self.parameters, name)
        pattern = spec.get("AllowedPattern")
        if isinstance(pattern, str) and re.fullmatch(pattern, value) is None:
            raise self.error(f"parameter {name}: {origin} {value!r} does not match AllowedPattern {pattern}", self.parameters, name)
        for bound, holds in (
            ("MinLength", lambda limit: len(value) >= int(limit)),
            ("MaxLength", lambda limit: len(value) <= int(limit)),
            ("MinValue", lambda limit: not _is_number(value) or float(value) >= float(limit)),
            ("MaxValue", lambda limit: not _is_number(value) or float(value) <= float(limit)),
        ):
            if bound in spec and not holds(spec[bound]):
                raise self.error(f"parameter {name}: {origin} {value!r} breaks its {bound} {spec[bound]}", self.parameters, name)

    def _pseudo(self, name: str) -> Any:
        if name not in PSEUDO_PARAMETERS:
            raise TemplateError(self.path, f"Ref {name}: the embedded AWS interprets only the pseudo parameters {', '.join(PSEUDO_PARAMETERS)}")
        if name == "AWS::AccountId":
            return self.account_id
        return super()._pseudo(name)


class _Interpreter:
    def __init__(self, template: LoadedTemplate, parameters: Mapping[str, str], account_id: str, region: str) -> None:
        document = template.document
        unknown = [section for section in document if section not in SECTIONS]
        if unknown:
            raise PackTemplateError(
                f"{TEMPLATE_SOURCE}: the section(s) {', '.join(unknown)} are not interpreted by the embedded AWS "
                f"(it interprets {', '.join(SECTIONS)})"
            )
        self.resolver = _PackResolver(template, parameters, region, account_id)
        self._check_parameters(parameters)
        if not self.resolver.resources:
            raise PackTemplateError(f"{TEMPLATE_SOURCE}: the template declares no Resources")

    def _check_parameters(self, given: Mapping[str, str]) -> None:
        declared = self.resolver.parameters
        unknown = sorted(set(given) - set(declared))
        if unknown:  # CloudFormation: "Parameters: [...] do not exist in the template"
            raise PackTemplateError(f"{TEMPLATE_SOURCE}: the input parameter(s) {', '.join(unknown)} are not declared in its Parameters")
        for name, spec in declared.items():
            if not isinstance(spec, Mapping):
                raise PackTemplateError(f"{TEMPLATE_SOURCE}: parameter {name} must be a mapping")
            kind = str(spec.get("Type", "String"))
            if kind not in PARAMETER_TYPES:
                raise PackTemplateError(
                    f"{TEMPLATE_SOURCE}: parameter {name} has Type {kind}, which the embedded AWS does not interpret ({', '.join(PARAMETER_TYPES)})"
                )
            if name not in given and "Default" not in spec:  # CloudFormation: "Parameters: [...] must have values"
                raise PackTemplateError(f"{TEMPLATE_SOURCE}: parameter {name} has no Default and no input parameter gives it a value")
            value = self.resolver.parameter(name)
            if kind == "Number" and not _is_number(value):
                raise PackTemplateError(f"{TEMPLATE_SOURCE}: parameter {name} is a Number, not {value!r}")

    def run(self) -> PackTemplate:
        selected = {}
        for logical_id, resource in self.resolver.resources.items():
            if self._check_resource(logical_id, resource):
                selected[logical_id] = resource["Type"]
        rules = [self._rule(logical_id) for logical_id, kind in selected.items() if kind == CONFIG_RULE]
        declared: dict[str, str] = {}
        for rule in rules:
            if rule.name in declared:
                raise PackTemplateError(f"{TEMPLATE_SOURCE}: {rule.logical_id} and {declared[rule.name]} both declare the ConfigRuleName {rule.name}")
            declared[rule.name] = rule.logical_id
        remediations = [self._remediation(logical_id, declared) for logical_id, kind in selected.items() if kind == REMEDIATION_CONFIGURATION]
        remediated = [remediation.rule for remediation in remediations]
        twice = sorted({name for name in remediated if remediated.count(name) > 1})
        if twice:  # a rule has at most one remediation configuration (PutRemediationConfigurations replaces it)
            raise PackTemplateError(f"{TEMPLATE_SOURCE}: more than one RemediationConfiguration names {', '.join(twice)}")
        return PackTemplate(tuple(rules), tuple(remediations))

    def _check_resource(self, logical_id: str, resource: Any) -> bool:
        """Whether the resource is created (its Condition holds), once its shape is checked."""
        where = f"{TEMPLATE_SOURCE}: Resources.{logical_id}"
        if not isinstance(resource, Mapping):
            raise PackTemplateError(f"{where} must be a mapping")
        kind = resource.get("Type")
        if kind not in (CONFIG_RULE, REMEDIATION_CONFIGURATION):
            raise PackTemplateError(f"{where} has Type {kind}; a conformance pack template holds only {CONFIG_RULE} and {REMEDIATION_CONFIGURATION}")
        unknown = [key for key in resource if key not in RESOURCE_ATTRIBUTES]
        if unknown:
            raise PackTemplateError(f"{where}: the attribute(s) {', '.join(unknown)} are not interpreted by the embedded AWS")
        depends_on = resource.get("DependsOn", [])
        for target in [depends_on] if isinstance(depends_on, str) else depends_on:
            if not isinstance(target, str) or target not in self.resolver.resources:
                raise PackTemplateError(f"{where}: DependsOn {target} names no resource of the template")
        allowed = RULE_PROPERTIES if kind == CONFIG_RULE else REMEDIATION_PROPERTIES
        properties = resource.get("Properties", {})
        if not isinstance(properties, Mapping):
            raise PackTemplateError(f"{where}: Properties must be a mapping")
        unknown = [key for key in properties if key not in allowed]
        if unknown:
            raise PackTemplateError(f"{where}: the {kind} properties {', '.join(unknown)} are not interpreted by the embedded AWS ({', '.join(allowed)})")
        condition = resource.get("Condition")
        if condition is None:
            return True
        value = self.resolver.condition(condition, resource).value
        if value is None:  # every parameter has a value, so only a refused construct leaves it open
            raise PackTemplateError(f"{where}: its Condition {condition} cannot be decided")
        return value

    def _properties(self, logical_id: str) -> dict[str, Any]:
        resource = self.resolver.resources[logical_id]
        resolved = _plain(self.resolver.resolve(resource.get("Properties", {}), logical_id), f"{TEMPLATE_SOURCE}: Resources.{logical_id}")
        missing = [key for key in REQUIRED[resource["Type"]] if key not in resolved]
        if missing:
            raise PackTemplateError(f"{TEMPLATE_SOURCE}: Resources.{logical_id} lacks the required propert(ies) {', '.join(missing)}")
        return resolved

    def _rule(self, logical_id: str) -> DeclaredRule:
        properties = self._properties(logical_id)
        name = properties["ConfigRuleName"]
        if not isinstance(name, str):
            raise PackTemplateError(f"{TEMPLATE_SOURCE}: Resources.{logical_id}.ConfigRuleName is not a string")
        if isinstance(properties.get("InputParameters"), Mapping):
            # CloudFormation takes the object and gives PutConfigRule its JSON text.
            properties["InputParameters"] = json.dumps(properties["InputParameters"])
        return DeclaredRule(logical_id, name, properties)

    def _remediation(self, logical_id: str, declared: Mapping[str, str]) -> DeclaredRemediation:
        where = f"{TEMPLATE_SOURCE}: Resources.{logical_id}"
        properties = self._properties(logical_id)
        rule = properties["ConfigRuleName"]
        if rule not in declared:
            raise PackTemplateError(
                f"{where}.ConfigRuleName {rule} is the declared name of no ConfigRule the template creates "
                f"({', '.join(sorted(declared)) or 'none'})"
            )
        for key in INTEGER_PROPERTIES:
            if key in properties:
                if not _is_integer(properties[key]):
                    raise PackTemplateError(f"{where}.{key} is an Integer, not {properties[key]!r}")
                properties[key] = int(properties[key])
        if "Automatic" in properties:
            automatic = properties["Automatic"]
            if isinstance(automatic, str) and automatic.lower() in ("true", "false"):
                automatic = automatic.lower() == "true"
            if not isinstance(automatic, bool):
                raise PackTemplateError(f"{where}.Automatic is a Boolean, not {properties['Automatic']!r}")
            properties["Automatic"] = automatic
        return DeclaredRemediation(logical_id, rule, properties)


def _plain(value: Any, where: str) -> Any:
    """The resolved value as plain JSON data; a value the resolver left open (only a reference to a
    resource can be, every parameter having a value) is refused with the resolver's reason."""
    if isinstance(value, (Unresolved, Opaque)):
        raise PackTemplateError(f"{where}: {value.reason}")
    if isinstance(value, dict):  # scan's Configuration refuses items() while it holds an Opaque value
        return {key: _plain(item, f"{where}.{key}") for key, item in dict.items(value)}
    if isinstance(value, list):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    return value


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    try:
        return int(value) == float(value)
    except (TypeError, ValueError):
        return False
