"""Centrally approved exemptions, read from one SSM parameter (the exemption register).

A resource owner must not be able to exempt their own resource (a tag would let them), so the
register lives in an SSM parameter that only the security team can write, in the account where
the rule functions run, and is read with the function's own role, never with a member account's
``ExecutionRoleName`` role. Every entry names a rule, a resource, a reason, who approved it and
when it expires: an exemption that never ends is an unreviewed risk, so an entry without expiry
makes the register invalid. An invalid or unreadable register fails the invocation; it is never
read as "no exemptions" nor as "everything exempt".

See docs/exemptions.md for the schema and how results change.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from fnmatch import fnmatchcase
from typing import Any

from botocore.exceptions import ClientError

from smguard.engine.errors import ExemptionRegisterError
from smguard.engine.verdict import Compliance, Finding, fit_annotation, join_findings

REGISTER_VERSION = 1
REGISTER_CACHE_SECONDS = 300
"""How long a warm container trusts the register it read: a new or revoked exemption takes effect
within five minutes, and a rule evaluating thousands of resources reads the parameter once."""

SSM_PARAMETER_NAME = r"(?=.{1,1011}\Z)(?!/(?i:aws|ssm))/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,14}"
"""SSM's naming rules (letters, digits, ``_.-``, at most 15 levels, not starting with aws or ssm in
any casing, at most 1,011 characters), with a leading ``/`` required: a hierarchical name is what
the template's IAM statement (``parameter${Name}``) and a path-scoped write policy expect."""

ALL_RULES = "*"
RULE_NAME = r"[a-z][a-z0-9_]*"
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
TICKET_MAX_LENGTH = 64
APPROVER_MAX_LENGTH = 100
"""Bounds that keep ``EXEMPT until <date> (ticket <t>, approved by <a>): `` inside AWS Config's
256-character annotation with room left for the reason."""

ARN_PATTERN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[^:]*:\d{12}:.+")
"""An ARN pattern gives partition, service and account literally; only the region (so that one
pattern may cover an account in every region) and what follows the account may hold wildcards."""
FNMATCH_WILDCARD = re.compile(r"[*?\[]")
"""fnmatch's wildcards (``[...]`` is a set): an id pattern's literal start is what comes before the first."""
MIN_ID_PATTERN_PREFIX = 8
"""Characters an id pattern must give before its first wildcard: ``vpc-0lab*`` names a group of
VPCs, ``vpc-0*`` (every recent VPC id starts so) or ``sg-*`` names a whole type."""

REQUIRED_KEYS = ("rule", "resource", "reason", "expires")
OPTIONAL_KEYS = ("approver", "ticket")
REGISTER_KEYS = ("version", "exemptions")

ARN_FORMATS = {
    "AWS::EC2::VPC": "arn:{partition}:ec2:{region}:{account}:vpc/{id}",
    "AWS::EC2::SecurityGroup": "arn:{partition}:ec2:{region}:{account}:security-group/{id}",
    "AWS::EC2::VPCEndpoint": "arn:{partition}:ec2:{region}:{account}:vpc-endpoint/{id}",
    "AWS::EC2::FlowLog": "arn:{partition}:ec2:{region}:{account}:vpc-flow-log/{id}",
}
"""Types whose ARN follows from the resource id alone. Others (SageMaker ARNs use the name, which a
periodic evaluation may not know) are matched on the id only when AWS Config sent no ARN."""


@dataclass(frozen=True)
class Exemption:
    """One approved exemption: one rule (or all), resources matching a pattern, until a date."""

    index: int
    rule: str
    resource: str
    reason: str
    expires: date
    approver: str | None = None
    ticket: str | None = None

    def covers(self, rule_name: str, identifiers: Sequence[str]) -> bool:
        """Whether the entry names this rule and one of the resource's id or ARN (case-sensitive)."""
        if self.rule not in (ALL_RULES, rule_name):
            return False
        return any(fnmatchcase(identifier, self.resource) for identifier in identifiers)

    def is_active(self, today: date) -> bool:
        """Valid through the whole expiry day in UTC; expired from the next day on."""
        return today <= self.expires

    def exempt_annotation(self) -> str:
        approval = [f"ticket {self.ticket}"] if self.ticket else []
        if self.approver:
            approval.append(f"approved by {self.approver}")
        return fit_annotation(f"EXEMPT until {self.expires.isoformat()} ({', '.join(approval)}): {self.reason}")

    def expired_annotation(self, findings: Sequence[str | Finding]) -> str:
        """The note, then as many whole findings as fit behind it: a finding is dropped, never its fix cut off."""
        name = self.ticket if self.ticket else f"(approved by {self.approver})"
        return join_findings(findings, lead=f"Exemption {name} expired on {self.expires.isoformat()}. ")


@dataclass(frozen=True)
class ExemptionRegister:
    """The parsed content of the register parameter."""

    exemptions: tuple[Exemption, ...]

    def lookup(self, rule_name: str, identifiers: Sequence[str], today: date) -> Exemption | None:
        """The entry that decides this resource, or None.

        Several entries may match (one per resource and one for a whole account, say): an active
        one wins, the one lasting longest; with none active, the most recently expired one is
        returned so the annotation can say the exemption lapsed.
        """
        matching = [e for e in self.exemptions if e.covers(rule_name, identifiers)]
        if not matching:
            return None
        active = [e for e in matching if e.is_active(today)]
        candidates = active or matching
        return max(candidates, key=lambda e: (e.expires, -e.index))


def apply_exemptions(
    evaluations: Sequence[dict[str, Any]],
    register: ExemptionRegister,
    rule_name: str,
    today: date,
    arns: Mapping[tuple[str, str], str],
    findings: Mapping[tuple[str, str], Sequence[str | Finding]] | None = None,
) -> list[dict[str, Any]]:
    """The evaluations with exemptions applied to the NON_COMPLIANT ones.

    Only a NON_COMPLIANT result is changed: an active exemption makes it NOT_APPLICABLE with an
    ``EXEMPT ...`` annotation, an expired one keeps it NON_COMPLIANT and says the exemption
    expired. COMPLIANT and NOT_APPLICABLE results do not need an exemption and stay as they are.
    ``findings`` are the verdicts' findings by (type, id), so that the expired note can drop
    whole findings; without them the annotation counts as one finding.
    """
    result = []
    for evaluation in evaluations:
        if evaluation["ComplianceType"] != Compliance.NON_COMPLIANT.value:
            result.append(evaluation)
            continue
        key = (evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"])
        identifiers = [key[1]] + ([arns[key]] if arns.get(key) else [])
        exemption = register.lookup(rule_name, identifiers, today)
        if exemption is None:
            result.append(evaluation)
        elif exemption.is_active(today):
            result.append(
                {
                    **evaluation,
                    "ComplianceType": Compliance.NOT_APPLICABLE.value,
                    "Annotation": exemption.exempt_annotation(),
                }
            )
        else:
            found = (findings or {}).get(key) or (evaluation["Annotation"],)
            result.append({**evaluation, "Annotation": exemption.expired_annotation(found)})
    return result


def known_arn(resource_type: str, resource_id: str, *, partition: str, region: str | None, account: str | None) -> str | None:
    """The resource's ARN when it follows from type and id alone (see :data:`ARN_FORMATS`)."""
    template = ARN_FORMATS.get(resource_type)
    if template is None or not region or not account:
        return None
    return template.format(partition=partition, region=region, account=account, id=resource_id)


def parse_register(parameter_name: str, text: str) -> ExemptionRegister:
    """Validate the register document; any defect raises :class:`ExemptionRegisterError`."""

    def fail(problem: str, entry: int | None = None) -> ExemptionRegisterError:
        return ExemptionRegisterError(parameter_name, problem, entry)

    try:
        document = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as error:
        raise fail(f"the value is not valid JSON ({error})") from None
    except _DuplicateKeyError as error:
        raise fail(f"the key {error.key!r} appears twice in one object") from None
    if not isinstance(document, dict):
        raise fail(f"the value must be a JSON object with {', '.join(REGISTER_KEYS)}, got {type(document).__name__}")
    unknown = sorted(set(document) - set(REGISTER_KEYS))
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}; the register has only {', '.join(REGISTER_KEYS)}")
    version = document.get("version")
    if type(version) is not int or version != REGISTER_VERSION:
        raise fail(f"'version' is {version!r}; this engine reads version {REGISTER_VERSION}")
    entries = document.get("exemptions")
    if not isinstance(entries, list):
        raise fail(f"'exemptions' must be a list of exemption objects, got {_json_type(entries)}")
    return ExemptionRegister(tuple(_parse_entry(entry, index, fail) for index, entry in enumerate(entries)))


def _parse_entry(entry: object, index: int, fail: Callable[[str, int], ExemptionRegisterError]) -> Exemption:
    if not isinstance(entry, dict):
        raise fail(f"must be an object, got {_json_type(entry)}", index)
    unknown = sorted(set(entry) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}; allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}", index)
    for key in REQUIRED_KEYS:
        if key not in entry:
            why = " (every exemption must end; give an ISO date, e.g. 2027-03-31)" if key == "expires" else ""
            raise fail(f"{key!r} is missing{why}", index)
    values = {}
    for key in REQUIRED_KEYS + OPTIONAL_KEYS:
        if key not in entry:
            continue
        value = entry[key]
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{key!r} must be a non-empty string, got {value!r}", index)
        values[key] = value.strip()
    if "approver" not in values and "ticket" not in values:
        raise fail("needs an 'approver' or a 'ticket' (or both): an exemption must say who approved it", index)
    rule = values["rule"]
    if rule != ALL_RULES and not re.fullmatch(RULE_NAME, rule):
        raise fail(f"'rule' is {rule!r}; give a rule's folder name (e.g. notebook_root_access) or \"*\" for all rules", index)
    resource = values["resource"]
    if re.search(r"\s", resource):
        raise fail(f"'resource' {resource!r} contains whitespace; give a resource id or ARN", index)
    problem = _broad_pattern_problem(resource)
    if problem:
        raise fail(f"'resource' {resource!r} {problem}", index)
    for key, limit in (("ticket", TICKET_MAX_LENGTH), ("approver", APPROVER_MAX_LENGTH)):
        if len(values.get(key, "")) > limit:
            raise fail(f"{key!r} is longer than {limit} characters", index)
    return Exemption(
        index=index,
        rule=rule,
        resource=resource,
        reason=values["reason"],
        expires=_parse_date(values["expires"], index, fail),
        approver=values.get("approver"),
        ticket=values.get("ticket"),
    )


def _broad_pattern_problem(resource: str) -> str | None:
    """Why a resource pattern would exempt more than named resources, or None.

    fnmatch's wildcards match any text, colons included, so only what comes before them limits a
    pattern: ``*-*`` or ``arn:*`` would cover everything, ``vpc-*`` every VPC of every account.
    """
    if resource.startswith("arn:"):
        if ARN_PATTERN.fullmatch(resource):
            return None
        return (
            "must give the partition, service and 12-digit account without wildcards (e.g. "
            "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0lab*); only the region and what follows the account may hold them"
        )
    literal = FNMATCH_WILDCARD.split(resource, maxsplit=1)[0]
    if literal != resource and len(literal) < MIN_ID_PATTERN_PREFIX:
        return (
            f"has {len(literal)} character(s) before its first wildcard; an id pattern needs at least "
            f"{MIN_ID_PATTERN_PREFIX} (e.g. vpc-0lab*) to name resources rather than a whole type: list the resources, "
            "give an ARN pattern with the account, or take them out of the rule's scope"
        )
    return None


def _parse_date(text: str, index: int, fail: Callable[[str, int], ExemptionRegisterError]) -> date:
    # date.fromisoformat alone also accepts forms like 20270331 or 2027-W13-3; the register takes one.
    if re.fullmatch(ISO_DATE, text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise fail(f"'expires' is {text!r}, not a valid ISO date (YYYY-MM-DD)", index)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads keeps the last of two equal keys silently; an edited register must not hide one."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise _DuplicateKeyError(key)
        document[key] = value
    return document


def _json_type(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def read_register(ssm_client: Any, parameter_name: str) -> ExemptionRegister:
    """GetParameter (decrypted, so a SecureString works) and parse; failures name the parameter."""
    try:
        response = ssm_client.get_parameter(Name=parameter_name, WithDecryption=True)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        if code == "ParameterNotFound":
            problem = (
                "the SSM parameter does not exist (ParameterNotFound) in the rule function's account and region; "
                "create it (see docs/exemptions.md) or remove the rule parameter ExemptionsParameterName"
            )
        elif code in ("AccessDenied", "AccessDeniedException"):
            problem = (
                f"ssm:GetParameter was denied ({code}); allow ssm:GetParameter on this parameter to the rule "
                "function's role, and kms:Decrypt on its key if it is a SecureString"
            )
        else:
            message = error.response.get("Error", {}).get("Message", str(error))
            problem = f"ssm:GetParameter failed with {code}: {message}"
        raise ExemptionRegisterError(parameter_name, problem) from error
    return parse_register(parameter_name, response["Parameter"]["Value"])


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class _CachedRegister:
    register: ExemptionRegister
    read_at: datetime


class ExemptionRegisters:
    """The registers a warm container has read, each trusted for ``ttl_seconds``.

    A failed read is not cached: the next invocation reads again. ``clock`` returns the current
    UTC time; it also decides which exemptions have expired.
    """

    def __init__(self, ttl_seconds: float = REGISTER_CACHE_SECONDS, clock: Callable[[], datetime] = utc_now) -> None:
        self.ttl_seconds = ttl_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._cached: dict[str, _CachedRegister] = {}

    def get(self, ssm_client: Any, parameter_name: str) -> ExemptionRegister:
        now = self.clock()
        with self._lock:
            cached = self._cached.get(parameter_name)
            if cached and 0 <= (now - cached.read_at).total_seconds() < self.ttl_seconds:
                return cached.register
            register = read_register(ssm_client, parameter_name)
            self._cached[parameter_name] = _CachedRegister(register, now)
            return register

    def today(self) -> date:
        """Today's date in UTC: exemptions expire at the end of their day in UTC."""
        return self.clock().astimezone(timezone.utc).date()

    def clear(self) -> None:
        with self._lock:
            self._cached.clear()


SHARED_EXEMPTION_REGISTERS = ExemptionRegisters()
"""One cache per container, like the client cache."""

