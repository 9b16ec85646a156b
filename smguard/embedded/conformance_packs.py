"""AWS Config's conformance packs for the embedded AWS: what moto 5.2.5 leaves out.

moto 5.2.5 has no account conformance packs. ``install()`` adds PutConformancePack,
DescribeConformancePacks, DescribeConformancePackStatus, DeleteConformancePack,
DescribeConformancePackCompliance, GetConformancePackComplianceDetails,
GetConformancePackComplianceSummary and ListConformancePackComplianceScores; the organization
conformance packs (``organization_conformance_packs``) deploy their member packs with
:func:`deploy_pack`.

How this follows AWS (AWS Config API Reference, the page of each of those actions and of
ConformancePackDetail, ConformancePackStatusDetail, ConformancePackRuleCompliance,
ConformancePackEvaluationResult, ConformancePackEvaluationFilters, ConformancePackComplianceSummary,
ConformancePackComplianceScore; AWS Config Developer Guide, "Conformance Packs", "Deploying a
conformance pack using the AWS CLI", "Viewing the Compliance History Timeline for Conformance
Packs"); decisions where AWS does not say are marked:

- Requests are checked against the API model (``request_model``): lengths, patterns, enums and
  list sizes refused with ValidationException, a Limit beyond the model's range with
  InvalidLimitException. The model is the one source of those bounds; where older API Reference
  pages differ, the model is newer (e.g. ConformancePackInputParameters: at most 330 in the model
  of botocore 1.44, 60 on older pages).
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
  suffix: the pack ID's, shared by the pack's rules) with ``CreatedBy: config-conforms.amazonaws.com``;
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
  ListConformancePackComplianceScores, 1000 for DescribeConformancePackCompliance. NextTokens are
  signed for their listing (``config_compliance``).

Left out: ``AWS::Config::ConformancePackCompliance`` configuration items (the compliance history
timeline of a pack: the Developer Guide describes the timeline but documents no item shape, and
the embedded AWS invents none), the limit on the number of packs per account, checking that
DeliveryS3Bucket exists.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.config.exceptions import InvalidParameterValueException
from moto.config.models import ConfigBackend, ConfigRule
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError

from smguard.deploy.naming import conformance_pack_rule_name
from smguard.embedded.config_compliance import StoredResult, _now, _page, _request, _rule_compliance, _with_token, evaluation_store
from smguard.embedded.organization_rules import UnsupportedByEmbeddedAWSException, owned_config_rule
from smguard.embedded.pack_template import PackTemplateError, interpret
from smguard.embedded.remediation import checked_configuration, remediation_configurations
from smguard.embedded.request_model import check_request, page_size_of
from smguard.score import INSUFFICIENT_DATA, PackScore

CONFORMS_SERVICE_PRINCIPAL = "config-conforms.amazonaws.com"
"""CreatedBy of the rules a conformance pack creates (the AWSServiceRoleForConfigConforms role's service)."""
RULE_SUFFIX_LENGTH = 8
PACK_ID_SUFFIX_LENGTH = 9
PACK_ID_PREFIX = "conformance-pack-"
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
_PACKS_ATTRIBUTE = "smguard_conformance_packs"


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


def template_body(request: Mapping[str, Any]) -> str:
    """The request's TemplateBody: exactly one template source given, and the one implemented."""
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


def random_suffix(length: int) -> str:
    """Lowercase letters and digits, as AWS Config's generated suffixes and ids are."""
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
            pack_id = f"{PACK_ID_PREFIX}{random_suffix(PACK_ID_SUFFIX_LENGTH)}"
            prefix = f"arn:{backend.partition}"
            pack = Pack(
                name=name,
                pack_id=pack_id,
                arn=f"{prefix}:config:{backend.region_name}:{backend.account_id}:conformance-pack/{name}/{pack_id}",
                stack_arn=f"{prefix}:cloudformation:{backend.region_name}:{backend.account_id}:stack/{STACK_PREFIX}{name}-{pack_id}/{uuid.uuid4()}",
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
            action = "UPDATE" if pack.state != "CREATE_FAILED" else "CREATE"  # a failed creation left nothing to update
            pack.input_parameters, pack.requested_at = input_parameters, now
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
        rule_name = kept.get(declared.name) or _new_rule_name(declared.name, pack.pack_id)
        taken.add(rule_name)
        if len(rule_name) > RULE_NAME_MAX_LENGTH:
            raise PackDeploymentFailed(
                "ValidationException",
                f"{declared.logical_id}: the rule name {rule_name} is longer than {RULE_NAME_MAX_LENGTH} characters; declare a shorter ConfigRuleName"
            )
        previous = backend.config_rules.get(rule_name) if declared.name in kept else None
        try:
            built[declared.name] = owned_config_rule(functions_account, backend, rule_name, declared.definition, previous, CONFORMS_SERVICE_PRINCIPAL)
        except JsonRESTError as error:
            raise PackDeploymentFailed(error.error_type, f"{declared.logical_id}: {error.error_type}: {error.message}") from None
    if len(taken) > ConfigRule.MAX_RULES:
        raise PackDeploymentFailed(
            "MaxNumberOfConfigRulesExceededException",
            f"the account would hold {len(taken)} Config rules, more than the {ConfigRule.MAX_RULES} allowed",
        )
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


def _new_rule_name(declared: str, pack_id: str) -> str:
    """The rules of one pack share its ID's suffix (AWS Config Developer Guide, "Viewing compliance
    history timeline for conformance packs": pack ``conformance-pack-ID`` holds ``RuleName1-conformance-pack-ID``)."""
    return conformance_pack_rule_name(declared, pack_id.removeprefix(PACK_ID_PREFIX))


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
    check_request("PutConformancePack", request)
    body = template_body(request)
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


def _described(
    backend: ConfigBackend,
    operation: str,
    request: Mapping[str, Any],
    key: str,
    shape: Callable[[Pack], dict[str, Any]],
    *,
    refuse_missing: bool,
) -> dict[str, Any]:
    check_request(operation, request)
    if request.get("Filters"):
        raise UnsupportedByEmbeddedAWSException(f"the Filters of {operation}")
    page_size = page_size_of(operation, request.get("Limit"))
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
    check_request("DeleteConformancePack", request)
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
    check_request(operation, request)
    page_size = page_size_of(operation, request.get("Limit"))
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
    check_request(operation, request)
    page_size = page_size_of(operation, request.get("Limit"))
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
    check_request(operation, request)
    page_size = page_size_of(operation, request.get("Limit"))
    names = request["ConformancePackNames"]
    packs = _named_packs(backend, names, refuse_missing=True)
    rows = [{"ConformancePackName": pack.name, "ConformancePackComplianceStatus": pack_compliance(backend, pack)} for pack in packs]
    page, token = _page(rows, lambda row: (row["ConformancePackName"],), page_size, request.get("NextToken"), f"{operation} {sorted(names)}")
    return _with_token({"ConformancePackComplianceSummaryList": page}, token)


def _by_score(row: Mapping[str, Any]) -> tuple[bool, float, str]:
    insufficient = row["Score"] == INSUFFICIENT_DATA
    return (insufficient, 0.0 if insufficient else float(row["Score"]), row["ConformancePackName"])


def list_conformance_pack_compliance_scores(backend: ConfigBackend, request: Mapping[str, Any]) -> dict[str, Any]:
    operation = "ListConformancePackComplianceScores"
    check_request(operation, request)
    page_size = page_size_of(operation, request.get("Limit"))
    names = (request.get("Filters") or {}).get("ConformancePackNames")
    rows: list[dict[str, Any]] = []
    for pack in _named_packs(backend, names, refuse_missing=False):
        score, updated = pack_score(backend, pack)
        rows.append({"ConformancePackName": pack.name, "Score": score.score, "LastUpdatedTime": updated.timestamp()})
    descending = request.get("SortOrder") == "DESCENDING"
    if request.get("SortBy") == "SCORE":
        # INSUFFICIENT_DATA last in ascending order, first in descending order; ties by name.
        rows.sort(key=_by_score, reverse=descending)
    else:
        rows.sort(key=lambda row: row["ConformancePackName"], reverse=descending)
    # Pages by position in that order (a score is no stable key): the token names the last position served.
    positioned = [(f"{index:06d}", row) for index, row in enumerate(rows)]
    listing = f"{operation} {sorted(names or [])} {request.get('SortBy')} {request.get('SortOrder')}"
    page, token = _page(positioned, lambda item: (item[0],), page_size, request.get("NextToken"), listing)
    return _with_token({"ConformancePackComplianceScores": [row for _, row in page]}, token)


# --- the HTTP side -------------------------------------------------------------------------------


API = Callable[[ConfigBackend, Mapping[str, Any]], dict[str, Any]]
"""An action: the caller's backend and the request's JSON -> the response's JSON."""


def response_method(function: API) -> Callable[[ConfigResponse], str]:
    """moto's ConfigResponse method for ``function`` (moto dispatches an action to the method of its snake_case name)."""

    def respond(self: ConfigResponse) -> str:
        return json.dumps(function(self.config_backend, _request(self)))

    respond.__name__ = f"_{function.__name__}_response"
    return respond


_API: tuple[API, ...] = (
    put_conformance_pack,
    describe_conformance_packs,
    describe_conformance_pack_status,
    delete_conformance_pack,
    describe_conformance_pack_compliance,
    get_conformance_pack_compliance_details,
    get_conformance_pack_compliance_summary,
    list_conformance_pack_compliance_scores,
)


def install() -> None:
    """Give moto's Config the conformance-pack APIs. Idempotent; affects every moto backend in the process."""
    for function in _API:
        setattr(ConfigResponse, function.__name__, response_method(function))
