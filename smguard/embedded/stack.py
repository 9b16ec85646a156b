"""Deploy the Config rules of template.yaml into the embedded AWS, as CloudFormation would create them.

The demo and ``smguard demo --serve`` must show what a deployment does, so they take every Config
rule from the template's own resources instead of building rules from the catalogue: the
``AWS::Config::ConfigRule`` resources (``DeploymentScope=Account``) through PutConfigRule, or the
``AWS::Config::OrganizationConfigRule`` resources (``DeploymentScope=Organization``) through
PutOrganizationConfigRule, whichever the resources' conditions select for the given parameter
values. Names, scope, triggers and input parameters are the template's; the intrinsics are resolved
by the same resolver ``smguard scan`` uses, with the account and region of the embedded deployment.

The template is the repository's template.yaml when smguard runs from a checkout, and otherwise
(an installed package, which ships no template) the same document generated from the catalogue by
:mod:`smguard.deploy.template`, but for the Organizations policies, which deploy no Config rule.

The remediation configurations of the deployed rules are created too (PutRemediationConfigurations),
with the roles they name and smguard's own Automation documents (SSM CreateDocument).

Each rule's function (the ``AWS::Serverless::Function`` its source names by ``Fn::GetAtt``) is
created with the template's name, runtime and handler, and its role with the template's name and
trust policy; the role's inline policies are not (moto does not enforce IAM). The function's code is
a placeholder: the embedded AWS never runs it. Whoever drives the embedded AWS imports the handler
the template names (:meth:`DeployedRule.lambda_handler`) and invokes it in-process with a result token from
:func:`smguard.embedded.result_token`, as Config would invoke the function.
"""

from __future__ import annotations

import functools
import importlib
import io
import json
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import smguard
import smguard.rules
from smguard.catalogue import RuleEntry, rule_names
from smguard.deploy.naming import rule_of
from smguard.deploy.rule_stack import rule_parameter_names
from smguard.engine.handler import EngineParameters, RuleHandler
from smguard.scan.intrinsics import Resolver
from smguard.scan.loader import LoadedTemplate, LocatedDict, load_template
from smguard.scan.values import Opaque, ResourceReference, Unresolved

REPOSITORY_TEMPLATE = Path(smguard.__file__).resolve().parent.parent / "template.yaml"
STACK_NAME = "smguard"
ARTIFACT_RULES_PACKAGE = "rules"
"""The top-level package of a rule function's artifact, where its Handler lives (``rules.<rule>.app``)."""
ACCOUNT_RULE = "AWS::Config::ConfigRule"
ORGANIZATION_RULE = "AWS::Config::OrganizationConfigRule"
FUNCTION = "AWS::Serverless::Function"
ROLE = "AWS::IAM::Role"
RULE_NAME_PROPERTY = {ACCOUNT_RULE: "ConfigRuleName", ORGANIZATION_RULE: "OrganizationConfigRuleName"}
REMEDIATION = "AWS::Config::RemediationConfiguration"
DOCUMENT = "AWS::SSM::Document"


class StackDeploymentError(ValueError):
    """The template cannot be deployed with the given parameter values (unknown parameter, a value its
    constraints refuse, a value the embedded deployment cannot determine)."""


@dataclass(frozen=True)
class DeployedRule:
    """One Config rule resource of the template, as created in the embedded AWS."""

    logical_id: str
    rule: str
    """The catalogue rule (its folder's name) whose Config rule this is, found from ``name`` by
    :func:`smguard.deploy.naming.rule_of`."""
    name: str
    """ConfigRuleName, or OrganizationConfigRuleName in organization mode: the name AWS shows."""
    organization: bool
    function_arn: str
    handler: str
    """The function's Handler, ``rules.<rule>.app.lambda_handler``: what Lambda would run."""

    def lambda_handler(self) -> RuleHandler:
        """The handler the template deploys for this rule, imported as Lambda would import it from the
        function's artifact, whose top-level ``rules`` package is the catalogue's :mod:`smguard.rules`
        here (the repository's rules/ folder in a clone, the installed copy otherwise)."""
        module_name, _, attribute = self.handler.rpartition(".")
        package, _, module_in_package = module_name.partition(".")
        if package != ARTIFACT_RULES_PACKAGE or not module_in_package:
            raise StackDeploymentError(f"{self.logical_id}: the function's Handler {self.handler} is not in the artifact's {ARTIFACT_RULES_PACKAGE} package")
        handler = getattr(importlib.import_module(f"{smguard.rules.__name__}.{module_in_package}"), attribute, None)
        if not isinstance(handler, RuleHandler):
            raise StackDeploymentError(f"{self.logical_id}: the function's Handler {self.handler} is no smguard rule handler")
        return handler


def smguard_template() -> LoadedTemplate:
    """template.yaml of the checkout smguard runs from, else the one the catalogue generates.

    The file is parsed once per process (parsing takes longer than deploying the rules a test needs),
    so the document is shared: read it, do not change it."""
    if REPOSITORY_TEMPLATE.is_file():
        return _parsed(REPOSITORY_TEMPLATE)
    from smguard.deploy.template import build_template  # the generator: only for an installed package

    # Without the Organizations policies: an installed package holds no policies/ files, and they
    # deploy no Config rule, so the rules' resources are those of the repository's template.yaml.
    generated = build_template(preventive_controls=False)
    return LoadedTemplate(Path("template.yaml (generated from the catalogue)"), _located(generated))


@functools.cache
def _parsed(path: Path) -> LoadedTemplate:
    return load_template(path)


def _located(value: Any) -> Any:
    """A generated document with the mapping type the resolver reads (no line numbers: no file)."""
    if isinstance(value, Mapping):
        return LocatedDict({key: _located(item) for key, item in value.items()})
    if isinstance(value, list):
        return [_located(item) for item in value]
    return value


def stack_parameters(config_values: Mapping[str, Mapping[str, str]], entries: list[RuleEntry]) -> dict[str, str]:
    """The template parameter values that give each rule the Config parameter values it is meant to get.

    ``config_values`` maps a rule to its InputParameters (Config parameter name -> value). A rule's
    own parameter is the template parameter :func:`rule_parameter_names` names; an engine parameter
    is one stack-wide template parameter of the same name, so every rule must be meant to get the
    same value.
    """
    engine = {spec.name for spec in EngineParameters.specs()}
    by_rule = {entry.name: entry for entry in entries}
    values: dict[str, str] = {}
    for rule, given in config_values.items():
        if rule not in by_rule:
            raise StackDeploymentError(f"parameters for {rule!r}, which is no rule of the catalogue")
        own = rule_parameter_names(by_rule[rule])
        for name, value in given.items():
            if name in own:
                values[own[name]] = value
            elif name in engine:
                if values.setdefault(name, value) != value:
                    raise StackDeploymentError(
                        f"{name} is one stack parameter for every rule; {rule} is given {value!r}, another rule {values[name]!r}"
                    )
            else:
                raise StackDeploymentError(f"{rule} has no parameter {name!r} (its parameters: {', '.join(sorted(own)) or 'none'})")
    return values


class _DeploymentResolver(Resolver):
    """scan's resolver, knowing what a deployment knows: the account and the stack's name."""

    def __init__(self, template: LoadedTemplate, parameters: Mapping[str, str], region: str, account_id: str) -> None:
        super().__init__(template, parameters, region)
        self.account_id = account_id

    def _pseudo(self, name: str) -> Any:
        if name == "AWS::AccountId":
            return self.account_id
        if name == "AWS::StackName":
            return STACK_NAME
        return super()._pseudo(name)


class _Deployment:
    def __init__(self, session: Any, template: LoadedTemplate, parameters: Mapping[str, str], account_id: str) -> None:
        declared = template.document.get("Parameters") or {}
        unknown = sorted(set(parameters) - set(declared))
        if unknown:  # CloudFormation refuses them too ("Parameters: [...] do not exist in the template")
            raise StackDeploymentError(f"{template.path} declares no parameter {', '.join(unknown)}")
        self.session = session
        self.resolver = _DeploymentResolver(template, parameters, session.region_name, account_id)
        self.resources: Mapping[str, Any] = self.resolver.resources
        self.attributes: dict[tuple[str, str], str] = {}

    def selected(self, logical_id: str) -> bool:
        """Whether CloudFormation creates the resource: no Condition, or one that holds."""
        condition = self.resources[logical_id].get("Condition")
        if condition is None:
            return True
        value = self.resolver.condition(condition).value
        if value is None:
            raise StackDeploymentError(f"{logical_id}: its condition {condition} depends on a value no parameter sets")
        return value

    def properties(self, logical_id: str) -> dict[str, Any]:
        """The resource's Properties with every intrinsic resolved and resource attributes filled in."""
        return self._mapping(self.resources[logical_id].get("Properties", {}), logical_id)

    def _known(self, value: Any, where: str) -> Any:
        if isinstance(value, ResourceReference):
            if value.attribute is None:
                return self.reference(value.logical_id, where)
            return self.attribute(value.logical_id, value.attribute, where)
        if isinstance(value, (Unresolved, Opaque)):
            raise StackDeploymentError(f"{where}: {value.reason}")
        if isinstance(value, dict):  # scan's Configuration refuses items() while it holds an Opaque value
            return {key: self._known(item, f"{where}.{key}") for key, item in dict.items(value)}
        if isinstance(value, list):
            return [self._known(item, f"{where}[{index}]") for index, item in enumerate(value)]
        return value

    def _subset(self, logical_id: str, keys: tuple[str, ...]) -> dict[str, Any]:
        declared = self.resources[logical_id].get("Properties", {})
        return self._mapping({key: declared[key] for key in keys if key in declared}, logical_id)

    def _mapping(self, properties: Mapping[str, Any], logical_id: str) -> dict[str, Any]:
        resolved = self._known(self.resolver.resolve(properties, logical_id), logical_id)
        if not isinstance(resolved, dict):
            raise StackDeploymentError(f"{logical_id}: its Properties are not a mapping")
        return resolved

    def attribute(self, logical_id: str, attribute: str, where: str) -> str:
        """``Fn::GetAtt``: the attributes of the functions and roles the rules need, created on first use."""
        if (logical_id, attribute) not in self.attributes:
            kind = self.resources[logical_id].get("Type")
            if (kind, attribute) == (FUNCTION, "Arn"):
                self.attributes[(logical_id, attribute)] = self.create_function(logical_id)
            elif (kind, attribute) == (ROLE, "Arn"):
                self.attributes[(logical_id, attribute)] = self.create_role(logical_id)
            else:
                raise StackDeploymentError(f"{where}: Fn::GetAtt {logical_id}.{attribute} ({kind}) is not created by the embedded deployment")
        return self.attributes[(logical_id, attribute)]

    def reference(self, logical_id: str, where: str) -> str:
        """``Ref``: a Config rule's name (the rule is deployed first), an SSM document's name (created on first use)."""
        if (logical_id, "Ref") not in self.attributes:
            kind = self.resources[logical_id].get("Type")
            if kind == ACCOUNT_RULE:
                self.attributes[(logical_id, "Ref")] = str(self._subset(logical_id, ("ConfigRuleName",))["ConfigRuleName"])
            elif kind == DOCUMENT:
                self.attributes[(logical_id, "Ref")] = self.create_document(logical_id)
            else:
                raise StackDeploymentError(f"{where}: Ref {logical_id} ({kind}) is not created by the embedded deployment")
        return self.attributes[(logical_id, "Ref")]

    def create_document(self, logical_id: str) -> str:
        properties = self.properties(logical_id)
        self.session.client("ssm").create_document(
            Name=properties["Name"],
            Content=json.dumps(properties["Content"]),
            DocumentType=properties["DocumentType"],
            DocumentFormat="JSON",
        )
        return str(properties["Name"])

    def deploy_remediation(self, logical_id: str) -> None:
        """PutRemediationConfigurations, as CloudFormation creates an ``AWS::Config::RemediationConfiguration``."""
        properties = self.properties(logical_id)
        # Parameters are strings; CloudFormation converts them to the property's type (Integer here).
        for key in ("MaximumAutomaticAttempts", "RetryAttemptSeconds"):
            if key in properties:
                properties[key] = int(properties[key])
        self.session.client("config").put_remediation_configurations(RemediationConfigurations=[properties])

    def create_role(self, logical_id: str) -> str:
        # Its inline policies are left out: moto does not enforce IAM, and they name resources
        # (queues, keys) the demo does not create.
        properties = self._subset(logical_id, ("RoleName", "Description", "AssumeRolePolicyDocument"))
        return str(
            self.session.client("iam").create_role(
                RoleName=properties["RoleName"],
                Description=properties.get("Description", ""),
                AssumeRolePolicyDocument=json.dumps(properties["AssumeRolePolicyDocument"]),
            )["Role"]["Arn"]
        )

    def create_function(self, logical_id: str) -> str:
        if not self.selected(logical_id):
            raise StackDeploymentError(f"{logical_id} is not created with these parameter values, yet a rule names it")
        # Only what Lambda needs to create the function: its name, code, runtime, handler and role.
        # The rest (layers, VPC, log group, event invoke configuration) refers to resources the demo
        # does not create and changes nothing about how a rule is invoked.
        properties = self._subset(logical_id, ("FunctionName", "Runtime", "Handler", "Role", "Description"))
        created = self.session.client("lambda").create_function(
            **properties, Code={"ZipFile": _placeholder_package(properties["Handler"])}
        )
        return str(created["FunctionArn"])

    def rule_of(self, logical_id: str, known: list[str]) -> str:
        """The catalogue rule a Config rule resource deploys, by the name the template gives it
        (resolved alone: it creates nothing)."""
        key = RULE_NAME_PROPERTY[self.resources[logical_id]["Type"]]
        name = self._subset(logical_id, (key,)).get(key)
        rule = rule_of(name, known) if isinstance(name, str) else None
        if rule is None:
            raise StackDeploymentError(f"{logical_id}: its {key} {name!r} is the name of no catalogue rule ({', '.join(known)})")
        return rule

    def deploy_rule(self, logical_id: str, rule: str) -> DeployedRule:
        kind = self.resources[logical_id]["Type"]
        properties = self.properties(logical_id)
        if kind == ACCOUNT_RULE:
            if isinstance(properties.get("InputParameters"), Mapping):
                # CloudFormation takes the object and gives PutConfigRule its JSON text.
                properties["InputParameters"] = json.dumps(properties["InputParameters"])
            self.session.client("config").put_config_rule(ConfigRule=properties)
            name, function_arn = properties["ConfigRuleName"], properties["Source"]["SourceIdentifier"]
        else:
            self.session.client("config").put_organization_config_rule(**properties)
            name = properties["OrganizationConfigRuleName"]
            function_arn = properties["OrganizationCustomRuleMetadata"]["LambdaFunctionArn"]
        function = next(key for key, value in self.attributes.items() if value == function_arn)[0]
        handler = self.resolver.resolve(self.resources[function]["Properties"]["Handler"], function)
        return DeployedRule(logical_id, rule, name, kind == ORGANIZATION_RULE, function_arn, handler)


def deploy_config_rules(
    session: Any,
    parameters: Mapping[str, str],
    *,
    account_id: str,
    template: LoadedTemplate | None = None,
    rules: Collection[str] | None = None,
) -> list[DeployedRule]:
    """Create, in ``session``'s account (``account_id``) and region, the Config rules ``template`` (by
    default :func:`smguard_template`) declares for ``parameters`` (template parameter -> value; the
    rest take their defaults), with the functions they invoke. In template order.

    ``rules`` (rule folder names) keeps only those rules' Config rules and functions: what a test
    needs of the stack, at a fraction of the cost of every rule. A rule the template does not deploy
    with these parameter values is refused, as is a Config rule whose name is no catalogue rule's.
    """
    loaded = template or smguard_template()
    deployment = _Deployment(session, loaded, parameters, account_id)
    known = rule_names()
    deployed_rules = {
        logical_id: deployment.rule_of(logical_id, known)
        for logical_id, resource in deployment.resources.items()
        if resource.get("Type") in RULE_NAME_PROPERTY and deployment.selected(logical_id)
    }
    if rules is not None:
        if isinstance(rules, str):
            raise TypeError(f"rules must be a collection of rule names, not the string {rules!r}")
        missing = sorted(set(rules) - set(deployed_rules.values()))
        if missing:
            raise StackDeploymentError(f"{loaded.path} deploys no Config rule of {', '.join(missing)} with these parameter values")
        deployed_rules = {logical_id: rule for logical_id, rule in deployed_rules.items() if rule in rules}
    deployed = [deployment.deploy_rule(logical_id, rule) for logical_id, rule in deployed_rules.items()]
    for logical_id, resource in deployment.resources.items():
        if resource.get("Type") == REMEDIATION and deployment.selected(logical_id):
            rule_reference = resource.get("Properties", {}).get("ConfigRuleName", {})
            if isinstance(rule_reference, Mapping) and rule_reference.get("Ref") in deployed_rules:
                deployment.deploy_remediation(logical_id)
    return deployed


def _placeholder_package(handler: str) -> bytes:
    module_path = handler.rpartition(".")[0].replace(".", "/") + ".py"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(module_path, "def lambda_handler(event, context):\n    raise RuntimeError('placeholder')\n")
    return buffer.getvalue()
