"""AWS Config's compliance APIs for the embedded AWS: what moto 5.2.5 leaves out.

moto accepts PutEvaluations only in TestMode and has no GetComplianceDetailsByConfigRule,
DescribeComplianceByConfigRule or aggregate compliance APIs, so the evidence export and the demo
could not read back what the rules posted. ``install()`` adds them to moto's own Config backend and
response classes. moto dispatches every JSON request to the ``ConfigResponse`` method named after
the action (snake_case) and creates its per account/region backends lazily from ``ConfigBackend``,
so adding methods to those two classes serves both in-process ``mock_aws()`` and
``moto.server.ThreadedMotoServer`` without forking moto.

How this follows AWS (the Config API reference; decisions where AWS does not say are marked):

- Results are stored per account, region (= the moto backend), rule and resource. They live on the
  backend object, so moto's reset (the end of ``mock_aws()``) drops them with everything else, and
  they are keyed by the rule's ConfigRuleId, so deleting a rule deletes its results.
- The result token is what ties PutEvaluations to a rule invocation. AWS's tokens are opaque; the
  embedded AWS issues them with ``result_token()`` (what Config does when it invokes a rule) and
  they carry the rule's ConfigRuleId, account, region and invocation time (-> ConfigRuleInvokedTime).
  A token it did not issue, or one for another account or region, is refused
  (InvalidResultTokenException); a token whose rule is gone gives NoSuchConfigRuleException, also
  when a rule of the same name was created since (it has another ConfigRuleId). ``TestMode``
  validates and stores nothing, whatever the token.
- A newer OrderingTimestamp replaces the stored result; an older one is ignored (decision: an equal
  timestamp replaces it, the later post wins). ResultRecordedTime is when the result was stored.
- Model constraints the SDK does not check (list sizes, maximum lengths, enums) are refused with
  ValidationException in AWS's "N validation error(s) detected" form; INSUFFICIENT_DATA, which the
  model allows but Config does not accept from a rule, with InvalidParameterValueException.
- GetComplianceDetailsByConfigRule: Limit 0..100, 0 or absent = 10; ComplianceTypes filters on
  COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE (absent = all three).
- DescribeComplianceByConfigRule: a rule is NON_COMPLIANT when any resource is, with
  ComplianceContributorCount = non-compliant resources capped at 100; COMPLIANT when at least one
  resource is and none is not; INSUFFICIENT_DATA without results or when all are NOT_APPLICABLE.
  ComplianceTypes filters on COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA. At most 25 ConfigRuleNames
  and 3 ComplianceTypes (the model's bounds). Pages of 25 rules (decision: AWS publishes no page size).
- NextToken: opaque to the caller. Decision: a token is signed for the listing that issued it (the
  operation and its rule, aggregator and filters), so a made-up token, or one from another listing,
  is refused with InvalidNextTokenException.
- Aggregates: the aggregator belongs to the caller's account and region. It sees the accounts of its
  AccountAggregationSources (or every account of the caller's organization for an
  OrganizationAggregationSource, created by the management account or a delegated administrator,
  see ``organization_rules``) in its listed regions (AllAwsRegions: every region where that
  account used Config). A source account other than the aggregator's own contributes only after it
  authorised the aggregator's account and region with PutAggregationAuthorization (organization
  sources need none). Accounts are moto's: ``MOTO_ACCOUNT_ID`` or credentials of a role assumed in
  another account select the account a request acts in.
  DescribeAggregateComplianceByConfigRules lists (rule, account, region) with COMPLIANT or
  NON_COMPLIANT results only; Limit 0..1000, 0 or absent = 1000; the ComplianceType filter accepts
  COMPLIANT and NON_COMPLIANT. GetAggregateComplianceDetailsByConfigRule: Limit 0..100, 0 or
  absent = 50; ComplianceType COMPLIANT or NON_COMPLIANT (absent = both); it never returns a
  NOT_APPLICABLE result (AWS documents AggregateEvaluationResult as COMPLIANT or NON_COMPLIANT
  only); a rule the source does not have returns no results (its documented errors have no
  NoSuchConfigRule).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, cast

from moto.config.exceptions import (
    InvalidNextTokenException,
    InvalidParameterValueException,
    InvalidResultTokenException,
    NoSuchConfigRuleException,
    NoSuchConfigurationAggregatorException,
    ValidationException,
)
from moto.core.exceptions import JsonRESTError
from moto.config.models import ConfigAggregator, ConfigBackend, ConfigRule, config_backends
from moto.config.responses import ConfigResponse

from smguard.embedded.organizations import account_ids, organization_of

RESULT_TOKEN_PREFIX = "smguard-embedded-config:"
COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA")
POSTABLE_COMPLIANCE_TYPES = frozenset({"COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"})
AGGREGATED_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT")
PUT_EVALUATIONS_MAX = 100
ANNOTATION_MAX_LENGTH = 256
RESOURCE_TYPE_MAX_LENGTH = 256
RESOURCE_ID_MAX_LENGTH = 768
CONTRIBUTOR_COUNT_CAP = 100
DETAILS_DEFAULT_LIMIT = 10
DETAILS_MAX_LIMIT = 100
RULES_PAGE_SIZE = 25
DESCRIBE_RULES_MAX_NAMES = 25
COMPLIANCE_TYPES_MAX = 3
_NEXT_TOKEN_KEY = secrets.token_bytes(32)
"""Signs the NextTokens of this process (in-process moto and its servers share it)."""
AGGREGATE_DETAILS_DEFAULT_LIMIT = 50
AGGREGATE_DETAILS_MAX_LIMIT = 100
AGGREGATE_RULES_MAX_LIMIT = 1000
_STORE_ATTRIBUTE = "smguard_evaluation_results"


# --- result tokens -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultTokenClaims:
    """What a result token issued by the embedded AWS says about the rule invocation.

    The rule is named by its ConfigRuleId, as the invocation was of that rule: deleting it and
    creating one of the same name does not make the token good for the new rule.
    """

    rule_name: str
    rule_id: str
    account_id: str
    region: str
    invoked_at: datetime

    def encode(self) -> str:
        payload = json.dumps(
            {
                "rule": self.rule_name,
                "rule_id": self.rule_id,
                "account": self.account_id,
                "region": self.region,
                "invoked": self.invoked_at.timestamp(),
            },
            separators=(",", ":"),
        )
        return RESULT_TOKEN_PREFIX + base64.urlsafe_b64encode(payload.encode()).decode()

    @classmethod
    def decode(cls, token: str) -> ResultTokenClaims:
        if not token.startswith(RESULT_TOKEN_PREFIX):
            raise InvalidResultTokenException()
        try:
            claims = json.loads(base64.urlsafe_b64decode(token[len(RESULT_TOKEN_PREFIX) :]))
            return cls(
                rule_name=str(claims["rule"]),
                rule_id=str(claims["rule_id"]),
                account_id=str(claims["account"]),
                region=str(claims["region"]),
                invoked_at=datetime.fromtimestamp(float(claims["invoked"]), tz=timezone.utc),
            )
        except (binascii.Error, ValueError, KeyError, TypeError):
            raise InvalidResultTokenException() from None


def result_token(
    rule_name: str, *, account_id: str, region: str, invoked_at: datetime | None = None
) -> str:
    """The ``resultToken`` AWS Config would put in the event when it invokes ``rule_name``.

    Give it to a rule's ``lambda_handler`` event; the embedded AWS then stores what the handler
    posts with it under that rule, account and region. The rule must exist (Config invokes only
    existing rules); the token stays bound to it, not to its name.
    """
    rule = config_backends[account_id][region].config_rules.get(rule_name)
    if rule is None:
        raise LookupError(
            f"no Config rule {rule_name!r} in account {account_id}, region {region} of the embedded AWS; "
            "create it before issuing its result token"
        )
    return ResultTokenClaims(rule_name, rule.config_rule_id, account_id, region, invoked_at or _now()).encode()


# --- stored results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredResult:
    rule_name: str
    resource_type: str
    resource_id: str
    compliance_type: str
    annotation: str | None
    ordering_timestamp: datetime
    recorded_at: datetime
    invoked_at: datetime

    @property
    def key(self) -> tuple[str, str]:
        return (self.resource_type, self.resource_id)

    def to_evaluation_result(self) -> dict[str, Any]:
        """The EvaluationResult shape (AggregateEvaluationResult adds AccountId and AwsRegion)."""
        result: dict[str, Any] = {
            "EvaluationResultIdentifier": {
                "EvaluationResultQualifier": {
                    "ConfigRuleName": self.rule_name,
                    "ResourceType": self.resource_type,
                    "ResourceId": self.resource_id,
                    "EvaluationMode": "DETECTIVE",
                },
                "OrderingTimestamp": self.ordering_timestamp.timestamp(),
            },
            "ComplianceType": self.compliance_type,
            "ResultRecordedTime": self.recorded_at.timestamp(),
            "ConfigRuleInvokedTime": self.invoked_at.timestamp(),
        }
        if self.annotation is not None:
            result["Annotation"] = self.annotation
        return result


@dataclass
class EvaluationStore:
    """The current result of every resource for every rule of one account and region.

    ThreadedMotoServer serves requests on several threads, hence the lock.
    """

    _by_rule_id: dict[str, dict[tuple[str, str], StoredResult]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, rule_id: str, result: StoredResult) -> bool:
        """Whether ``result`` became the resource's current result (an older one is ignored)."""
        with self._lock:
            results = self._by_rule_id.setdefault(rule_id, {})
            current = results.get(result.key)
            if current is None or result.ordering_timestamp >= current.ordering_timestamp:
                results[result.key] = result
                return True
            return False

    def result(self, rule_id: str, key: tuple[str, str]) -> StoredResult | None:
        """The current result of one resource (type, id) for one rule, if any."""
        with self._lock:
            return self._by_rule_id.get(rule_id, {}).get(key)

    def results(self, rule_id: str) -> list[StoredResult]:
        """Sorted by resource type and id, the order pages are served in."""
        with self._lock:
            return sorted(self._by_rule_id.get(rule_id, {}).values(), key=lambda r: r.key)


EvaluationListener = Callable[[ConfigBackend, ConfigRule, list[StoredResult]], None]
_EVALUATION_LISTENERS: list[EvaluationListener] = []


def on_stored_evaluations(listener: EvaluationListener) -> None:
    """Call ``listener`` with the results each PutEvaluations stored as current (idempotent). What
    AWS Config does on a new result (automatic remediation) registers here: those modules build on
    this one, so this one cannot import them."""
    if listener not in _EVALUATION_LISTENERS:
        _EVALUATION_LISTENERS.append(listener)


def evaluation_store(backend: ConfigBackend) -> EvaluationStore:
    """The store of ``backend``; kept in its ``__dict__`` so that moto's reset clears it."""
    return backend.__dict__.setdefault(_STORE_ATTRIBUTE, EvaluationStore())


# --- validation ----------------------------------------------------------------------------------


def _validation_error(errors: Sequence[str]) -> ValidationException:
    noun = "error" if len(errors) == 1 else "errors"
    return ValidationException(f"{len(errors)} validation {noun} detected: " + "; ".join(errors))


def _length_errors(value: Any, location: str, maximum: int) -> list[str]:
    if isinstance(value, str) and not 1 <= len(value) <= maximum:
        bound = "greater than or equal to 1" if not value else f"less than or equal to {maximum}"
        return [f"Value '{value}' at '{location}' failed to satisfy constraint: Member must have length {bound}"]
    return []


def _list_length_errors(values: Sequence[Any] | None, location: str, maximum: int) -> list[str]:
    if values is not None and len(values) > maximum:
        return [f"Value at '{location}' failed to satisfy constraint: Member must have length less than or equal to {maximum}"]
    return []


def _enum_errors(value: Any, location: str, allowed: Iterable[str] = COMPLIANCE_TYPES) -> list[str]:
    allowed = list(allowed)
    if value is not None and value not in allowed:
        return [
            f"Value '{value}' at '{location}' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(allowed)}]"
        ]
    return []


def _timestamp(value: Any, location: str) -> datetime:
    """boto3 sends epoch seconds; ISO 8601 strings are accepted too, as AWS's JSON parser does."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, tz=timezone.utc)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    raise _validation_error([f"Value '{value}' at '{location}' failed to satisfy constraint: Member must be a timestamp"])


def _limit(value: Any, default: int, maximum: int, error: Callable[[int], Exception]) -> int:
    if value is None or value == 0:
        return default
    if not isinstance(value, int) or value < 0 or value > maximum:
        raise error(value)
    return value


def _details_limit_error(value: int) -> Exception:
    return InvalidParameterValueException(
        f"The Limit {value} is invalid. Specify a value from 0 to {DETAILS_MAX_LIMIT}; 0 uses the default of {DETAILS_DEFAULT_LIMIT}."
    )


class AggregateLimitException(JsonRESTError):
    """InvalidLimitException with the bound of the aggregate API that refused the Limit."""

    code = 400

    def __init__(self, value: int, maximum: int):
        super().__init__(
            "InvalidLimitException",
            f"Value '{value}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to {maximum}",
        )


def _aggregate_limit_error(maximum: int) -> Callable[[int], Exception]:
    return lambda value: AggregateLimitException(value, maximum)


# --- paging --------------------------------------------------------------------------------------


def _page(
    items: Sequence[Any], sort_key: Callable[[Any], tuple[str, ...]], limit: int, next_token: str | None, listing: str
) -> tuple[list[Any], str | None]:
    """One page of ``items`` (sorted by ``sort_key``) and the token of the next one.

    The token names the last key served, so results written between two pages neither repeat nor
    shift what the next page returns. It is signed for ``listing`` (the operation and what it
    lists), so only a token this listing issued is accepted.
    """
    keys = [sort_key(item) for item in items]
    start = 0
    if next_token:
        start = bisect.bisect_right(keys, _last_key(next_token, listing))
    page = list(items[start : start + limit])
    if start + limit < len(items):
        payload = base64.urlsafe_b64encode(json.dumps(keys[start + limit - 1]).encode()).decode()
        return page, f"{payload}.{_signature(listing, payload)}"
    return page, None


def _last_key(next_token: str, listing: str) -> tuple[str, ...]:
    payload, _, signature = next_token.partition(".")
    if not hmac.compare_digest(signature, _signature(listing, payload)):
        raise InvalidNextTokenException()
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(payload)))
    except (binascii.Error, ValueError, TypeError):
        raise InvalidNextTokenException() from None


def _signature(listing: str, payload: str) -> str:
    return hmac.new(_NEXT_TOKEN_KEY, f"{listing}\n{payload}".encode(), hashlib.sha256).hexdigest()


# --- the backend side ----------------------------------------------------------------------------


def _rule(backend: ConfigBackend, rule_name: str) -> ConfigRule:
    rule = backend.config_rules.get(rule_name)
    if rule is None:
        raise NoSuchConfigRuleException(rule_name)
    return rule


def _rule_compliance(results: Iterable[StoredResult]) -> dict[str, Any]:
    """A rule's Compliance: the worst result wins; NOT_APPLICABLE alone is no result."""
    types = [result.compliance_type for result in results]
    non_compliant = types.count("NON_COMPLIANT")
    if non_compliant:
        return {
            "ComplianceType": "NON_COMPLIANT",
            "ComplianceContributorCount": {
                "CappedCount": min(non_compliant, CONTRIBUTOR_COUNT_CAP),
                "CapExceeded": non_compliant > CONTRIBUTOR_COUNT_CAP,
            },
        }
    if "COMPLIANT" in types:
        return {"ComplianceType": "COMPLIANT"}
    return {"ComplianceType": "INSUFFICIENT_DATA"}


def put_evaluations(
    self: ConfigBackend,
    evaluations: list[dict[str, Any]] | None = None,
    result_token: str | None = None,
    test_mode: bool | None = False,
) -> dict[str, list[Any]]:
    if not evaluations:
        raise InvalidParameterValueException(
            "The Evaluations object in your request cannot be null. Add the required parameters and try again."
        )
    if not result_token:
        raise InvalidResultTokenException()
    if len(evaluations) > PUT_EVALUATIONS_MAX:
        raise _validation_error(_list_length_errors(evaluations, "evaluations", PUT_EVALUATIONS_MAX))
    errors: list[str] = []
    for index, evaluation in enumerate(evaluations, start=1):
        where = f"evaluations.{index}.member"
        errors += _length_errors(evaluation.get("ComplianceResourceType"), f"{where}.complianceResourceType", RESOURCE_TYPE_MAX_LENGTH)
        errors += _length_errors(evaluation.get("ComplianceResourceId"), f"{where}.complianceResourceId", RESOURCE_ID_MAX_LENGTH)
        errors += _length_errors(evaluation.get("Annotation"), f"{where}.annotation", ANNOTATION_MAX_LENGTH)
        errors += _enum_errors(evaluation.get("ComplianceType"), f"{where}.complianceType")
        for name in ("ComplianceResourceType", "ComplianceResourceId", "ComplianceType", "OrderingTimestamp"):
            if evaluation.get(name) is None:
                errors.append(f"Value null at '{where}.{name[0].lower() + name[1:]}' failed to satisfy constraint: Member must not be null")
    if errors:
        raise _validation_error(errors)
    for evaluation in evaluations:
        if evaluation["ComplianceType"] not in POSTABLE_COMPLIANCE_TYPES:
            raise InvalidParameterValueException(
                f"The ComplianceType {evaluation['ComplianceType']} of {evaluation['ComplianceResourceType']} "
                f"{evaluation['ComplianceResourceId']} is not supported; post COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE."
            )
    ordering = [_timestamp(e["OrderingTimestamp"], f"evaluations.{i}.member.orderingTimestamp") for i, e in enumerate(evaluations, 1)]
    if test_mode:
        return {"FailedEvaluations": []}

    claims = ResultTokenClaims.decode(result_token)
    if (claims.account_id, claims.region) != (self.account_id, self.region_name):
        raise InvalidResultTokenException()
    rule = next((r for r in self.config_rules.values() if r.config_rule_id == claims.rule_id), None)
    if rule is None:
        raise NoSuchConfigRuleException(claims.rule_name)
    store = evaluation_store(self)
    recorded_at = _now()
    stored: list[StoredResult] = []
    for evaluation, ordering_timestamp in zip(evaluations, ordering):
        result = StoredResult(
            rule_name=_name(rule),
            resource_type=evaluation["ComplianceResourceType"],
            resource_id=evaluation["ComplianceResourceId"],
            compliance_type=evaluation["ComplianceType"],
            annotation=evaluation.get("Annotation"),
            ordering_timestamp=ordering_timestamp,
            recorded_at=recorded_at,
            invoked_at=claims.invoked_at,
        )
        if store.record(rule.config_rule_id, result):
            stored.append(result)
    for listener in _EVALUATION_LISTENERS:
        listener(self, rule, stored)
    return {"FailedEvaluations": []}


def get_compliance_details_by_config_rule(
    self: ConfigBackend,
    config_rule_name: str,
    compliance_types: list[str] | None,
    limit: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    wanted = _compliance_filter(compliance_types, POSTABLE_COMPLIANCE_TYPES, "complianceTypes")
    page_size = _limit(limit, DETAILS_DEFAULT_LIMIT, DETAILS_MAX_LIMIT, _details_limit_error)
    rule = _rule(self, config_rule_name)
    results = [r for r in evaluation_store(self).results(rule.config_rule_id) if r.compliance_type in wanted]
    listing = f"GetComplianceDetailsByConfigRule {rule.config_rule_id} {sorted(wanted)}"
    page, token = _page(results, lambda r: r.key, page_size, next_token, listing)
    return _with_token({"EvaluationResults": [r.to_evaluation_result() for r in page]}, token)


def describe_compliance_by_config_rule(
    self: ConfigBackend,
    config_rule_names: list[str] | None,
    compliance_types: list[str] | None,
    next_token: str | None,
) -> dict[str, Any]:
    wanted = _compliance_filter(
        compliance_types,
        frozenset({"COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA"}),
        "complianceTypes",
        _list_length_errors(config_rule_names, "configRuleNames", DESCRIBE_RULES_MAX_NAMES),
    )
    rules = [_rule(self, name) for name in config_rule_names] if config_rule_names else list(self.config_rules.values())
    store = evaluation_store(self)
    summaries = []
    for rule in sorted(rules, key=_name):
        compliance = _rule_compliance(store.results(rule.config_rule_id))
        if compliance["ComplianceType"] in wanted:
            summaries.append({"ConfigRuleName": rule.config_rule_name, "Compliance": compliance})
    listing = f"DescribeComplianceByConfigRule {sorted(config_rule_names or [])} {sorted(wanted)}"
    page, token = _page(summaries, lambda s: (s["ConfigRuleName"],), RULES_PAGE_SIZE, next_token, listing)
    return _with_token({"ComplianceByConfigRules": page}, token)


def describe_aggregate_compliance_by_config_rules(
    self: ConfigBackend,
    aggregator_name: str,
    filters: dict[str, Any] | None,
    limit: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    filters = filters or {}
    errors = _enum_errors(filters.get("ComplianceType"), "filters.complianceType", AGGREGATED_COMPLIANCE_TYPES)
    if errors:
        raise _validation_error(errors)
    page_size = _limit(limit, AGGREGATE_RULES_MAX_LIMIT, AGGREGATE_RULES_MAX_LIMIT, _aggregate_limit_error(AGGREGATE_RULES_MAX_LIMIT))
    aggregator = _aggregator(self, aggregator_name)
    rows = []
    for source in _sources(self, aggregator):
        if filters.get("AccountId") not in (None, source.account_id):
            continue
        if filters.get("AwsRegion") not in (None, source.region_name):
            continue
        store = evaluation_store(source)
        for rule in source.config_rules.values():
            if filters.get("ConfigRuleName") not in (None, rule.config_rule_name):
                continue
            compliance = _rule_compliance(store.results(rule.config_rule_id))
            if compliance["ComplianceType"] == "INSUFFICIENT_DATA":
                continue
            if filters.get("ComplianceType") not in (None, compliance["ComplianceType"]):
                continue
            rows.append(
                {
                    "ConfigRuleName": rule.config_rule_name,
                    "Compliance": compliance,
                    "AccountId": source.account_id,
                    "AwsRegion": source.region_name,
                }
            )
    key = lambda row: (row["AccountId"], row["AwsRegion"], row["ConfigRuleName"])  # noqa: E731
    listing = f"DescribeAggregateComplianceByConfigRules {aggregator_name} {json.dumps(filters, sort_keys=True)}"
    page, token = _page(sorted(rows, key=key), key, page_size, next_token, listing)
    return _with_token({"AggregateComplianceByConfigRules": page}, token)


def get_aggregate_compliance_details_by_config_rule(
    self: ConfigBackend,
    aggregator_name: str,
    config_rule_name: str,
    account_id: str,
    aws_region: str,
    compliance_type: str | None,
    limit: int | None,
    next_token: str | None,
) -> dict[str, Any]:
    errors = _enum_errors(compliance_type, "complianceType", AGGREGATED_COMPLIANCE_TYPES)
    if errors:
        raise _validation_error(errors)
    page_size = _limit(
        limit, AGGREGATE_DETAILS_DEFAULT_LIMIT, AGGREGATE_DETAILS_MAX_LIMIT, _aggregate_limit_error(AGGREGATE_DETAILS_MAX_LIMIT)
    )
    aggregator = _aggregator(self, aggregator_name)
    results: list[StoredResult] = []
    for source in _sources(self, aggregator):
        if (source.account_id, source.region_name) != (account_id, aws_region):
            continue
        rule = source.config_rules.get(config_rule_name)
        if rule is not None:
            results = [
                r for r in evaluation_store(source).results(rule.config_rule_id)
                if r.compliance_type in AGGREGATED_COMPLIANCE_TYPES and compliance_type in (None, r.compliance_type)
            ]
    listing = (
        f"GetAggregateComplianceDetailsByConfigRule {aggregator_name} {config_rule_name} {account_id} {aws_region} {compliance_type}"
    )
    page, token = _page(results, lambda r: r.key, page_size, next_token, listing)
    rows = [{**r.to_evaluation_result(), "AccountId": account_id, "AwsRegion": aws_region} for r in page]
    return _with_token({"AggregateEvaluationResults": rows}, token)


def _aggregator(backend: ConfigBackend, name: str) -> ConfigAggregator:
    aggregator = backend.config_aggregators.get(name)
    if aggregator is None:
        raise NoSuchConfigurationAggregatorException()
    return aggregator


def _sources(owner: ConfigBackend, aggregator: ConfigAggregator) -> list[ConfigBackend]:
    """The Config backends (account, region) whose results ``aggregator`` sees."""
    sources: list[ConfigBackend] = []
    if aggregator.organization_aggregation_source is not None:
        organization = organization_of(owner.account_id, owner.partition)
        accounts = account_ids(organization) if organization is not None else [owner.account_id]
        for account_id in accounts:
            sources += _regions_of(account_id, aggregator.organization_aggregation_source)
        return sources
    for account_source in aggregator.account_aggregation_sources or []:
        for account_id in account_source.account_ids:
            sources += [
                backend
                for backend in _regions_of(account_id, account_source)
                if account_id == owner.account_id
                or f"{owner.account_id}/{owner.region_name}" in backend.aggregation_authorizations
            ]
    return sources


def _regions_of(account_id: str, source: Any) -> list[ConfigBackend]:
    account_backends = config_backends[account_id]
    regions = sorted(account_backends.keys()) if source.all_aws_regions else source.aws_regions
    return [account_backends[region] for region in regions]


def _compliance_filter(
    values: list[str] | None, allowed: frozenset[str], location: str, other_errors: Sequence[str] = ()
) -> frozenset[str]:
    """The compliance types to keep; model violations (``other_errors`` of the request's other
    members included) are reported together, as AWS does."""
    errors = [*other_errors, *_list_length_errors(values, location, COMPLIANCE_TYPES_MAX)]
    errors += [error for value in values or [] for error in _enum_errors(value, f"{location}.member", COMPLIANCE_TYPES)]
    if errors:
        raise _validation_error(errors)
    if not values:
        return allowed
    unsupported = sorted(set(values) - allowed)
    if unsupported:
        raise InvalidParameterValueException(
            f"{', '.join(unsupported)} cannot be used to filter {location}; use {', '.join(sorted(allowed))}."
        )
    return frozenset(values)


def _name(rule: ConfigRule) -> str:
    # moto reads the name with dict.get, so declares it optional; PutConfigRule refuses a rule without one.
    return cast(str, rule.config_rule_name)


def _with_token(response: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token:
        response["NextToken"] = token
    return response


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- the HTTP side -------------------------------------------------------------------------------


def _request(response: ConfigResponse) -> dict[str, Any]:
    return json.loads(response.body or "{}")


def _put_evaluations_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(
        self.config_backend.put_evaluations(request.get("Evaluations"), request.get("ResultToken"), request.get("TestMode"))
    )


def _required(request: dict[str, Any], *names: str) -> list[Any]:
    """The members the API model marks required, in order: AWS refuses a request that lacks any
    (the SDKs refuse it before sending, unless told not to validate)."""
    missing = [
        f"Value null at '{name[0].lower() + name[1:]}' failed to satisfy constraint: Member must not be null"
        for name in names
        if request.get(name) is None
    ]
    if missing:
        raise _validation_error(missing)
    return [request[name] for name in names]


def _get_compliance_details_by_config_rule_response(self: ConfigResponse) -> str:
    request = _request(self)
    [rule_name] = _required(request, "ConfigRuleName")
    return json.dumps(
        get_compliance_details_by_config_rule(
            self.config_backend, rule_name, request.get("ComplianceTypes"), request.get("Limit"), request.get("NextToken")
        )
    )


def _describe_compliance_by_config_rule_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(
        describe_compliance_by_config_rule(
            self.config_backend, request.get("ConfigRuleNames"), request.get("ComplianceTypes"), request.get("NextToken")
        )
    )


def _describe_aggregate_compliance_by_config_rules_response(self: ConfigResponse) -> str:
    request = _request(self)
    [aggregator] = _required(request, "ConfigurationAggregatorName")
    return json.dumps(
        describe_aggregate_compliance_by_config_rules(
            self.config_backend, aggregator, request.get("Filters"), request.get("Limit"), request.get("NextToken")
        )
    )


def _get_aggregate_compliance_details_by_config_rule_response(self: ConfigResponse) -> str:
    request = _request(self)
    aggregator, rule_name, account_id, region = _required(
        request, "ConfigurationAggregatorName", "ConfigRuleName", "AccountId", "AwsRegion"
    )
    return json.dumps(
        get_aggregate_compliance_details_by_config_rule(
            self.config_backend,
            aggregator,
            rule_name,
            account_id,
            region,
            request.get("ComplianceType"),
            request.get("Limit"),
            request.get("NextToken"),
        )
    )


_BACKEND_METHODS: dict[str, Callable[..., Any]] = {
    "put_evaluations": put_evaluations,
    "get_compliance_details_by_config_rule": get_compliance_details_by_config_rule,
    "describe_compliance_by_config_rule": describe_compliance_by_config_rule,
    "describe_aggregate_compliance_by_config_rules": describe_aggregate_compliance_by_config_rules,
    "get_aggregate_compliance_details_by_config_rule": get_aggregate_compliance_details_by_config_rule,
}
_RESPONSE_METHODS: dict[str, Callable[[ConfigResponse], str]] = {
    "put_evaluations": _put_evaluations_response,
    "get_compliance_details_by_config_rule": _get_compliance_details_by_config_rule_response,
    "describe_compliance_by_config_rule": _describe_compliance_by_config_rule_response,
    "describe_aggregate_compliance_by_config_rules": _describe_aggregate_compliance_by_config_rules_response,
    "get_aggregate_compliance_details_by_config_rule": _get_aggregate_compliance_details_by_config_rule_response,
}


def install() -> None:
    """Give moto's Config the compliance APIs. Idempotent; affects every moto backend in the process."""
    for name, function in _BACKEND_METHODS.items():
        setattr(ConfigBackend, name, function)
    for name, function in _RESPONSE_METHODS.items():
        setattr(ConfigResponse, name, function)
