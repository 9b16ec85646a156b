"""Deploy the Config rules of template.yaml into the embedded AWS, as CloudFormation would create them.

The demo and ``smguard demo --serve`` must show what a deployment does, so they take the rules from
the template's own resources instead of building rules from the catalogue: the
``AWS::Config::ConformancePack`` (``DeploymentScope=Account``) through PutConformancePack, or the
``AWS::Config::OrganizationConformancePack`` (``DeploymentScope=Organization``) through
PutOrganizationConformancePack, whichever the resources' conditions select for the given parameter
values. The pack's template body, its input parameters, names, scope, triggers and remediations are
the template's; the outer template's intrinsics are resolved by the same resolver ``smguard scan``
uses, with the account and region of the embedded deployment, and the embedded AWS Config
interprets the pack template as AWS Config does (:mod:`smguard.embedded.conformance_packs`).

The template is the repository's template.yaml when smguard runs from a checkout, and otherwise
(an installed package, which ships no template) the same document generated from the catalogue by
:mod:`smguard.deploy.template`, but for the Organizations policies, which deploy no Config rule.

What the pack needs first is created first, as CloudFormation orders a stack by its references and
``DependsOn``: each rule's function (the ``AWS::Serverless::Function`` an input parameter names by
``Fn::GetAtt``) with the template's name, runtime and handler, and its role with the template's name
and trust policy; the remediation roles and smguard's own Automation documents (SSM CreateDocument)
the pack depends on. The roles' inline policies are not created (moto does not enforce IAM), nor the
Lambda permissions (moto's Config does not check them). The function's code is a placeholder: the
embedded AWS never runs it. Whoever drives the embedded AWS imports the handler the template names
(:meth:`DeployedRule.lambda_handler`) and invokes it in-process with a result token from
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
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, is_smguard_pack, names, rule_for_function_logical_id, rule_of
from smguard.deploy.rule_stack import rule_parameter_names
from smguard.engine.handler import EngineParameters, RuleHandler
from smguard.scan.intrinsics import Resolver
from smguard.scan.loader import LoadedTemplate, LocatedDict, load_template
from smguard.scan.values import Opaque, ResourceReference, Unresolved

REPOSITORY_TEMPLATE = Path(smguard.__file__).resolve().parent.parent / "template.yaml"
STACK_NAME = "smguard"
ARTIFACT_RULES_PACKAGE = "rules"
"""The top-level package of a rule function's artifact, where its Handler lives (``rules.<rule>.app``)."""
ACCOUNT_PACK = "AWS::Config::ConformancePack"
ORGANIZATION_PACK = "AWS::Config::OrganizationConformancePack"
FUNCTION = "AWS::Serverless::Function"
ROLE = "AWS::IAM::Role"
DOCUMENT = "AWS::SSM::Document"
PERMISSION = "AWS::Lambda::Permission"
STACK_SET = "AWS::CloudFormation::StackSet"
WAIT_CONDITION_HANDLE = "AWS::CloudFormation::WaitConditionHandle"
PACK_NAME_PROPERTY = {ACCOUNT_PACK: "ConformancePackName", ORGANIZATION_PACK: "OrganizationConformancePackName"}


class StackDeploymentError(ValueError):
    """The template cannot be deployed with the given parameter values (unknown parameter, a value its
    constraints refuse, a value the embedded deployment cannot determine)."""


@dataclass(frozen=True)
class DeployedRule:
    """One rule of the template's conformance pack, as deployed in the embedded AWS: its function, and
    the Config rules (one per account the pack reaches) that invoke it."""

    logical_id: str
    """The logical ID of the rule's function in template.yaml."""
    rule: str
    """The catalogue rule (its folder's name) whose function this is."""
    name: str
    """The ConfigRuleName the pack template declares; AWS Config creates the rule as
    ``<name>-conformance-pack-<suffix>`` (:func:`smguard.deploy.naming.RuleNames.pack_rule`)."""
    organization: bool
    """Whether an organization conformance pack deployed it (a rule in every member account)."""
    config_rule_name: str | None
    """Its name in the deploying account, as the pack (or, in organization mode, the account's copy of
    it) created it; None when the pack does not reach that account (an excluded account)."""
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
    def __init__(
        self,
        session: Any,
        template: LoadedTemplate,
        parameters: Mapping[str, str],
        account_id: str,
        stack_set_accounts: Mapping[str, Any] | None = None,
    ) -> None:
        declared = template.document.get("Parameters") or {}
        unknown = sorted(set(parameters) - set(declared))
        if unknown:  # CloudFormation refuses them too ("Parameters: [...] do not exist in the template")
            raise StackDeploymentError(f"{template.path} declares no parameter {', '.join(unknown)}")
        self.session = session
        self.resolver = _DeploymentResolver(template, parameters, session.region_name, account_id)
        self.resources: Mapping[str, Any] = self.resolver.resources
        self.attributes: dict[tuple[str, str], str] = {}
        self.stack_set_accounts = stack_set_accounts or {}
        """Account id -> a session acting in it: where a StackSet the pack depends on creates its stack instances."""

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
        return self._mapping(self._joined_attributes(self.resources[logical_id].get("Properties", {}), logical_id), logical_id)

    def _joined_attributes(self, value: Any, where: str) -> Any:
        """``value`` with the ``Fn::GetAtt`` items of every ``Fn::Join`` list replaced by the attribute
        (created on first use): scan's resolver, which deploys nothing, leaves such a join unknown."""
        if isinstance(value, Mapping):
            if set(value) == {"Fn::Join"} and isinstance(value["Fn::Join"], list) and len(value["Fn::Join"]) == 2:
                delimiter, items = value["Fn::Join"]
                if isinstance(items, list):
                    items = [
                        self.attribute(item["Fn::GetAtt"][0], item["Fn::GetAtt"][1], where)
                        if isinstance(item, Mapping) and set(item) == {"Fn::GetAtt"}
                        else item
                        for item in items
                    ]
                return {"Fn::Join": [delimiter, items]}
            return LocatedDict({key: self._joined_attributes(item, where) for key, item in value.items()})
        if isinstance(value, list):
            return [self._joined_attributes(item, where) for item in value]
        return value

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
        """``Ref``: an SSM document's or an IAM role's name (created on first use)."""
        if (logical_id, "Ref") not in self.attributes:
            kind = self.resources[logical_id].get("Type")
            if kind == DOCUMENT:
                self.attributes[(logical_id, "Ref")] = self.create_document(logical_id)
            elif kind == ROLE:
                self.attributes[(logical_id, "Ref")] = self.attribute(logical_id, "Arn", where).rpartition("/")[2]
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

    def create_dependency(self, logical_id: str, dependent: str) -> None:
        """A resource ``dependent`` names in its ``DependsOn``, created as CloudFormation creates it first."""
        kind = self.resources[logical_id].get("Type")
        if kind == ROLE:
            self.attribute(logical_id, "Arn", dependent)
        elif kind == DOCUMENT:
            self.reference(logical_id, dependent)
        elif kind == STACK_SET:
            self.create_stack_instances(logical_id)
        elif kind == WAIT_CONDITION_HANDLE:
            # It stands for resources that exist only under a condition (DependsOn cannot name those):
            # its Metadata references them, so CloudFormation creates them first.
            self._known(self.resolver.resolve(self.resources[logical_id].get("Metadata", {}), logical_id), logical_id)
        elif kind != PERMISSION:  # a Lambda permission changes nothing here (moto's Config does not check it)
            raise StackDeploymentError(f"{dependent} depends on {logical_id} ({kind}), which the embedded deployment does not create")

    def create_stack_instances(self, logical_id: str) -> None:
        """A service-managed StackSet's stack instance in each of ``stack_set_accounts`` (the embedded
        AWS has no StackSets): its TemplateBody deployed there with the StackSet's parameter values,
        every resource the embedded deployment creates (roles, Automation documents)."""
        properties = self.properties(logical_id)
        body = _located(json.loads(properties["TemplateBody"]))
        template = LoadedTemplate(Path(f"{logical_id}.TemplateBody"), body)
        values = {item["ParameterKey"]: str(item["ParameterValue"]) for item in properties.get("Parameters", [])}
        for account_id, session in sorted(self.stack_set_accounts.items()):
            instance = _Deployment(session, template, values, account_id)
            for resource_id, resource in instance.resources.items():
                if instance.selected(resource_id):
                    instance.create_dependency(resource_id, f"{logical_id} in {account_id}")

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
            raise StackDeploymentError(f"{logical_id} is not created with these parameter values, yet the conformance pack names it")
        # Only what Lambda needs to create the function: its name, code, runtime, handler and role.
        # The rest (layers, VPC, log group, event invoke configuration) refers to resources the demo
        # does not create and changes nothing about how a rule is invoked.
        properties = self._subset(logical_id, ("FunctionName", "Runtime", "Handler", "Role", "Description"))
        created = self.session.client("lambda").create_function(
            **properties, Code={"ZipFile": _placeholder_package(properties["Handler"])}
        )
        return str(created["FunctionArn"])

    def deploy_pack(self, logical_id: str) -> None:
        """PutConformancePack or PutOrganizationConformancePack with the resource's resolved properties,
        after what it depends on."""
        depends_on = self.resources[logical_id].get("DependsOn", [])
        for dependency in [depends_on] if isinstance(depends_on, str) else depends_on:
            if self.selected(dependency):
                self.create_dependency(dependency, logical_id)
        properties = self.properties(logical_id)
        config = self.session.client("config")
        # AWS Config deploys a pack after answering: a rule it cannot create shows in the pack's status.
        if self.resources[logical_id]["Type"] == ACCOUNT_PACK:
            config.put_conformance_pack(**properties)
            name = properties["ConformancePackName"]
            [status] = config.describe_conformance_pack_status(ConformancePackNames=[name])["ConformancePackStatusDetails"]
            state, reason = status["ConformancePackState"], status.get("ConformancePackStatusReason", "")
        else:
            config.put_organization_conformance_pack(**properties)
            name = properties["OrganizationConformancePackName"]
            [status] = config.describe_organization_conformance_pack_statuses(OrganizationConformancePackNames=[name])[
                "OrganizationConformancePackStatuses"
            ]
            state, reason = status["Status"], status.get("ErrorMessage", "")
        if state.endswith("_FAILED"):
            raise StackDeploymentError(f"{logical_id}: the conformance pack {name} is {state}: {reason}")

    def deployed_rules(self, pack: str, known: list[str]) -> list[DeployedRule]:
        """The rule functions the pack's input parameters named, in template order."""
        deployed = []
        config = self.session.client("config")
        organization = self.resources[pack]["Type"] == ORGANIZATION_PACK
        if organization:  # the deploying account's copy of the organization pack, unless it is excluded
            copies = [
                detail["ConformancePackName"]
                for page in config.get_paginator("describe_conformance_packs").paginate()
                for detail in page["ConformancePackDetails"]
                if is_smguard_pack(detail["ConformancePackName"]) and detail["ConformancePackName"] != CONFORMANCE_PACK_NAME
            ]
            in_aws = pack_rule_names(config, copies[0]) if copies else {}
        else:
            in_aws = pack_rule_names(config, CONFORMANCE_PACK_NAME)
        for logical_id, resource in self.resources.items():
            if resource.get("Type") != FUNCTION or (logical_id, "Arn") not in self.attributes:
                continue
            rule = rule_for_function_logical_id(logical_id, known)
            handler = self.resolver.resolve(resource["Properties"]["Handler"], logical_id)
            arn = self.attributes[(logical_id, "Arn")]
            deployed.append(DeployedRule(logical_id, rule, names(rule).config_rule, organization, in_aws.get(rule), arn, handler))
        return deployed


def deploy_config_rules(
    session: Any,
    parameters: Mapping[str, str],
    *,
    account_id: str,
    template: LoadedTemplate | None = None,
    rules: Collection[str] | None = None,
    stack_set_accounts: Mapping[str, Any] | None = None,
) -> list[DeployedRule]:
    """Deploy, from ``session``'s account (``account_id``) and region, the conformance pack ``template``
    (by default :func:`smguard_template`) declares for ``parameters`` (template parameter -> value; the
    rest take their defaults), with the functions its rules invoke. The rules in template order.

    ``rules`` (rule folder names) keeps only those rules in the result, so that whoever invokes the
    deployed rules (:func:`smguard.demo.runner.run_rules`) runs only those: what a test needs of the
    stack. The pack itself holds every rule, as in AWS. A rule the pack does not hold is refused.

    ``stack_set_accounts`` (account id -> a session acting in it) are the accounts a StackSet the pack
    depends on reaches (organization mode: the execution and remediation roles of each member account).
    """
    loaded = template or smguard_template()
    known = rule_names()
    if rules is not None:
        if isinstance(rules, str):
            raise TypeError(f"rules must be a collection of rule names, not the string {rules!r}")
        unknown = sorted(set(rules) - set(known))
        if unknown:
            raise StackDeploymentError(f"{', '.join(unknown)}: no rule of the catalogue (its rules: {', '.join(known)})")
    deployment = _Deployment(session, loaded, parameters, account_id, stack_set_accounts)
    packs = [
        logical_id
        for logical_id, resource in deployment.resources.items()
        if resource.get("Type") in PACK_NAME_PROPERTY and deployment.selected(logical_id)
    ]
    if len(packs) != 1:
        raise StackDeploymentError(
            f"{loaded.path} creates {len(packs)} conformance packs with these parameter values ({', '.join(packs) or 'none'}); "
            "the embedded deployment deploys exactly one"
        )
    [pack] = packs
    deployment.deploy_pack(pack)
    deployed = deployment.deployed_rules(pack, known)
    if rules is not None:
        missing = sorted(set(rules) - {rule.rule for rule in deployed})
        if missing:
            raise StackDeploymentError(f"{loaded.path}'s conformance pack holds no rule {', '.join(missing)} with these parameter values")
        deployed = [rule for rule in deployed if rule.rule in rules]
    return deployed


class AmbiguousPackError(LookupError):
    """An account holds several smguard conformance packs (its own and its copy of the organization
    pack), and no pack was named."""


def pack_rule_names(config: Any, pack: str | None = None) -> dict[str, str]:
    """Catalogue rule -> the name AWS Config gave it in smguard's conformance pack ``pack`` of
    ``config``'s account, by default the account's only smguard pack (its own, or its copy of the
    organization pack); empty without one. An account holding both must say which."""
    packs = [
        detail["ConformancePackName"]
        for page in config.get_paginator("describe_conformance_packs").paginate()
        for detail in page["ConformancePackDetails"]
        if is_smguard_pack(detail["ConformancePackName"]) and pack in (None, detail["ConformancePackName"])
    ]
    if len(packs) > 1:
        raise AmbiguousPackError(f"the account holds the smguard conformance packs {', '.join(sorted(packs))}: name one")
    known = rule_names()
    found: dict[str, str] = {}
    for name in packs:
        request: dict[str, Any] = {"ConformancePackName": name}
        while True:
            page = config.describe_conformance_pack_compliance(**request)
            for compliance in page["ConformancePackRuleComplianceList"]:
                rule = rule_of(compliance["ConfigRuleName"], known)
                if rule is not None:
                    found[rule] = compliance["ConfigRuleName"]
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
    return found


def _placeholder_package(handler: str) -> bytes:
    module_path = handler.rpartition(".")[0].replace(".", "/") + ".py"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(module_path, "def lambda_handler(event, context):\n    raise RuntimeError('placeholder')\n")
    return buffer.getvalue()
