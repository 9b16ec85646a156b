"""AWS Config's organization rules for the embedded AWS: what moto 5.2.5 leaves out.

``install()`` adds PutOrganizationConfigRule, DescribeOrganizationConfigRules,
DescribeOrganizationConfigRuleStatuses, GetOrganizationConfigRuleDetailedStatus and
DeleteOrganizationConfigRule to moto's Config responses (the way ``config_compliance.install()``
adds the compliance APIs), makes PutConfigurationAggregator check who may aggregate an
organization, and keeps member accounts from changing the rules it creates there.

How this follows AWS (AWS Config API Reference, the pages of those actions and of
OrganizationConfigRule, OrganizationCustomRuleMetadata, MemberAccountStatus; AWS Config Developer
Guide, "Managing AWS Config rules across all accounts in your organization"):

- Only the organization's management account, or an account registered as delegated
  administrator for ``config-multiaccountsetup.amazonaws.com``, may call these APIs
  (OrganizationAccessDeniedException); the organization must exist (NoAvailableOrganizationException)
  with all features (OrganizationAllFeaturesNotEnabledException).
- An organization rule is regional and belongs to the account that created it: "The
  DescribeOrganizationConfigRules ... APIs can only see and interact with the organization-related
  resources that were deployed from within the account calling those APIs". It is kept on that
  account's Config backend for the caller's region, so moto's reset drops it.
- Creating one creates, in the caller's region of every account of the organization but the
  ExcludedAccounts, a Config rule named ``OrgConfigRule-<organization rule name>-<suffix>``
  (``smguard.deploy.naming.member_rule_name``) with the same trigger types, scope, input parameters
  and frequency, whose ``CreatedBy`` is ``config-multiaccountsetup.amazonaws.com``. Decision: the
  management account and the deploying (delegated administrator) account are accounts of the
  organization and get one too, as the guide's "all accounts in your organization" says. The suffix
  is 8 random lowercase letters and digits. PutEvaluations and the compliance APIs of
  ``config_compliance`` work on those rules in each member account like on any other rule.
- An account that joins the organization (CreateAccount) gets a copy of every organization rule
  of it, and one that leaves (RemoveAccountFromOrganization) loses its copies ("If a new account
  joins an organization, the rule is deployed to that account. When an account leaves an
  organization, the rule is removed.").
- Updating keeps each member rule's name and ConfigRuleId (so its results stay) and follows a change
  of ExcludedAccounts by creating or deleting member rules. Deleting the organization rule deletes
  every member rule, and with it its results.
- Member accounts cannot change or delete those rules ("the underlying AWS Config rules are not
  modifiable by your organization's member accounts", the guide above): PutConfigRule and
  DeleteConfigRule on a rule that has a ``CreatedBy`` are refused with AccessDeniedException, "An
  AWS service owns ServiceLinkedConfigRule. You do not have permissions to take action on this
  rule." (AWS's message, as reported for service-linked rules).
- Deployment is synchronous here: statuses are CREATE_SUCCESSFUL after the first put and
  UPDATE_SUCCESSFUL after later ones, for the organization rule and each member account.
- Only custom Lambda rules (OrganizationCustomRuleMetadata) are implemented; managed and custom
  policy rules are refused with a clear error instead of being accepted and ignored. The Lambda
  function must exist in the caller's account and region (moto's PutConfigRule check,
  InsufficientPermissionsException), since every member rule invokes it there.
- Model constraints (lengths, patterns, enums, list sizes) are refused with ValidationException in
  AWS's form; DescribeOrganizationConfigRules and DescribeOrganizationConfigRuleStatuses take at
  most 25 names (a missing one: NoSuchOrganizationConfigRuleException) and page only when no name
  is given; every Limit is 0..100, 0 or absent = 100 (InvalidLimitException beyond).
"""

from __future__ import annotations

import json
import re
import secrets
import string
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.config.exceptions import InvalidParameterValueException
from moto.config.models import ConfigBackend, ConfigRule, config_backends
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError
from moto.organizations.models import OrganizationsBackend

from smguard.deploy.naming import member_rule_name
from smguard.embedded.config_compliance import (
    _aggregate_limit_error,
    _enum_errors,
    _length_errors,
    _limit,
    _list_length_errors,
    _now,
    _page,
    _request,
    _validation_error,
    _with_token,
)
from smguard.embedded.organizations import (
    AGGREGATOR_SERVICE_PRINCIPAL,
    ORGANIZATION_RULES_SERVICE_PRINCIPAL,
    account_ids,
    administered_organization,
    allow_config_delegated_administrators,
    deployers_of,
)

ORGANIZATION_RULE_NAME = re.compile(r"[A-Za-z0-9-_]+")
ORGANIZATION_RULE_NAME_MAX_LENGTH = 64
ACCOUNT_ID = re.compile(r"\d{12}")
EXCLUDED_ACCOUNTS_MAX = 1000
NAMES_MAX = 25
LIMIT_MAX = 100
MEMBER_SUFFIX_LENGTH = 8
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
TRIGGER_TYPES = ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification", "ScheduledNotification")
FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
MEMBER_RULE_STATUSES = tuple(
    f"{action}_{state}" for action in ("CREATE", "DELETE", "UPDATE") for state in ("SUCCESSFUL", "IN_PROGRESS", "FAILED")
)
_STORE_ATTRIBUTE = "smguard_organization_rules"


class NoSuchOrganizationConfigRuleException(JsonRESTError):
    code = 400

    def __init__(self, name: str):
        super().__init__(
            "NoSuchOrganizationConfigRuleException",
            f"The organization Config rule {name} does not exist in this account and region; "
            "organization rules are seen only from the account that created them.",
        )


class ServiceLinkedRuleAccessDeniedException(JsonRESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__(
            "AccessDeniedException",
            "An AWS service owns ServiceLinkedConfigRule. You do not have permissions to take action on this rule.",
        )


class UnsupportedByEmbeddedAWSException(JsonRESTError):
    """A request AWS accepts that the embedded AWS does not model: refused rather than ignored."""

    code = 400

    def __init__(self, what: str):
        super().__init__("UnsupportedByEmbeddedAWSException", f"The embedded AWS does not implement {what}.")


# --- the stored organization rules ---------------------------------------------------------------


@dataclass
class MemberAccountRule:
    account_id: str
    config_rule_name: str
    status: str
    updated_at: datetime

    def to_status(self) -> dict[str, Any]:
        """The MemberAccountStatus shape."""
        return {
            "AccountId": self.account_id,
            "ConfigRuleName": self.config_rule_name,
            "MemberAccountRuleStatus": self.status,
            "LastUpdateTime": self.updated_at.timestamp(),
        }


@dataclass
class OrganizationRule:
    name: str
    arn: str
    metadata: dict[str, Any]
    excluded_accounts: list[str]
    status: str
    updated_at: datetime
    members: dict[str, MemberAccountRule] = field(default_factory=dict)

    def to_rule(self) -> dict[str, Any]:
        """The OrganizationConfigRule shape."""
        return {
            "OrganizationConfigRuleName": self.name,
            "OrganizationConfigRuleArn": self.arn,
            "OrganizationCustomRuleMetadata": self.metadata,
            "ExcludedAccounts": self.excluded_accounts,
            "LastUpdateTime": self.updated_at.timestamp(),
        }

    def to_status(self) -> dict[str, Any]:
        """The OrganizationConfigRuleStatus shape."""
        return {
            "OrganizationConfigRuleName": self.name,
            "OrganizationRuleStatus": self.status,
            "LastUpdateTime": self.updated_at.timestamp(),
        }


@dataclass
class OrganizationRuleStore:
    """The organization rules one account created in one region. ThreadedMotoServer serves requests
    on several threads, and a put or delete changes several accounts: one lock serialises them."""

    rules: dict[str, OrganizationRule] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def organization_rule_store(backend: ConfigBackend) -> OrganizationRuleStore:
    """The store of ``backend``; kept in its ``__dict__`` so that moto's reset clears it."""
    return backend.__dict__.setdefault(_STORE_ATTRIBUTE, OrganizationRuleStore())


# --- validation ----------------------------------------------------------------------------------


def _name_errors(name: Any, location: str) -> list[str]:
    if name is None:
        return [f"Value null at '{location}' failed to satisfy constraint: Member must not be null"]
    errors = _length_errors(name, location, ORGANIZATION_RULE_NAME_MAX_LENGTH)
    if isinstance(name, str) and name and not ORGANIZATION_RULE_NAME.fullmatch(name):
        errors.append(
            f"Value '{name}' at '{location}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {ORGANIZATION_RULE_NAME.pattern}"
        )
    return errors


def _custom_metadata_errors(metadata: dict[str, Any]) -> list[str]:
    where = "organizationCustomRuleMetadata"
    errors: list[str] = []
    for member in ("LambdaFunctionArn", "OrganizationConfigRuleTriggerTypes"):
        if metadata.get(member) is None:
            errors.append(f"Value null at '{where}.{member[0].lower() + member[1:]}' failed to satisfy constraint: Member must not be null")
    errors += _length_errors(metadata.get("LambdaFunctionArn"), f"{where}.lambdaFunctionArn", 256)
    errors += _length_errors(metadata.get("Description") or None, f"{where}.description", 256)
    errors += _length_errors(metadata.get("InputParameters"), f"{where}.inputParameters", 2048)
    errors += _length_errors(metadata.get("ResourceIdScope"), f"{where}.resourceIdScope", 768)
    errors += _length_errors(metadata.get("TagKeyScope"), f"{where}.tagKeyScope", 128)
    errors += _length_errors(metadata.get("TagValueScope") or None, f"{where}.tagValueScope", 256)
    errors += _list_length_errors(metadata.get("ResourceTypesScope"), f"{where}.resourceTypesScope", 100)
    for index, resource_type in enumerate(metadata.get("ResourceTypesScope") or [], start=1):
        errors += _length_errors(resource_type or None, f"{where}.resourceTypesScope.{index}.member", 256)
    for index, trigger in enumerate(metadata.get("OrganizationConfigRuleTriggerTypes") or [], start=1):
        errors += _enum_errors(trigger, f"{where}.organizationConfigRuleTriggerTypes.{index}.member", TRIGGER_TYPES)
    errors += _enum_errors(metadata.get("MaximumExecutionFrequency"), f"{where}.maximumExecutionFrequency", FREQUENCIES)
    return errors


def _excluded_accounts_errors(accounts: list[Any] | None) -> list[str]:
    errors = _list_length_errors(accounts, "excludedAccounts", EXCLUDED_ACCOUNTS_MAX)
    for index, account in enumerate(accounts or [], start=1):
        if not isinstance(account, str) or not ACCOUNT_ID.fullmatch(account):
            errors.append(
                f"Value '{account}' at 'excludedAccounts.{index}.member' failed to satisfy constraint: "
                r"Member must satisfy regular expression pattern: \d{12}"
            )
    return errors


def _names_errors(names: list[Any] | None, location: str) -> list[str]:
    errors = _list_length_errors(names, location, NAMES_MAX)
    for index, name in enumerate(names or [], start=1):
        errors += _length_errors(name, f"{location}.{index}.member", ORGANIZATION_RULE_NAME_MAX_LENGTH)
    return errors


def _raise_if(errors: list[str]) -> None:
    if errors:
        raise _validation_error(errors)


def _page_size(limit: Any) -> int:
    return _limit(limit, LIMIT_MAX, LIMIT_MAX, _aggregate_limit_error(LIMIT_MAX))


# --- member-account rules ------------------------------------------------------------------------


def member_rule_definition(metadata: dict[str, Any]) -> dict[str, Any]:
    """The PutConfigRule ``ConfigRule`` AWS creates in a member account for a custom Lambda rule."""
    frequency = metadata.get("MaximumExecutionFrequency")
    details = []
    for trigger in metadata["OrganizationConfigRuleTriggerTypes"]:
        detail = {"EventSource": "aws.config", "MessageType": trigger}
        if trigger == "ScheduledNotification" and frequency:
            detail["MaximumExecutionFrequency"] = frequency
        details.append(detail)
    rule: dict[str, Any] = {
        "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": metadata["LambdaFunctionArn"], "SourceDetails": details}
    }
    scope = {
        key: metadata[source]
        for key, source in (
            ("ComplianceResourceTypes", "ResourceTypesScope"),
            ("ComplianceResourceId", "ResourceIdScope"),
            ("TagKey", "TagKeyScope"),
            ("TagValue", "TagValueScope"),
        )
        if metadata.get(source)
    }
    if scope:
        rule["Scope"] = scope
    for key in ("Description", "InputParameters", "MaximumExecutionFrequency"):
        if metadata.get(key):
            rule[key] = metadata[key]
    return rule


def owned_config_rule(
    functions_account: str,
    owner: ConfigBackend,
    name: str,
    definition: Mapping[str, Any],
    previous: ConfigRule | None,
    created_by: str,
) -> ConfigRule:
    """A Config rule of ``owner``'s account that an AWS service created (``created_by``), checked by
    moto's own ConfigRule.

    moto checks a custom rule's function in the account the rule is built for; the function of an
    organization rule's or a conformance pack's rule may live in another account (the deploying one:
    AWS invokes it across accounts), so the rule is built there and then given ``owner``'s identity.
    An update keeps the rule's id and ARN, and so its results.
    """
    rule = ConfigRule(functions_account, owner.region_name, {**definition, "ConfigRuleName": name}, {})
    rule.account_id = owner.account_id
    if previous is not None:
        rule.config_rule_id = previous.config_rule_id
    rule.config_rule_arn = f"arn:{owner.partition}:config:{owner.region_name}:{owner.account_id}:config-rule/{rule.config_rule_id}"
    rule.created_by = created_by
    return rule


def _deploy_copies(deployer: ConfigBackend, rule: OrganizationRule, targets: list[str], now: datetime, *, update: bool) -> None:
    """Make the member copies of ``rule`` exactly those of ``targets``: create the missing ones,
    delete those of other accounts and, when ``update``, rewrite the others from the rule."""
    definition = member_rule_definition(rule.metadata)
    for account_id in list(rule.members):
        if account_id not in targets:
            _delete_member_rule(deployer.region_name, rule.members.pop(account_id))
    for account_id in targets:
        deployed = rule.members.get(account_id)
        if deployed is not None and not update:
            continue
        member_backend = config_backends[account_id][deployer.region_name]
        member_name = deployed.config_rule_name if deployed else member_rule_name(rule.name, _member_suffix())
        previous = member_backend.config_rules.get(member_name)
        member_backend.config_rules[member_name] = owned_config_rule(deployer.account_id, member_backend, member_name, definition, previous, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
        status = "UPDATE_SUCCESSFUL" if deployed else "CREATE_SUCCESSFUL"
        rule.members[account_id] = MemberAccountRule(account_id, member_name, status, now)


def follow_membership(organization: OrganizationsBackend) -> None:
    """Deploy every organization rule of ``organization`` to an account that joined it and remove
    it from one that left ("If a new account joins an organization, the rule is deployed to that
    account. When an account leaves an organization, the rule is removed.", the guide above)."""
    members = account_ids(organization)
    for backend, store in deployers_of(organization, _STORE_ATTRIBUTE):
        with store.lock:
            for rule in store.rules.values():
                targets = [account for account in members if account not in rule.excluded_accounts]
                _deploy_copies(backend, rule, targets, _now(), update=False)


def _member_suffix() -> str:
    return "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(MEMBER_SUFFIX_LENGTH))


def _delete_member_rule(region: str, member: MemberAccountRule) -> None:
    config_backends[member.account_id][region].config_rules.pop(member.config_rule_name, None)


# --- the API -------------------------------------------------------------------------------------


def put_organization_config_rule(
    self: ConfigBackend,
    name: Any,
    custom_metadata: dict[str, Any] | None,
    managed_metadata: dict[str, Any] | None,
    custom_policy_metadata: dict[str, Any] | None,
    excluded_accounts: list[Any] | None,
) -> dict[str, Any]:
    errors = _name_errors(name, "organizationConfigRuleName") + _excluded_accounts_errors(excluded_accounts)
    errors += _custom_metadata_errors(custom_metadata) if custom_metadata is not None else []
    _raise_if(errors)
    given = [m for m in (custom_metadata, managed_metadata, custom_policy_metadata) if m is not None]
    if len(given) != 1:
        raise InvalidParameterValueException(
            "Specify exactly one of OrganizationCustomRuleMetadata, OrganizationManagedRuleMetadata and "
            "OrganizationCustomPolicyRuleMetadata."
        )
    if custom_metadata is None:
        raise UnsupportedByEmbeddedAWSException("managed or custom policy organization rules (only OrganizationCustomRuleMetadata)")
    organization = administered_organization(self.account_id, self.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    # moto's checks of the rule (function exists, JSON parameters, frequencies) before any account changes.
    owned_config_rule(self.account_id, self, name, member_rule_definition(custom_metadata), None, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    excluded = sorted(set(excluded_accounts or []))
    targets = [account for account in account_ids(organization) if account not in excluded]
    store = organization_rule_store(self)
    with store.lock:
        now = _now()
        current = store.rules.get(name)
        if current is None:
            current = OrganizationRule(
                name=name,
                arn=f"arn:{self.partition}:config:{self.region_name}:{self.account_id}:organization-config-rule/{name}-{_member_suffix()}",
                metadata=custom_metadata,
                excluded_accounts=excluded,
                status="CREATE_SUCCESSFUL",
                updated_at=now,
            )
        else:
            current.metadata, current.excluded_accounts = custom_metadata, excluded
            current.status, current.updated_at = "UPDATE_SUCCESSFUL", now
        _deploy_copies(self, current, targets, now, update=True)
        store.rules[name] = current
    return {"OrganizationConfigRuleArn": current.arn}


def _named_rules(backend: ConfigBackend, names: list[str] | None) -> list[OrganizationRule]:
    rules = organization_rule_store(backend).rules
    for name in names or []:
        if name not in rules:
            raise NoSuchOrganizationConfigRuleException(name)
    chosen = [rules[name] for name in sorted(set(names))] if names else list(rules.values())
    return sorted(chosen, key=lambda rule: rule.name)


def _described(
    self: ConfigBackend,
    operation: str,
    shape: Callable[[OrganizationRule], dict[str, Any]],
    key: str,
    names: list[str] | None,
    limit: Any,
    next_token: str | None,
) -> dict[str, Any]:
    _raise_if(_names_errors(names, "organizationConfigRuleNames"))
    page_size = _page_size(limit)
    administered_organization(self.account_id, self.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    rules = _named_rules(self, names)
    if names:  # "Limit and next token are not applicable if you specify organization config rule names."
        return {key: [shape(rule) for rule in rules]}
    page, token = _page(rules, lambda rule: (rule.name,), page_size, next_token, operation)
    return _with_token({key: [shape(rule) for rule in page]}, token)


def describe_organization_config_rules(self: ConfigBackend, names: list[str] | None, limit: Any, next_token: str | None) -> dict[str, Any]:
    return _described(self, "DescribeOrganizationConfigRules", OrganizationRule.to_rule, "OrganizationConfigRules", names, limit, next_token)


def describe_organization_config_rule_statuses(
    self: ConfigBackend, names: list[str] | None, limit: Any, next_token: str | None
) -> dict[str, Any]:
    return _described(
        self, "DescribeOrganizationConfigRuleStatuses", OrganizationRule.to_status, "OrganizationConfigRuleStatuses", names, limit, next_token
    )


def get_organization_config_rule_detailed_status(
    self: ConfigBackend, name: Any, filters: dict[str, Any] | None, limit: Any, next_token: str | None
) -> dict[str, Any]:
    filters = filters or {}
    errors = _name_errors(name, "organizationConfigRuleName")
    errors += _enum_errors(filters.get("MemberAccountRuleStatus"), "filters.memberAccountRuleStatus", MEMBER_RULE_STATUSES)
    account_filter = filters.get("AccountId")
    if account_filter is not None and not ACCOUNT_ID.fullmatch(str(account_filter)):
        errors.append(
            f"Value '{account_filter}' at 'filters.accountId' failed to satisfy constraint: "
            r"Member must satisfy regular expression pattern: \d{12}"
        )
    _raise_if(errors)
    page_size = _page_size(limit)
    administered_organization(self.account_id, self.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    rule = _named_rules(self, [name])[0]
    members = [
        member
        for _, member in sorted(rule.members.items())
        if account_filter in (None, member.account_id) and filters.get("MemberAccountRuleStatus") in (None, member.status)
    ]
    listing = f"GetOrganizationConfigRuleDetailedStatus {rule.arn} {json.dumps(filters, sort_keys=True)}"
    page, token = _page(members, lambda member: (member.account_id,), page_size, next_token, listing)
    return _with_token({"OrganizationConfigRuleDetailedStatus": [member.to_status() for member in page]}, token)


def delete_organization_config_rule(self: ConfigBackend, name: Any) -> dict[str, Any]:
    _raise_if(_name_errors(name, "organizationConfigRuleName"))
    administered_organization(self.account_id, self.partition, ORGANIZATION_RULES_SERVICE_PRINCIPAL)
    store = organization_rule_store(self)
    with store.lock:
        rule = store.rules.pop(name, None)
        if rule is None:
            raise NoSuchOrganizationConfigRuleException(name)
        for member in rule.members.values():
            _delete_member_rule(self.region_name, member)
    return {}


_moto_put_configuration_aggregator = ConfigBackend.put_configuration_aggregator
_moto_put_config_rule = ConfigBackend.put_config_rule
_moto_delete_config_rule = ConfigBackend.delete_config_rule


def _refuse_if_service_linked(backend: ConfigBackend, rule_name: Any) -> None:
    rule = backend.config_rules.get(rule_name) if isinstance(rule_name, str) else None
    if rule is not None and rule.created_by:
        raise ServiceLinkedRuleAccessDeniedException()


def put_config_rule(self: ConfigBackend, config_rule: dict[str, Any], tags: list[dict[str, str]] | None = None) -> str:
    """moto's PutConfigRule, refusing to change a rule an AWS service created (an organization rule's copy)."""
    _refuse_if_service_linked(self, config_rule.get("ConfigRuleName"))
    return _moto_put_config_rule(self, config_rule, tags)


def delete_config_rule(self: ConfigBackend, rule_name: str) -> None:
    """moto's DeleteConfigRule, refusing to delete a rule an AWS service created (an organization rule's copy)."""
    _refuse_if_service_linked(self, rule_name)
    _moto_delete_config_rule(self, rule_name)


def put_configuration_aggregator(self: ConfigBackend, config_aggregator: dict[str, Any]) -> dict[str, Any]:
    """moto's PutConfigurationAggregator, refusing an organization aggregator to an account that may
    not aggregate the organization (API reference, PutConfigurationAggregator: the management
    account, or a delegated administrator registered for config.amazonaws.com)."""
    if config_aggregator.get("OrganizationAggregationSource"):
        administered_organization(self.account_id, self.partition, AGGREGATOR_SERVICE_PRINCIPAL)
    return _moto_put_configuration_aggregator(self, config_aggregator)


_moto_create_account = OrganizationsBackend.create_account
_moto_remove_account_from_organization = OrganizationsBackend.remove_account_from_organization


def create_account(self: OrganizationsBackend, **kwargs: Any) -> dict[str, Any]:
    """moto's CreateAccount; the new account then gets the organization's rules."""
    status = _moto_create_account(self, **kwargs)
    follow_membership(self)
    return status


def remove_account_from_organization(self: OrganizationsBackend, **kwargs: str) -> None:
    """moto's RemoveAccountFromOrganization; the account then loses the organization's rules."""
    _moto_remove_account_from_organization(self, **kwargs)
    follow_membership(self)


# --- the HTTP side -------------------------------------------------------------------------------


def _put_organization_config_rule_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(
        put_organization_config_rule(
            self.config_backend,
            request.get("OrganizationConfigRuleName"),
            request.get("OrganizationCustomRuleMetadata"),
            request.get("OrganizationManagedRuleMetadata"),
            request.get("OrganizationCustomPolicyRuleMetadata"),
            request.get("ExcludedAccounts"),
        )
    )


def _describe_organization_config_rules_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(
        describe_organization_config_rules(
            self.config_backend, request.get("OrganizationConfigRuleNames"), request.get("Limit"), request.get("NextToken")
        )
    )


def _describe_organization_config_rule_statuses_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(
        describe_organization_config_rule_statuses(
            self.config_backend, request.get("OrganizationConfigRuleNames"), request.get("Limit"), request.get("NextToken")
        )
    )


def _get_organization_config_rule_detailed_status_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(
        get_organization_config_rule_detailed_status(
            self.config_backend,
            request.get("OrganizationConfigRuleName"),
            request.get("Filters"),
            request.get("Limit"),
            request.get("NextToken"),
        )
    )


def _delete_organization_config_rule_response(self: ConfigResponse) -> str:
    request = _request(self)
    return json.dumps(delete_organization_config_rule(self.config_backend, request.get("OrganizationConfigRuleName")))


_BACKEND_METHODS: dict[str, Callable[..., Any]] = {
    # moto's own responses call these on the backend; the organization-rule responses above call
    # this module's functions directly.
    "put_configuration_aggregator": put_configuration_aggregator,
    "put_config_rule": put_config_rule,
    "delete_config_rule": delete_config_rule,
}
_RESPONSE_METHODS: dict[str, Callable[[ConfigResponse], str]] = {
    "put_organization_config_rule": _put_organization_config_rule_response,
    "describe_organization_config_rules": _describe_organization_config_rules_response,
    "describe_organization_config_rule_statuses": _describe_organization_config_rule_statuses_response,
    "get_organization_config_rule_detailed_status": _get_organization_config_rule_detailed_status_response,
    "delete_organization_config_rule": _delete_organization_config_rule_response,
}


def install() -> None:
    """Give moto's Config the organization-rule APIs. Idempotent; affects every moto backend in the process."""
    allow_config_delegated_administrators()
    setattr(OrganizationsBackend, "create_account", create_account)
    setattr(OrganizationsBackend, "remove_account_from_organization", remove_account_from_organization)
    for name, function in _BACKEND_METHODS.items():
        setattr(ConfigBackend, name, function)
    for name, function in _RESPONSE_METHODS.items():
        setattr(ConfigResponse, name, function)

