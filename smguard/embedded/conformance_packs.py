"""AWS Config's conformance packs for the embedded AWS: what moto 5.2.5 leaves out.

moto 5.2.5 has no account conformance packs and stores organization conformance packs without
deploying anything. ``install()`` adds PutConformancePack, DescribeConformancePacks,
DescribeConformancePackStatus, DeleteConformancePack, DescribeConformancePackCompliance,
GetConformancePackComplianceDetails, GetConformancePackComplianceSummary and
ListConformancePackComplianceScores, and replaces moto's PutOrganizationConformancePack,
DescribeOrganizationConformancePacks, DescribeOrganizationConformancePackStatuses,
GetOrganizationConformancePackDetailedStatus and DeleteOrganizationConformancePack.

How this follows AWS (AWS Config API Reference, the page of each of those actions and of
ConformancePackDetail, ConformancePackStatusDetail, ConformancePackRuleCompliance,
ConformancePackEvaluationResult, ConformancePackEvaluationFilters, ConformancePackComplianceSummary,
ConformancePackComplianceScore, OrganizationConformancePack, OrganizationConformancePackStatus,
OrganizationConformancePackDetailedStatus; AWS Config Developer Guide, "Conformance Packs",
"Deploying a conformance pack using the AWS CLI", "Managing conformance packs across all accounts
in your organization", "Viewing the Compliance History Timeline for Conformance Packs"); decisions
where AWS does not say are marked:

- Requests are checked against the API model (botocore's, the one AWS publishes): lengths,
  patterns, enums and list sizes refused with ValidationException in AWS's "N validation error(s)
  detected" form; a Limit beyond the model's range with InvalidLimitException. The model is the one
  source of those bounds; where older API Reference pages differ, the model is newer (e.g.
  ConformancePackInputParameters: at most 330 in the model of botocore 1.44, 60 on older pages).
  The Filters of DescribeConformancePacks and DescribeConformancePackStatus (pack Types) are
  refused as not implemented.
- PutConformancePack takes exactly one of TemplateBody, TemplateS3Uri and
  TemplateSSMDocumentDetails (InvalidParameterValueException otherwise). The embedded AWS
  implements TemplateBody only and refuses the other two (and the Source, Scope and Tags members),
  saying so, instead of accepting them and deploying nothing. The template is interpreted by
  :mod:`smguard.embedded.pack_template`; a template it cannot deploy is refused with
  ConformancePackTemplateValidationException naming what and where.
- A pack is deployed synchronously. Each ConfigRule it declares is created with PutConfigRule's
  checks (moto's: the function exists, InputParameters is JSON, the frequency is valid) as
  ``<declared name>-conformance-pack-<suffix>`` (``smguard.deploy.naming.conformance_pack_rule_name``;
  suffix: 8 random lowercase letters and digits) with ``CreatedBy: config-conforms.amazonaws.com``;
  each RemediationConfiguration is attached to the rule its ConfigRuleName declares, with
  PutRemediationConfigurations' checks. As in AWS, where CloudFormation creates the resources after
  the call returned, a rule or remediation that cannot be created does not fail the call: the pack's
  ConformancePackState is CREATE_FAILED (UPDATE_FAILED for an update) with the reason, and nothing
  of the deployment is kept (CloudFormation rolls back). Otherwise CREATE_COMPLETE / UPDATE_COMPLETE.
  A created rule name longer than 128 characters (PutConfigRule's bound) fails it the same way.
- StackArn: ``arn:<partition>:cloudformation:<region>:<account>:stack/awsconfigconforms-<pack>-<pack
  id>/<uuid>``; ConformancePackId ``conformance-pack-<9 random lowercase letters and digits>``
  (decision: AWS's ids have that form); ConformancePackArn
  ``arn:<partition>:config:<region>:<account>:conformance-pack/<pack>/<pack id>``.
- An update (PutConformancePack again) keeps the name, ConfigRuleId and results of every rule the
  template still declares (by declared name), creates the new ones and deletes the others with
  their remediation configurations. DeleteConformancePack deletes the pack's rules, their results
  (results are kept by ConfigRuleId, see ``config_compliance``) and their remediation configurations.
- The rules a pack created belong to AWS Config's service-linked role (AWSServiceRoleForConfigConforms):
  PutConfigRule and DeleteConfigRule on them are refused as for every service-linked rule
  (``organization_rules``: AccessDeniedException), PutRemediationConfigurations and
  DeleteRemediationConfiguration too (``remediation``: InsufficientPermissionsException).
- Compliance, from the rules' stored results (``config_compliance``): a rule is NON_COMPLIANT when a
  resource is, COMPLIANT when one is and none is not, else INSUFFICIENT_DATA; a pack is NON_COMPLIANT
  when a rule is, COMPLIANT when a rule is and none is not ("If some of the rules in a conformance
  pack are compliant but the compliance status of other rules in that same conformance pack is
  INSUFFICIENT_DATA, the conformance pack shows compliant"), else INSUFFICIENT_DATA.
  GetConformancePackComplianceDetails returns COMPLIANT and NON_COMPLIANT results only (its
  ComplianceType: "The allowed values are COMPLIANT and NON_COMPLIANT. INSUFFICIENT_DATA is not
  supported"); ResourceIds need a ResourceType (InvalidParameterValueException); ConfigRuleNames
  that are no rule of the pack: NoSuchConfigRuleInConformancePackException.
- The score is :func:`smguard.score.compliance_score` over the pack's rule-resource pairs.
  LastUpdatedTime (decision: AWS says "the time that the conformance pack compliance score was last
  updated") is when a result of one of its rules was last recorded, or the pack last deployed if
  later: the score is computed again then. Sorting: by name (ascending, or descending with
  SortOrder DESCENDING), or with SortBy SCORE by the score with INSUFFICIENT_DATA "last when sorting
  by ascending order and first when sorting by descending order".
- Paging: Limit 0 or absent is the model's maximum (decision: AWS publishes no default but 100 for
  GetConformancePackComplianceDetails, which is its maximum): 20 for DescribeConformancePacks,
  DescribeConformancePackStatus, GetConformancePackComplianceSummary and
  ListConformancePackComplianceScores, 1000 for DescribeConformancePackCompliance, 100 for the
  organization APIs. NextTokens are signed for their listing (``config_compliance``).
- Organization conformance packs: only the management account or a delegated administrator for
  ``config-multiaccountsetup.amazonaws.com`` may call their APIs (``organizations``). Creating one
  creates, in the caller's region of every account of the organization but the ExcludedAccounts
  (decision, as for organization rules: the management and the deploying account included), a
  member pack ``OrgConformsPack-<name>-<suffix>`` (``smguard.deploy.naming.member_pack_name``) with
  ``CreatedBy: config-multiaccountsetup.amazonaws.com`` whose rules are created as above (their
  functions live in the deploying account, as the template's ARNs say). A member account where the
  member pack fails is CREATE_FAILED / UPDATE_FAILED with the error, and the organization pack is
  CREATE_FAILED / UPDATE_FAILED ("when conformance pack creation failed in one or more member
  accounts"). Accounts that join the organization get the member packs; accounts that leave lose them.
  Member accounts cannot change or delete a member pack (AccessDeniedException, decision: the
  message of the service-linked rule refusal) nor its rules (above).

Left out: ``AWS::Config::ConformancePackCompliance`` configuration items (the compliance history
timeline of a pack), the limit on the number of packs per account, DeliveryS3Bucket's existence.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import botocore.session
from botocore.model import Shape
from moto.config.exceptions import InvalidParameterValueException, NoSuchOrganizationConformancePackException
from moto.config.models import ConfigBackend, ConfigRule, config_backends
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError
from moto.organizations.models import OrganizationsBackend

from smguard.deploy.naming import conformance_pack_rule_name, member_pack_name
from smguard.embedded import organization_rules
from smguard.embedded.config_compliance import (
    StoredResult,
    _aggregate_limit_error,
    _limit,
    _now,
    _page,
    _request,
    _rule_compliance,
    _validation_error,
    _with_token,
    evaluation_store,
)
from smguard.embedded.organization_rules import UnsupportedByEmbeddedAWSException
from smguard.embedded.organizations import ORGANIZATION_RULES_SERVICE_PRINCIPAL, account_ids, administered_organization, organization_of
from smguard.embedded.pack_template import PackTemplateError, interpret
from smguard.embedded.remediation import checked_configuration, remediation_configurations
from smguard.score import INSUFFICIENT_DATA, PackScore

CONFORMS_SERVICE_PRINCIPAL = "config-conforms.amazonaws.com"
"""CreatedBy of the rules a conformance pack creates (the AWSServiceRoleForConfigConforms role's service)."""
RULE_SUFFIX_LENGTH = 8
PACK_ID_SUFFIX_LENGTH = 9
STACK_PREFIX = "awsconfigconforms-"
RULE_NAME_MAX_LENGTH = 128
STATUS_REASON_MAX_LENGTH = 2000
"""ConformancePackStatusReason's bound in the API model."""
_ALPHABET = string.ascii_lowercase + string.digits
TEMPLATE_SOURCES = ("TemplateBody", "TemplateS3Uri", "TemplateSSMDocumentDetails")
NOT_IMPLEMENTED_MEMBERS = {
    "TemplateS3Uri": "TemplateS3Uri (a conformance pack template read from Amazon S3); give the template as TemplateBody",
    "TemplateSSMDocumentDetails": "TemplateSSMDocumentDetails (a conformance pack template read from an SSM document); give the template as TemplateBody",
    "Source": "a conformance pack's Source",
    "Scope": "a conformance pack's Scope",
    "Tags": "tags on a conformance pack",
}
_MODEL = botocore.session.get_session().get_service_model("config")
_PACKS_ATTRIBUTE = "smguard_conformance_packs"
_ORGANIZATION_PACKS_ATTRIBUTE = "smguard_organization_conformance_packs"


class ConformancePackTemplateValidationException(JsonRESTError):
    code = 400

    def __init__(self, message: str, *, organization: bool = False) -> None:
        prefix = "Organization" if organization else ""
        super().__init__(f"{prefix}ConformancePackTemplateValidationException", message)


class NoSuchConformancePackException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("NoSuchConformancePackException", message)


class NoSuchConfigRuleInConformancePackException(JsonRESTError):
    code = 400

    def __init__(self, pack: str, names: Sequence[str]) -> None:
        super().__init__(
            "NoSuchConfigRuleInConformancePackException",
            f"The Config rule(s) {', '.join(names)} are not in the conformance pack {pack}.",
        )


class ServiceOwnedPackAccessDeniedException(JsonRESTError):
    code = 400

    def __init__(self, pack: str, owner: str) -> None:
        super().__init__(
            "AccessDeniedException",
            f"An AWS service ({owner}) owns the conformance pack {pack}. You do not have permissions to take action on this conformance pack.",
        )


class PackDeploymentFailed(Exception):
    """A rule or remediation of the template could not be created: the deployment fails, as
    CloudFormation's would, and is rolled back. ``code`` is the error the creation met."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


# --- request checks against the API model ----------------------------------------------------------


def _model_errors(operation: str, request: Mapping[str, Any]) -> list[str]:
    """Every model constraint ``request`` breaks but its Limit (InvalidLimitException, apart)."""
    return _shape_errors(request, _MODEL.operation_model(operation).input_shape, "")


def _shape_errors(value: Any, shape: Shape, location: str) -> list[str]:
    kind = shape.type_name
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if kind == "structure":
        if not isinstance(value, Mapping):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be a structure"]
        errors: list[str] = []
        for name, member in shape.members.items():
            where = f"{location}.{name[0].lower()}{name[1:]}" if location else f"{name[0].lower()}{name[1:]}"
            if value.get(name) is None:
                if name in shape.required_members:
                    errors.append(f"Value null at '{where}' failed to satisfy constraint: Member must not be null")
            elif name != "Limit" or location:
                errors += _shape_errors(value[name], member, where)
        return errors
    if kind == "list":
        if not isinstance(value, list):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be a list"]
        errors = _bound_errors(len(value), value, location, low, high, "length")
        for index, item in enumerate(value, start=1):
            errors += _shape_errors(item, shape.member, f"{location}.{index}.member")
        return errors
    if kind == "string":
        if not isinstance(value, str):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be a string"]
        errors = _bound_errors(len(value), value, location, low, high, "length")
        if shape.enum and value not in shape.enum:
            errors.append(f"Value '{value}' at '{location}' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(shape.enum)}]")
        pattern = shape.metadata.get("pattern")
        if pattern and re.fullmatch(pattern, value) is None:
            errors.append(f"Value '{value}' at '{location}' failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}")
        return errors
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be an integer"]
        return _bound_errors(value, value, location, low, high, "value")
    return []


def _bound_errors(measure: int, value: Any, location: str, low: int | None, high: int | None, what: str) -> list[str]:
    if low is not None and measure < low:
        return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must have {what} greater than or equal to {low}"]
    if high is not None and measure > high:
        return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must have {what} less than or equal to {high}"]
    return []


def _checked(operation: str, request: Mapping[str, Any]) -> None:
    errors = _model_errors(operation, request)
    if errors:
        raise _validation_error(errors)


def _page_size(operation: str, limit: Any) -> int:
    maximum = _MODEL.operation_model(operation).input_shape.members["Limit"].metadata["max"]
    return _limit(limit, maximum, maximum, _aggregate_limit_error(maximum))


def _template_body(request: Mapping[str, Any]) -> str:
    given = [member for member in TEMPLATE_SOURCES if request.get(member) is not None]
    if len(given) != 1:
        raise InvalidParameterValueException(
            "You must specify exactly one of the following parameters: TemplateS3Uri, TemplateBody or TemplateSSMDocumentDetails."
        )
    for member, what in NOT_IMPLEMENTED_MEMBERS.items():
        if request.get(member):
            raise UnsupportedByEmbeddedAWSException(what)
    return str(request["TemplateBody"])


# --- the stored packs ---------------------------------------------------------------------------


@dataclass
class Pack:
    name: str
    pack_id: str
    arn: str
    stack_arn: str
    template_body: str
    input_parameters: list[dict[str, str]]
    delivery_bucket: str | None
    delivery_prefix: str | None
    created_by: str | None
    state: str
    reason: str | None
    """Why the last deployment failed (ConformancePackStatusReason)."""
    failure_code: str | None
    requested_at: datetime
    completed_at: datetime
    rules: dict[str, str] = field(default_factory=dict)
    """Declared ConfigRuleName -> the name of the rule the pack created."""

    def to_detail(self) -> dict[str, Any]:
        """The ConformancePackDetail shape."""
        detail: dict[str, Any] = {
            "ConformancePackName": self.name,
            "ConformancePackArn": self.arn,
            "ConformancePackId": self.pack_id,
            "ConformancePackInputParameters": self.input_parameters,
            "LastUpdateRequestedTime": self.requested_at.timestamp(),
        }
        optional = {"DeliveryS3Bucket": self.delivery_bucket, "DeliveryS3KeyPrefix": self.delivery_prefix, "CreatedBy": self.created_by}
        return {**detail, **{key: value for key, value in optional.items() if value is not None}}

    def to_status(self) -> dict[str, Any]:
        """The ConformancePackStatusDetail shape."""
        status: dict[str, Any] = {
            "ConformancePackName": self.name,
            "ConformancePackId": self.pack_id,
            "ConformancePackArn": self.arn,
            "ConformancePackState": self.state,
            "StackArn": self.stack_arn,
            "LastUpdateRequestedTime": self.requested_at.timestamp(),
            "LastUpdateCompletedTime": self.completed_at.timestamp(),
        }
        if self.reason is not None:
            status["ConformancePackStatusReason"] = self.reason
        return status


@dataclass
class PackStore:
    """The conformance packs of one account and region. ThreadedMotoServer serves requests on
    several threads; a deployment changes rules, remediations and the pack together."""

    packs: dict[str, Pack] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)


def pack_store(backend: ConfigBackend) -> PackStore:
    """The store of ``backend``; kept in its ``__dict__`` so that moto's reset clears it."""
    return backend.__dict__.setdefault(_PACKS_ATTRIBUTE, PackStore())


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


# --- deploying a pack ---------------------------------------------------------------------------


def deploy_pack(
    backend: ConfigBackend,
    name: str,
    body: str,
    input_parameters: list[dict[str, str]],
    *,
    functions_account: str,
    created_by: str | None,
    delivery: tuple[str | None, str | None] = (None, None),
    organization: bool = False,
) -> Pack:
    """Create or update the pack ``name`` in ``backend``'s account and region from ``body``.

    The template is interpreted first (an invalid one is refused, changing nothing); then the rules
    and remediations are built and checked, and only if all are good replace the pack's previous
    ones. ``functions_account`` is where the rules' functions live (the deploying account of an
    organization pack)."""
    parameters = {parameter["ParameterName"]: parameter["ParameterValue"] for parameter in input_parameters}
    try:
        template = interpret(body, parameters, account_id=backend.account_id, region=backend.region_name)
    except PackTemplateError as error:
        raise ConformancePackTemplateValidationException(str(error), organization=organization) from None
    store = pack_store(backend)
    with store.lock:
        pack = store.packs.get(name)
        now = _now()
        if pack is None:
            pack_id = f"conformance-pack-{_random(PACK_ID_SUFFIX_LENGTH)}"
            prefix = f"arn:{backend.partition}"
            pack = Pack(
                name=name,
                pack_id=pack_id,
                arn=f"{prefix}:config:{backend.region_name}:{backend.account_id}:conformance-pack/{name}/{pack_id}",
                stack_arn=f"{prefix}:cloudformation:{backend.region_name}:{backend.account_id}:stack/{STACK_PREFIX}{name}-{pack_id}/{uuid.uuid4()}",
                template_body=body,
                input_parameters=input_parameters,
                delivery_bucket=delivery[0],
                delivery_prefix=delivery[1],
                created_by=created_by,
                state="CREATE_IN_PROGRESS",
                reason=None,
                failure_code=None,
                requested_at=now,
                completed_at=now,
            )
            store.packs[name] = pack
            action = "CREATE"
        else:
            action = "UPDATE" if pack.state not in ("CREATE_FAILED",) else "CREATE"
            pack.template_body, pack.input_parameters, pack.requested_at = body, input_parameters, now
            pack.delivery_bucket, pack.delivery_prefix = delivery
        try:
            _apply(backend, pack, template.rules, template.remediations, functions_account)
            pack.state, pack.reason, pack.failure_code = f"{action}_COMPLETE", None, None
        except PackDeploymentFailed as failure:
            pack.state, pack.reason, pack.failure_code = f"{action}_FAILED", str(failure)[:STATUS_REASON_MAX_LENGTH], failure.code
        pack.completed_at = _now()
        return pack


def _apply(backend: ConfigBackend, pack: Pack, rules: Sequence[Any], remediations: Sequence[Any], functions_account: str) -> None:
    kept = pack.rules
    taken = set(backend.config_rules) - set(kept.values())
    built: dict[str, ConfigRule] = {}
    for declared in rules:
        rule_name = kept.get(declared.name) or _new_rule_name(declared.name, taken)
        taken.add(rule_name)
        if len(rule_name) > RULE_NAME_MAX_LENGTH:
            raise PackDeploymentFailed(
                "ValidationException",
                f"{declared.logical_id}: the rule name {rule_name} is longer than {RULE_NAME_MAX_LENGTH} characters; declare a shorter ConfigRuleName"
            )
        previous = backend.config_rules.get(rule_name) if declared.name in kept else None
        try:
            built[declared.name] = _pack_config_rule(backend, functions_account, rule_name, declared.definition, previous)
        except JsonRESTError as error:
            raise PackDeploymentFailed(error.error_type, f"{declared.logical_id}: {error.error_type}: {error.message}") from None
    if len(taken) > ConfigRule.MAX_RULES:
        raise PackDeploymentFailed("MaxNumberOfConfigRulesExceededException", f"the account would hold {len(taken)} Config rules, more than the {ConfigRule.MAX_RULES} allowed")
    configurations: dict[str, dict[str, Any]] = {}
    for remediation in remediations:
        rule = built[remediation.rule]
        try:
            configurations[str(rule.config_rule_name)] = checked_configuration(backend, rule, remediation.configuration)
        except JsonRESTError as error:
            raise PackDeploymentFailed(error.error_type, f"{remediation.logical_id}: {error.error_type}: {error.message}") from None
    for declared_name, rule_name in kept.items():
        if declared_name not in built:
            _delete_rule(backend, rule_name)
    stored = remediation_configurations(backend)
    for rule in built.values():
        backend.config_rules[str(rule.config_rule_name)] = rule
        stored.pop(str(rule.config_rule_name), None)
    stored.update(configurations)
    pack.rules = {declared_name: str(rule.config_rule_name) for declared_name, rule in built.items()}


def _new_rule_name(declared: str, taken: set[str]) -> str:
    while True:
        name = conformance_pack_rule_name(declared, _random(RULE_SUFFIX_LENGTH))
        if name not in taken:
            return name


def _pack_config_rule(backend: ConfigBackend, functions_account: str, name: str, definition: Mapping[str, Any], previous: ConfigRule | None) -> ConfigRule:
    """The rule, checked by moto's own ConfigRule where its function lives, then given the pack's
    account's identity; an update keeps the rule's id and ARN (and so its results)."""
    rule = ConfigRule(functions_account, backend.region_name, {**definition, "ConfigRuleName": name}, {})
    rule.account_id = backend.account_id
    if previous is not None:
        rule.config_rule_id = previous.config_rule_id
    rule.config_rule_arn = f"arn:{backend.partition}:config:{backend.region_name}:{backend.account_id}:config-rule/{rule.config_rule_id}"
    rule.created_by = CONFORMS_SERVICE_PRINCIPAL
    return rule


def _delete_rule(backend: ConfigBackend, rule_name: str) -> None:
    backend.config_rules.pop(rule_name, None)
    remediation_configurations(backend).pop(rule_name, None)


def remove_pack(backend: ConfigBackend, name: str) -> None:
    """Delete the pack ``name`` with its rules, their results and remediation configurations."""
    store = pack_store(backend)
    with store.lock:
        pack = store.packs.pop(name)
        for rule_name in pack.rules.values():
            _delete_rule(backend, rule_name)


# --- account conformance packs: the API --------------------------------------------------------


def _owned_by_caller(pack: Pack) -> None:
    if pack.created_by is not None:
        raise ServiceOwnedPackAccessDeniedException(pack.name, pack.created_by)


def put_conformance_pack(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    _checked("PutConformancePack", request)
    body = _template_body(request)
    name = request["ConformancePackName"]
    existing = pack_store(backend).packs.get(name)
    if existing is not None:
        _owned_by_caller(existing)
    pack = deploy_pack(
        backend,
        name,
        body,
        list(request.get("ConformancePackInputParameters") or []),
        functions_account=backend.account_id,
        created_by=None,
        delivery=(request.get("DeliveryS3Bucket"), request.get("DeliveryS3KeyPrefix")),
    )
    return {"ConformancePackArn": pack.arn}


def _named_packs(backend: ConfigBackend, names: list[str] | None, *, refuse_missing: bool) -> list[Pack]:
    packs = pack_store(backend).packs
    missing = [name for name in names or [] if name not in packs]
    if missing and refuse_missing:
        raise NoSuchConformancePackException(
            "One or more conformance packs with specified names are not present. Ensure your names are correct and try your request again later."
        )
    chosen = [packs[name] for name in set(names) if name in packs] if names else list(packs.values())
    return sorted(chosen, key=lambda pack: pack.name)


def _described(backend: ConfigBackend, operation: str, request: Mapping[str, Any], key: str, shape: Callable[[Pack], dict[str, Any]], *, refuse_missing: bool) -> dict[str, Any]:
    _checked(operation, request)
    if request.get("Filters"):
        raise UnsupportedByEmbeddedAWSException(f"the Filters of {operation}")
    page_size = _page_size(operation, request.get("Limit"))
    names = request.get("ConformancePackNames")
    packs = _named_packs(backend, names, refuse_missing=refuse_missing)
    listing = f"{operation} {sorted(names or [])}"
    page, token = _page(packs, lambda pack: (pack.name,), page_size, request.get("NextToken"), listing)
    return _with_token({key: [shape(pack) for pack in page]}, token)


def describe_conformance_packs(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    return _described(backend, "DescribeConformancePacks", request, "ConformancePackDetails", Pack.to_detail, refuse_missing=True)


def describe_conformance_pack_status(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    # Its documented errors have no NoSuchConformancePackException: a missing name is left out.
    return _described(backend, "DescribeConformancePackStatus", request, "ConformancePackStatusDetails", Pack.to_status, refuse_missing=False)


def delete_conformance_pack(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    _checked("DeleteConformancePack", request)
    name = request["ConformancePackName"]
    pack = pack_store(backend).packs.get(name)
    if pack is None:
        raise NoSuchConformancePackException(f"Conformance pack {name} does not exist.")
    _owned_by_caller(pack)
    remove_pack(backend, name)
    return {}


# --- compliance -----------------------------------------------------------------------------------


def _pack(backend: ConfigBackend, name: str) -> Pack:
    pack = pack_store(backend).packs.get(name)
    if pack is None:
        raise NoSuchConformancePackException(f"Conformance pack {name} does not exist.")
    return pack


def _pack_rules(backend: ConfigBackend, pack: Pack) -> list[ConfigRule]:
    return [backend.config_rules[name] for name in sorted(pack.rules.values()) if name in backend.config_rules]


def _results(backend: ConfigBackend, rule: ConfigRule) -> list[StoredResult]:
    return evaluation_store(backend).results(rule.config_rule_id)


def _rule_names_filter(pack: Pack, names: list[str] | None) -> set[str] | None:
    if not names:
        return None
    missing = [name for name in names if name not in pack.rules.values()]
    if missing:
        raise NoSuchConfigRuleInConformancePackException(pack.name, missing)
    return set(names)


def pack_compliance(backend: ConfigBackend, pack: Pack) -> str:
    """The pack's ComplianceType: the worst of its rules', a rule without data not counting."""
    types = {_rule_compliance(_results(backend, rule))["ComplianceType"] for rule in _pack_rules(backend, pack)}
    for compliance in ("NON_COMPLIANT", "COMPLIANT"):
        if compliance in types:
            return compliance
    return INSUFFICIENT_DATA


def pack_score(backend: ConfigBackend, pack: Pack) -> tuple[PackScore, datetime]:
    """The pack's score (its rule-resource pairs' compliance) and when it was last computed."""
    results = [result for rule in _pack_rules(backend, pack) for result in _results(backend, rule)]
    updated = max([pack.completed_at, *(result.recorded_at for result in results)])
    return PackScore.of(result.compliance_type for result in results), updated


def describe_conformance_pack_compliance(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    operation = "DescribeConformancePackCompliance"
    _checked(operation, request)
    page_size = _page_size(operation, request.get("Limit"))
    pack = _pack(backend, request["ConformancePackName"])
    filters = request.get("Filters") or {}
    names = _rule_names_filter(pack, filters.get("ConfigRuleNames"))
    rows = []
    for rule in _pack_rules(backend, pack):
        compliance = _rule_compliance(_results(backend, rule))["ComplianceType"]
        if (names is None or rule.config_rule_name in names) and filters.get("ComplianceType") in (None, compliance):
            rows.append({"ConfigRuleName": rule.config_rule_name, "ComplianceType": compliance})
    listing = f"{operation} {pack.arn} {json.dumps(filters, sort_keys=True)}"
    page, token = _page(rows, lambda row: (row["ConfigRuleName"],), page_size, request.get("NextToken"), listing)
    return _with_token({"ConformancePackName": pack.name, "ConformancePackRuleComplianceList": page}, token)


def get_conformance_pack_compliance_details(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    operation = "GetConformancePackComplianceDetails"
    _checked(operation, request)
    page_size = _page_size(operation, request.get("Limit"))
    filters = request.get("Filters") or {}
    if filters.get("ComplianceType") == INSUFFICIENT_DATA:
        raise InvalidParameterValueException("The ComplianceType filter accepts COMPLIANT and NON_COMPLIANT; INSUFFICIENT_DATA is not supported.")
    if filters.get("ResourceIds") and not filters.get("ResourceType"):
        raise InvalidParameterValueException("ResourceIds can be given only with a ResourceType.")
    pack = _pack(backend, request["ConformancePackName"])
    names = _rule_names_filter(pack, filters.get("ConfigRuleNames"))
    results = [
        result
        for rule in _pack_rules(backend, pack)
        if names is None or rule.config_rule_name in names
        for result in _results(backend, rule)
        if result.compliance_type in ("COMPLIANT", "NON_COMPLIANT")
        and filters.get("ComplianceType") in (None, result.compliance_type)
        and filters.get("ResourceType") in (None, result.resource_type)
        and (not filters.get("ResourceIds") or result.resource_id in filters["ResourceIds"])
    ]
    listing = f"{operation} {pack.arn} {json.dumps(filters, sort_keys=True)}"
    key = lambda result: (result.rule_name, *result.key)  # noqa: E731
    page, token = _page(sorted(results, key=key), key, page_size, request.get("NextToken"), listing)
    return _with_token({"ConformancePackName": pack.name, "ConformancePackRuleEvaluationResults": [r.to_evaluation_result() for r in page]}, token)


def get_conformance_pack_compliance_summary(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    operation = "GetConformancePackComplianceSummary"
    _checked(operation, request)
    page_size = _page_size(operation, request.get("Limit"))
    names = request["ConformancePackNames"]
    packs = _named_packs(backend, names, refuse_missing=True)
    rows = [{"ConformancePackName": pack.name, "ConformancePackComplianceStatus": pack_compliance(backend, pack)} for pack in packs]
    page, token = _page(rows, lambda row: (row["ConformancePackName"],), page_size, request.get("NextToken"), f"{operation} {sorted(names)}")
    return _with_token({"ConformancePackComplianceSummaryList": page}, token)


def list_conformance_pack_compliance_scores(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    operation = "ListConformancePackComplianceScores"
    _checked(operation, request)
    page_size = _page_size(operation, request.get("Limit"))
    names = (request.get("Filters") or {}).get("ConformancePackNames")
    rows: list[dict[str, Any]] = []
    for pack in _named_packs(backend, names, refuse_missing=False):
        score, updated = pack_score(backend, pack)
        rows.append({"ConformancePackName": pack.name, "Score": score.score, "LastUpdatedTime": updated.timestamp()})
    descending = request.get("SortOrder") == "DESCENDING"
    if request.get("SortBy") == "SCORE":
        # INSUFFICIENT_DATA last in ascending order, first in descending order; ties by name.
        rows.sort(key=lambda row: (row["Score"] == INSUFFICIENT_DATA, 0.0 if row["Score"] == INSUFFICIENT_DATA else float(row["Score"]), row["ConformancePackName"]), reverse=descending)
    else:
        rows.sort(key=lambda row: row["ConformancePackName"], reverse=descending)
    # Pages by position in that order (a score is no stable key): the token names the last position served.
    positioned = [(f"{index:06d}", row) for index, row in enumerate(rows)]
    listing = f"{operation} {sorted(names or [])} {request.get('SortBy')} {request.get('SortOrder')}"
    page, token = _page(positioned, lambda item: (item[0],), page_size, request.get("NextToken"), listing)
    return _with_token({"ConformancePackComplianceScores": [row for _, row in page]}, token)


# --- organization conformance packs ------------------------------------------------------------


@dataclass
class MemberPack:
    account_id: str
    pack_name: str
    status: str
    updated_at: datetime
    error: tuple[str, str] | None = None

    def to_status(self) -> dict[str, Any]:
        """The OrganizationConformancePackDetailedStatus shape."""
        status: dict[str, Any] = {
            "AccountId": self.account_id,
            "ConformancePackName": self.pack_name,
            "Status": self.status,
            "LastUpdateTime": self.updated_at.timestamp(),
        }
        if self.error is not None:
            status["ErrorCode"], status["ErrorMessage"] = self.error
        return status


@dataclass
class OrganizationPack:
    name: str
    arn: str
    body: str
    input_parameters: list[dict[str, str]]
    excluded_accounts: list[str]
    delivery: tuple[str | None, str | None]
    status: str
    updated_at: datetime
    members: dict[str, MemberPack] = field(default_factory=dict)

    def to_pack(self) -> dict[str, Any]:
        """The OrganizationConformancePack shape."""
        shape: dict[str, Any] = {
            "OrganizationConformancePackName": self.name,
            "OrganizationConformancePackArn": self.arn,
            "ConformancePackInputParameters": self.input_parameters,
            "ExcludedAccounts": self.excluded_accounts,
            "LastUpdateTime": self.updated_at.timestamp(),
        }
        for key, value in zip(("DeliveryS3Bucket", "DeliveryS3KeyPrefix"), self.delivery):
            if value is not None:
                shape[key] = value
        return shape

    def to_status(self) -> dict[str, Any]:
        """The OrganizationConformancePackStatus shape."""
        return {"OrganizationConformancePackName": self.name, "Status": self.status, "LastUpdateTime": self.updated_at.timestamp()}


@dataclass
class OrganizationPackStore:
    packs: dict[str, OrganizationPack] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)


def organization_pack_store(backend: ConfigBackend) -> OrganizationPackStore:
    return backend.__dict__.setdefault(_ORGANIZATION_PACKS_ATTRIBUTE, OrganizationPackStore())


def _deploy_members(deployer: ConfigBackend, pack: OrganizationPack, targets: list[str], *, update: bool) -> None:
    """Make the member packs of ``pack`` exactly those of ``targets``: remove those of other
    accounts, create the missing ones and, when ``update``, deploy the others again."""
    for account_id in list(pack.members):
        if account_id not in targets:
            member = pack.members.pop(account_id)
            member_backend = config_backends[account_id][deployer.region_name]
            if member.pack_name in pack_store(member_backend).packs:
                remove_pack(member_backend, member.pack_name)
    for account_id in targets:
        current = pack.members.get(account_id)
        if current is not None and not update:
            continue
        member_backend = config_backends[account_id][deployer.region_name]
        name = current.pack_name if current else member_pack_name(pack.name, _random(RULE_SUFFIX_LENGTH))
        action = "UPDATE" if current is not None and current.status != "CREATE_FAILED" else "CREATE"
        error: tuple[str, str] | None = None
        try:  # the template was interpreted for the deploying account; a member account's id may still break it
            deployed = deploy_pack(
                member_backend,
                name,
                pack.body,
                pack.input_parameters,
                functions_account=deployer.account_id,
                created_by=ORGANIZATION_RULES_SERVICE_PRINCIPAL,
                delivery=pack.delivery,
                organization=True,
            )
            if deployed.state.endswith("_FAILED"):
                error = (deployed.failure_code or "", deployed.reason or "")
        except ConformancePackTemplateValidationException as refused:
            error = (refused.error_type, refused.message)
        status = f"{action}_{'FAILED' if error else 'SUCCESSFUL'}"
        pack.members[account_id] = MemberPack(account_id, name, status, _now(), error)


def _organization_status(pack: OrganizationPack, action: str) -> str:
    failed = any(member.status.endswith("_FAILED") for member in pack.members.values())
    return f"{action}_{'FAILED' if failed else 'SUCCESSFUL'}"


def put_organization_conformance_pack(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    _checked("PutOrganizationConformancePack", request)
    body = _template_body(request)
    organization = administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    parameters = list(request.get("ConformancePackInputParameters") or [])
    try:  # refused before any account changes; each member account interprets it again with its own id
        interpret(body, {p["ParameterName"]: p["ParameterValue"] for p in parameters}, account_id=backend.account_id, region=backend.region_name)
    except PackTemplateError as error:
        raise ConformancePackTemplateValidationException(str(error), organization=True) from None
    name = request["OrganizationConformancePackName"]
    excluded = sorted(set(request.get("ExcludedAccounts") or []))
    delivery = (request.get("DeliveryS3Bucket"), request.get("DeliveryS3KeyPrefix"))
    store = organization_pack_store(backend)
    with store.lock:
        pack = store.packs.get(name)
        action = "CREATE" if pack is None else "UPDATE"
        if pack is None:
            pack = OrganizationPack(
                name=name,
                arn=f"arn:{backend.partition}:config:{backend.region_name}:{backend.account_id}:organization-conformance-pack/{name}-{_random(RULE_SUFFIX_LENGTH)}",
                body=body,
                input_parameters=parameters,
                excluded_accounts=excluded,
                delivery=delivery,
                status="CREATE_IN_PROGRESS",
                updated_at=_now(),
            )
            store.packs[name] = pack
        else:
            pack.body, pack.input_parameters, pack.excluded_accounts, pack.delivery = body, parameters, excluded, delivery
        targets = [account for account in account_ids(organization) if account not in excluded]
        _deploy_members(backend, pack, targets, update=True)
        pack.status, pack.updated_at = _organization_status(pack, action), _now()
    return {"OrganizationConformancePackArn": pack.arn}


def _named_organization_packs(backend: ConfigBackend, names: list[str] | None) -> list[OrganizationPack]:
    packs = organization_pack_store(backend).packs
    missing = [name for name in names or [] if name not in packs]
    if missing:
        raise NoSuchOrganizationConformancePackException(
            f"The organization conformance pack(s) {', '.join(missing)} do not exist in this account and region; "
            "organization conformance packs are seen only from the account that created them."
        )
    chosen = [packs[name] for name in set(names)] if names else list(packs.values())
    return sorted(chosen, key=lambda pack: pack.name)


def _described_organization(backend: ConfigBackend, operation: str, request: Mapping[str, Any], key: str, shape: Callable[[OrganizationPack], dict[str, Any]]) -> dict[str, Any]:
    _checked(operation, request)
    page_size = _page_size(operation, request.get("Limit"))
    administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    names = request.get("OrganizationConformancePackNames")
    packs = _named_organization_packs(backend, names)
    page, token = _page(packs, lambda pack: (pack.name,), page_size, request.get("NextToken"), f"{operation} {sorted(names or [])}")
    return _with_token({key: [shape(pack) for pack in page]}, token)


def describe_organization_conformance_packs(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    return _described_organization(backend, "DescribeOrganizationConformancePacks", request, "OrganizationConformancePacks", OrganizationPack.to_pack)


def describe_organization_conformance_pack_statuses(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    return _described_organization(
        backend, "DescribeOrganizationConformancePackStatuses", request, "OrganizationConformancePackStatuses", OrganizationPack.to_status
    )


def get_organization_conformance_pack_detailed_status(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    operation = "GetOrganizationConformancePackDetailedStatus"
    _checked(operation, request)
    page_size = _page_size(operation, request.get("Limit"))
    administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    [pack] = _named_organization_packs(backend, [request["OrganizationConformancePackName"]])
    filters = request.get("Filters") or {}
    members = [
        member
        for _, member in sorted(pack.members.items())
        if filters.get("AccountId") in (None, member.account_id) and filters.get("Status") in (None, member.status)
    ]
    listing = f"{operation} {pack.arn} {json.dumps(filters, sort_keys=True)}"
    page, token = _page(members, lambda member: (member.account_id,), page_size, request.get("NextToken"), listing)
    return _with_token({"OrganizationConformancePackDetailedStatuses": [member.to_status() for member in page]}, token)


def delete_organization_conformance_pack(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    _checked("DeleteOrganizationConformancePack", request)
    administered_organization(backend.account_id, backend.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    store = organization_pack_store(backend)
    with store.lock:
        [pack] = _named_organization_packs(backend, [request["OrganizationConformancePackName"]])
        _deploy_members(backend, pack, [], update=False)
        del store.packs[pack.name]
    return {}


def follow_membership(organization: OrganizationsBackend) -> None:
    """Deploy every organization conformance pack of ``organization`` to an account that joined it
    and remove it from one that left (the Developer Guide: AWS Config deploys an organization
    conformance pack to accounts that join and removes it from accounts that leave)."""
    members = account_ids(organization)
    for account_backends in list(config_backends.values()):
        for backend in list(account_backends.values()):
            store = backend.__dict__.get(_ORGANIZATION_PACKS_ATTRIBUTE)
            if store is None or organization_of(backend.account_id, backend.partition) is not organization:
                continue
            with store.lock:
                for pack in store.packs.values():
                    _deploy_members(backend, pack, [a for a in members if a not in pack.excluded_accounts], update=False)


def create_account(self: OrganizationsBackend, **kwargs: Any) -> dict[str, Any]:
    """CreateAccount as ``organization_rules`` completes it; the new account then gets the
    organization's conformance packs too."""
    status = organization_rules.create_account(self, **kwargs)
    follow_membership(self)
    return status


def remove_account_from_organization(self: OrganizationsBackend, **kwargs: str) -> None:
    """RemoveAccountFromOrganization as ``organization_rules`` completes it; the account then loses
    the organization's conformance packs too."""
    organization_rules.remove_account_from_organization(self, **kwargs)
    follow_membership(self)


# --- the HTTP side -------------------------------------------------------------------------------


def _response(function: Callable[[ConfigBackend, Mapping[str, Any]], dict[str, Any]]) -> Callable[[ConfigResponse], str]:
    def respond(self: ConfigResponse) -> str:
        return json.dumps(function(self.config_backend, _request(self)))

    respond.__name__ = f"_{function.__name__}_response"
    return respond


_API: tuple[Callable[[ConfigBackend, Mapping[str, Any]], dict[str, Any]], ...] = (
    put_conformance_pack,
    describe_conformance_packs,
    describe_conformance_pack_status,
    delete_conformance_pack,
    describe_conformance_pack_compliance,
    get_conformance_pack_compliance_details,
    get_conformance_pack_compliance_summary,
    list_conformance_pack_compliance_scores,
    put_organization_conformance_pack,
    describe_organization_conformance_packs,
    describe_organization_conformance_pack_statuses,
    get_organization_conformance_pack_detailed_status,
    delete_organization_conformance_pack,
)


def install() -> None:
    """Give moto's Config the conformance-pack APIs (after ``organization_rules.install()``, whose
    account membership handling this extends). Idempotent; affects every moto backend in the process."""
    setattr(OrganizationsBackend, "create_account", create_account)
    setattr(OrganizationsBackend, "remove_account_from_organization", remove_account_from_organization)
    for function in _API:
        setattr(ConfigResponse, function.__name__, _response(function))
